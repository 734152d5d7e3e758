/*
 * cs_trace_bench: what allocation tracing costs a late-bound call.
 *
 *   cs_trace_bench <comstress_server.dll> [seconds per measurement]
 *
 * Loads the reference server directly (no registration), makes one Target
 * and calls Echo("x") and Add(1) through IDispatch::Invoke (DISPIDs
 * resolved once, results cleared as a client would). Each call is measured
 * untraced, traced (tracing the server; Echo allocates a BSTR in the server
 * that oleaut32 frees), and untraced again after cs_trace_stop, best of
 * seven runs each, after a warm-up. The BSTR cache is off, as in comstress
 * runs. Prints calls per second (of the fastest batch: see measure), the
 * ratio and PASS or MISS against the targets (traced at most 2x slower;
 * after stop within 10% of before, the noise of a shared machine).
 */
#include "trace.h"
#include "comstress.h"

#include <stdio.h>
#include <stdlib.h>

typedef HRESULT (WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);

static double seconds_per_run = 1.0;

static double now(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;

    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}

/* One late-bound call, its result cleared; FALSE on a failed call. */
static BOOL invoke_once(IDispatch *d, DISPID id, VARIANT *arg)
{
    DISPPARAMS dp = { arg, NULL, 1, 0 };
    VARIANT res;
    HRESULT hr;

    VariantInit(&res);
    hr = IDispatch_Invoke(d, id, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL, NULL);
    VariantClear(&res);
    return SUCCEEDED(hr);
}

#define BATCH 2000

/*
 * Calls per second of the fastest batch of BATCH calls within one run of
 * seconds_per_run; -1 on a failure. The machine this runs on is shared:
 * a batch that met no neighbour is the figure that measures the calls.
 */
static double measure(IDispatch *d, DISPID id, VARIANT *arg)
{
    double start = now(), fastest = 1e9, t0, t;
    int i;

    do {
        t0 = now();
        for (i = 0; i < BATCH; i++)
            if (!invoke_once(d, id, arg))
                return -1;
        if ((t = now() - t0) < fastest)
            fastest = t;
    } while (now() - start < seconds_per_run);
    return BATCH / fastest;
}

static double best(double a, double b)
{
    return a > b ? a : b;
}

static DISPID dispid_of(IDispatch *d, const WCHAR *name)
{
    LPOLESTR n = (LPOLESTR)name;
    DISPID id = DISPID_UNKNOWN;

    IDispatch_GetIDsOfNames(d, &IID_NULL, &n, 1, 0, &id);
    return id;
}

#define ROUNDS 7

/*
 * Measures one call three ways and prints its line; FALSE on a miss. The
 * traced and after-stop runs alternate (start, run, stop, run) so that
 * both meet the same neighbours; each figure is its best run.
 */
static BOOL bench_call(IDispatch *d, const WCHAR *server, const char *label, const WCHAR *name,
                       VARIANT *arg)
{
    cs_trace_config config = { server, NULL, 0 };
    DISPID id = dispid_of(d, name);
    double before = 0, traced = 0, after = 0;
    BOOL pass_traced, pass_after;
    HRESULT hr;
    int round;

    measure(d, id, arg);            /* warm-up: caches, lazy binding, the CPU */
    for (round = 0; round < ROUNDS; round++)
        before = best(before, measure(d, id, arg));
    for (round = 0; round < ROUNDS; round++) {
        if (FAILED(hr = cs_trace_start(&config))) {
            fprintf(stderr, "cs_trace_start: 0x%08lx\n", (unsigned long)hr);
            return FALSE;
        }
        traced = best(traced, measure(d, id, arg));
        cs_trace_stop();
        after = best(after, measure(d, id, arg));
    }
    if (before <= 0 || traced <= 0 || after <= 0) {
        fprintf(stderr, "%s: a call failed\n", label);
        return FALSE;
    }
    pass_traced = before / traced <= 2.0;
    pass_after = after >= before * 0.90;
    printf("%-10s untraced %9.0f calls/s   traced %9.0f calls/s (%.2fx slower, target <= 2x: %s)"
           "   after stop %9.0f calls/s (%s)\n", label, before, traced, before / traced,
           pass_traced ? "PASS" : "MISS", after, pass_after ? "PASS" : "MISS");
    return pass_traced && pass_after;
}

int main(int argc, char **argv)
{
    WCHAR server[MAX_PATH];
    IClassFactory *factory;
    IDispatch *target;
    get_class_object_fn get_class_object;
    void (WINAPI *set_no_cache)(void);
    HMODULE dll;
    VARIANT text, one;
    BOOL ok;

    if (argc < 2) {
        fprintf(stderr, "usage: cs_trace_bench <comstress_server.dll> [seconds]\n");
        return 2;
    }
    if (argc > 2)
        seconds_per_run = atof(argv[2]) > 0 ? atof(argv[2]) : 1.0;
    MultiByteToWideChar(CP_ACP, 0, argv[1], -1, server, MAX_PATH);
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    set_no_cache = (void *)GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");
    if (set_no_cache)
        set_no_cache();
    if (!(dll = LoadLibraryW(server))
        || !(get_class_object = (get_class_object_fn)(void *)GetProcAddress(dll, "DllGetClassObject"))
        || FAILED(get_class_object(&CLSID_StressTarget, &IID_IClassFactory, (void **)&factory))) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    if (FAILED(IClassFactory_CreateInstance(factory, NULL, &IID_IDispatch, (void **)&target)))
        return 1;
    IClassFactory_Release(factory);
    V_VT(&text) = VT_BSTR;
    V_BSTR(&text) = SysAllocString(L"x");
    V_VT(&one) = VT_I4;
    V_I4(&one) = 1;
    ok = bench_call(target, server, "Echo(\"x\")", L"Echo", &text);
    ok = bench_call(target, server, "Add(1)", L"Add", &one) && ok;
    VariantClear(&text);
    IDispatch_Release(target);
    CoUninitialize();
    return ok ? 0 : 1;
}
