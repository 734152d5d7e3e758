/*
 * Cost per late-bound call, measured side by side in one run, as ratios
 * against IDispatch::Invoke with a DISPID resolved once (the limit for late
 * binding): a direct vtable call, our layer under each cache policy, and
 * Wine's VBScript engine making the same call through cscript with the
 * empty-loop cost subtracted.
 *
 * Usage: comstress_bench [calls]   (default 200000)
 * Needs the reference server registered (scripts/bench.sh does it).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "comstress.h"
#include "lb.h"

static LARGE_INTEGER freq;

static double now_s(void)
{
    LARGE_INTEGER t;

    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}

/* Best of three runs of fn, in nanoseconds per call. */
#define BEST_OF_3(ns, body) do { \
    int rep_; double best_ = 1e30; \
    for (rep_ = 0; rep_ < 3; rep_++) { \
        double t0_ = now_s(); body; \
        double d_ = (now_s() - t0_) * 1e9 / (double)calls; \
        if (d_ < best_) best_ = d_; \
    } \
    (ns) = best_; \
} while (0)

static double bench_direct(IStressTarget *t, long calls)
{
    LONG r;
    long i;
    double ns;

    BEST_OF_3(ns, for (i = 0; i < calls; i++) IStressTarget_Add(t, 1, &r));
    return ns;
}

static double bench_invoke(IDispatch *d, long calls)
{
    OLECHAR *name = L"Add";
    DISPID id;
    VARIANT arg, res;
    DISPPARAMS dp = { &arg, NULL, 1, 0 };
    long i;
    double ns;

    IDispatch_GetIDsOfNames(d, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
    V_VT(&arg) = VT_I4;
    V_I4(&arg) = 1;
    BEST_OF_3(ns, for (i = 0; i < calls; i++) {
        VariantInit(&res);
        IDispatch_Invoke(d, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &dp, &res, NULL, NULL);
        VariantClear(&res);
    });
    return ns;
}

/* Our layer: lb_call through a dispatcher of the given policy. */
static double bench_layer(IDispatch *d, lb_policy p, long calls, lb_stats *st)
{
    lb_dispatcher *disp = lb_dispatcher_new(p);
    lb_site *site;
    lb_error e;
    VARIANT res;
    long i;
    double ns;

    lb_site_parse("Add(1)", &site, &e);
    BEST_OF_3(ns, for (i = 0; i < calls; i++) {
        VariantInit(&res);
        lb_call(disp, site, d, NULL, &res, &e);
        VariantClear(&res);
    });
    lb_dispatcher_stats(disp, st);
    lb_site_free(site);
    lb_dispatcher_free(disp);
    return ns;
}

/* Seconds cscript takes to run a script of n loop iterations, with or
 * without the call in the loop body. */
static double time_cscript(const char *dir, long n, int with_call)
{
    char path[MAX_PATH], cmd[MAX_PATH * 2];
    STARTUPINFOA si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    FILE *f;
    double t0;

    snprintf(path, sizeof(path), "%s\\bench_%d.vbs", dir, with_call);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "Set o = CreateObject(\"ComStress.Target\")\nFor i = 1 To %ld\n%s\nNext\n",
            n, with_call ? "o.Add 1" : "");
    fclose(f);
    snprintf(cmd, sizeof(cmd), "cscript.exe //nologo \"%s\"", path);
    t0 = now_s();
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return -1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return now_s() - t0;
}

/* VBScript cost per call: (loop with call - empty loop) / n, best of 3. */
static double bench_vbscript(long n)
{
    char dir[MAX_PATH];
    double best = 1e30, a, b;
    int i;

    GetTempPathA(sizeof(dir), dir);
    for (i = 0; i < 3; i++) {
        a = time_cscript(dir, n, 1);
        b = time_cscript(dir, n, 0);
        if (a < 0 || b < 0)
            return -1;
        if ((a - b) * 1e9 / n < best)
            best = (a - b) * 1e9 / n;
    }
    return best;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 200000;
    IStressTarget *t = NULL;
    IDispatch *d = NULL;
    double direct, invoke, none, type, inst, vbs;
    lb_stats st_type, st_inst, st_none;
    HRESULT hr;

    QueryPerformanceFrequency(&freq);
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    hr = CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER, &IID_IStressTarget, (void **)&t);
    if (FAILED(hr)) {
        fprintf(stderr, "bench: ComStress.Target is not registered (0x%08lx): run scripts/bench.sh\n", (unsigned long)hr);
        return 3;
    }
    IStressTarget_QueryInterface(t, &IID_IDispatch, (void **)&d);

    direct = bench_direct(t, calls);
    invoke = bench_invoke(d, calls);
    type = bench_layer(d, LB_CACHE_TYPE, calls, &st_type);
    inst = bench_layer(d, LB_CACHE_INSTANCE, calls, &st_inst);
    none = bench_layer(d, LB_CACHE_NONE, calls / 4 ? calls / 4 : 1, &st_none);
    vbs = bench_vbscript(calls * 2);

    printf("comstress bench: cost of one late-bound call to Add(1), %ld calls, best of 3\n\n", calls);
    printf("%-44s %10s %12s\n", "path", "ns/call", "x raw Invoke");
    printf("%-44s %10.1f %12.2f\n", "direct vtable call (early binding)", direct, direct / invoke);
    printf("%-44s %10.1f %12.2f\n", "IDispatch::Invoke, DISPID resolved once", invoke, 1.0);
    printf("%-44s %10.1f %12.2f   (%lld vtable, %lld Invoke calls)\n", "comstress layer, cache type", type, type / invoke,
           st_type.vtable_calls, st_type.invoke_calls);
    printf("%-44s %10.1f %12.2f\n", "comstress layer, cache instance", inst, inst / invoke);
    printf("%-44s %10.1f %12.2f\n", "comstress layer, cache none", none, none / invoke);
    if (vbs > 0)
        printf("%-44s %10.1f %12.2f\n", "VBScript (cscript), empty loop subtracted", vbs, vbs / invoke);
    else
        printf("%-44s %10s\n", "VBScript (cscript)", "failed to run");
    if (vbs > 0)
        printf("\nVBScript / comstress type: %.1fx\n", vbs / type);

    IDispatch_Release(d);
    IStressTarget_Release(t);
    CoUninitialize();
    return 0;
}
