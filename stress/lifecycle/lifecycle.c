/* DLL lifecycle scenarios run in the child: see lifecycle.h. */
#include <windows.h>
#include <objbase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lifecycle.h"
#include "life_dll.h"
#include "pascal.h"
#include "isolate.h"
#include "phase.h"
#include "paths.h"
#include "samplers.h"
#include "trace.h"

/* Full path of a lifecycle DLL: --dll-dir, else this program's folder. */
static void dll_path(const cs_life_options *o, const char *name, char *buf, size_t n)
{
    char *slash;

    if (o->dll_dir) {
        snprintf(buf, n, "%s\\%s", o->dll_dir, name);
        return;
    }
    if (cs_self_path(buf, n))
        buf[0] = 0;
    slash = strrchr(buf, '\\');
    if (!slash)
        slash = strrchr(buf, '/');
    if (slash && (size_t)(slash - buf) + strlen(name) + 2 <= n)
        strcpy(slash + 1, name);
    else
        snprintf(buf, n, "%s", name);
}

/* LoadLibrary with the phase recorded first and a one-line error. */
static HMODULE load_dll(const char *path, const char *what)
{
    WCHAR *w = cs_wide_path(path);
    HMODULE h = NULL;
    char why[300];

    cs_phase_set("%s: LoadLibrary %s", what, path);
    if (!w || !(h = LoadLibraryW(w)))
        fprintf(stderr, "comstress child: cannot load '%s': %s\n", path,
                cs_win32_text(w ? GetLastError() : ERROR_NO_UNICODE_TRANSLATION, why, sizeof(why)));
    free(w);
    return h;
}

void cs_life_dll_path(const cs_life_options *o, const char *name, char *buf, size_t n)
{
    dll_path(o, name, buf, n);
}

HMODULE cs_life_load_dll(const char *path, const char *what)
{
    return load_dll(path, what);
}

/* ---- tls-unload ---- */

typedef int (WINAPI *tls_touch_fn)(void);
typedef int (WINAPI *tls_mode_fn)(int);
typedef DWORD (WINAPI *tls_size_fn)(DWORD);

/* Live worker threads that call CsTlsTouch once per cycle and never exit
 * between cycles: their blocks are what an unload strands. */
struct tls_pool {
    int n;
    volatile LONG cycle;      /* the cycle now going, for the tracer */
    HANDLE threads[CS_MAX_THREADS], go[CS_MAX_THREADS], done;
    tls_touch_fn volatile touch;
    volatile LONG quit, allocated, failed;
};

struct tls_worker_arg { struct tls_pool *pool; int index; };

static DWORD WINAPI tls_worker(void *p)
{
    struct tls_worker_arg *a = p;
    struct tls_pool *pool = a->pool;
    HANDLE go = pool->go[a->index];

    for (;;) {
        WaitForSingleObject(go, INFINITE);
        if (pool->quit)
            break;
        cs_trace_set_context(pool->cycle, 0);   /* no-op unless --trace */
        switch (pool->touch()) {
        case 1: InterlockedIncrement(&pool->allocated); break;
        case -1: InterlockedIncrement(&pool->failed); break;
        }
        ReleaseSemaphore(pool->done, 1, NULL);
    }
    return 0;
}

static int pool_start(struct tls_pool *pool, int n, struct tls_worker_arg *args)
{
    int i;

    memset(pool, 0, sizeof(*pool));
    if (!(pool->done = CreateSemaphoreW(NULL, 0, CS_MAX_THREADS, NULL)))
        return -1;
    for (i = 0; i < n; i++) {
        args[i].pool = pool;
        args[i].index = i;
        if (!(pool->go[i] = CreateEventW(NULL, FALSE, FALSE, NULL)))
            return -1;
        if (!(pool->threads[i] = CreateThread(NULL, 0, tls_worker, &args[i], 0, NULL))) {
            CloseHandle(pool->go[i]);
            return -1;
        }
        pool->n = i + 1;
    }
    return 0;
}

/* Lets every worker call touch once; returns 0 when all did in time. */
static int pool_touch(struct tls_pool *pool, tls_touch_fn touch)
{
    int i;

    pool->touch = touch;
    for (i = 0; i < pool->n; i++)
        SetEvent(pool->go[i]);
    for (i = 0; i < pool->n; i++)
        if (WaitForSingleObject(pool->done, 30000) != WAIT_OBJECT_0)
            return -1;
    return 0;
}

static void pool_stop(struct tls_pool *pool)
{
    int i;

    pool->quit = 1;
    for (i = 0; i < pool->n; i++)
        SetEvent(pool->go[i]);
    WaitForMultipleObjects((DWORD)pool->n, pool->threads, TRUE, 30000);
    for (i = 0; i < pool->n; i++) {
        CloseHandle(pool->threads[i]);
        CloseHandle(pool->go[i]);
    }
    if (pool->done)
        CloseHandle(pool->done);
}

/* One cycle: load, select the variant, touch on every live thread, unload.
 * Returns 0, or 6 with a message when the DLL misbehaves. */
static int tls_cycle(const cs_life_options *o, struct tls_pool *pool, const char *path, int k)
{
    char what[64];
    HMODULE h;
    tls_mode_fn set_mode;
    tls_size_fn set_size;
    tls_touch_fn touch;

    snprintf(what, sizeof(what), "cycle %d of %d", k, o->cycles);
    if (!(h = load_dll(path, what)))
        return CS_EXIT_INTERNAL;
    set_mode = (tls_mode_fn)(void *)GetProcAddress(h, "CsTlsSetMode");
    set_size = (tls_size_fn)(void *)GetProcAddress(h, "CsTlsSetBlockSize");
    touch = (tls_touch_fn)(void *)GetProcAddress(h, "CsTlsTouch");
    if (!set_mode || !set_size || !touch) {
        fprintf(stderr, "comstress child: '%s' lacks CsTlsSetMode/CsTlsSetBlockSize/CsTlsTouch\n", path);
        FreeLibrary(h);
        return CS_EXIT_INTERNAL;
    }
    set_mode(o->fixed);
    set_size(o->block_size);
    cs_phase_set("%s: CsTlsTouch on %d live threads", what, pool->n);
    if (pool_touch(pool, touch)) {
        fprintf(stderr, "comstress child: worker threads did not answer within 30 s\n");
        return CS_EXIT_INTERNAL;
    }
    if (pool->failed) {
        /* No blocks, no growth: that would read as "clean", wrongly. */
        fprintf(stderr, "comstress child: CsTlsTouch failed on %ld thread(s)\n", (long)pool->failed);
        FreeLibrary(h);
        return CS_EXIT_INTERNAL;
    }
    cs_phase_set("%s: %s%s", what, CS_PHASE_IN_FREELIBRARY, CS_TLS_DLL);
    FreeLibrary(h);
    return 0;
}

static double heap_now(void)
{
    double bytes = 0, blocks = 0;

    cs_heap_totals(&bytes, &blocks);
    return bytes;
}

/* Writes the verdict line and summary; returns 0 (clean) or 1 (leak). */
static int tls_verdict(const cs_life_options *o, cs_stream *res, const char *variant,
                       double before, double after, LONG allocated)
{
    double per_cycle = (after - before) / o->cycles, per_thread = per_cycle / o->threads;
    int leak = cs_tls_is_leak(per_cycle, o->block_size);

    cs_stream_printf(res, "{\"scenario\":\"tls-unload\",\"variant\":\"%s\",\"type\":\"verdict\","
                     "\"verdict\":\"%s\",\"cycles\":%d,\"threads\":%d,\"block_size\":%u,"
                     "\"heap_bytes_before\":%.0f,\"heap_bytes_after\":%.0f,"
                     "\"bytes_per_cycle\":%.1f,\"bytes_per_thread\":%.1f,\"blocks_allocated\":%ld}",
                     variant, leak ? "leak" : "clean", o->cycles, o->threads, o->block_size,
                     before, after, per_cycle, per_thread, (long)allocated);
    cs_phase_summary("%s: %.0f B/cycle, %.0f B/thread/cycle over %d cycles (%s, block %u B, %d live threads)",
                     leak ? "leak" : "clean", per_cycle, per_thread, o->cycles, variant,
                     o->block_size, o->threads);
    printf("tls-unload %s: %s, %.1f bytes/cycle, %.1f bytes/thread/cycle\n", variant,
           leak ? "leak" : "clean", per_cycle, per_thread);
    return leak;
}

int cs_life_trace_start(const char *path)
{
    cs_trace_config cfg = { 0 };
    WCHAR *w = cs_wide(path);
    char why[300];
    HRESULT hr = E_OUTOFMEMORY;

    if (w) {
        cfg.target = w;
        hr = cs_trace_start(&cfg);
        free(w);
    }
    if (FAILED(hr)) {
        fprintf(stderr, "comstress child: --trace: cannot trace %s: %s\n", path,
                cs_hresult_text(hr, why, sizeof(why)));
        return -1;
    }
    cs_samplers_exclude_heap(cs_trace_heap());
    return 0;
}

/* --trace: where the stranded blocks were allocated, per cycle and per
 * live thread, streamed as a "traced" result and said on stdout. */
static void tls_traced(const cs_life_options *o, cs_stream *res, const char *variant)
{
    cs_trace_collect_options co = { 1, o->cycles, 8, FALSE };
    cs_trace_report *rep = NULL;
    char site[512];
    size_t i;

    if (FAILED(cs_trace_collect(&co, &rep)))
        return;
    for (i = 0; i < rep->nsites; i++) {
        const cs_trace_site *t = &rep->sites[i];

        if (t->cls != CS_TRACE_LEAK)
            continue;
        cs_trace_format_site(t, site, sizeof(site));
        cs_stream_printf(res, "{\"scenario\":\"tls-unload\",\"variant\":\"%s\",\"type\":\"traced\","
                         "\"allocated_in\":\"%s\",\"bytes_per_cycle\":%.1f,\"blocks_per_cycle\":%.2f,"
                         "\"bytes_per_cycle_per_thread\":%.1f}", variant, site, t->bytes_per_iteration,
                         t->blocks_per_iteration, t->bytes_per_iteration / o->threads);
        printf("traced: %.0f B per cycle (%.0f B per live thread) allocated in %s\n",
               t->bytes_per_iteration, t->bytes_per_iteration / o->threads, site);
    }
    cs_trace_report_free(rep);
}

/* Warm-up cycle, then C measured cycles with a heap sample after each. */
static int run_tls_unload(const cs_life_options *o, cs_stream *res)
{
    struct tls_worker_arg args[CS_MAX_THREADS];
    struct tls_pool pool;
    const char *variant = o->pin ? "pinned" : o->fixed ? "fixed" : "leaky";
    char path[CS_PATH_LEN];
    HMODULE pin = NULL;
    double before, after;
    LONG allocated;
    int k, rc = CS_EXIT_INTERNAL;

    dll_path(o, CS_TLS_DLL, path, sizeof(path));
    if (o->trace && cs_life_trace_start(path))
        return CS_EXIT_INTERNAL;
    cs_phase_set("starting %d live worker threads", o->threads);
    if (pool_start(&pool, o->threads, args)) {
        fprintf(stderr, "comstress child: cannot start %d worker threads\n", o->threads);
        goto out_stop;
    }
    if (o->pin && !(pin = load_dll(path, "pin")))
        goto out_stop;
    if ((rc = tls_cycle(o, &pool, path, 0)))
        goto out_unpin;
    /* The warm-up also formats one line, so the stream's first-use costs
     * (CRT formatting state) fall before the first measurement. */
    cs_stream_printf(res, "{\"scenario\":\"tls-unload\",\"variant\":\"%s\",\"type\":\"warmup\","
                     "\"heap_bytes\":%.0f}", variant, heap_now());
    before = heap_now();
    allocated = pool.allocated;
    for (k = 1; k <= o->cycles; k++) {
        pool.cycle = k;
        if ((rc = tls_cycle(o, &pool, path, k)))
            goto out_unpin;
        cs_stream_printf(res, "{\"scenario\":\"tls-unload\",\"variant\":\"%s\",\"type\":\"cycle\","
                         "\"cycle\":%d,\"heap_bytes\":%.0f,\"blocks_allocated\":%ld}",
                         variant, k, heap_now(), (long)(pool.allocated - allocated));
    }
    after = heap_now();
    rc = tls_verdict(o, res, variant, before, after, pool.allocated - allocated);
    if (o->trace)
        tls_traced(o, res, variant);
out_unpin:
    if (pin)
        FreeLibrary(pin);
out_stop:
    cs_phase_set("stopping the worker threads");
    pool_stop(&pool);
    if (o->trace)
        cs_trace_stop();
    return rc;
}

/* ---- unload-deadlock ---- */

typedef void (WINAPI *worker_notify_fn)(const char *event);
typedef void (WINAPI *set_notify_fn)(worker_notify_fn cb);
typedef BOOL (WINAPI *worker_stop_fn)(void);

static HANDLE worker_running;

/* Called by the DLL from its worker thread and from its DllMain: only
 * records (WriteFile), never touches the loader. */
static void WINAPI on_worker_event(const char *event)
{
    cs_phase_note("%s", event);
    if (strstr(event, "running") && worker_running)
        SetEvent(worker_running);
}

static int run_unload_deadlock(const cs_life_options *o, cs_stream *res)
{
    const char *variant = o->fixed ? "fixed" : "leaky";
    char path[CS_PATH_LEN];
    set_notify_fn set_notify;
    worker_stop_fn stop;
    HMODULE h;
    DWORD t0;

    dll_path(o, CS_DEADLOCK_DLL, path, sizeof(path));
    worker_running = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!(h = load_dll(path, "unload-deadlock")))
        return CS_EXIT_INTERNAL;
    set_notify = (set_notify_fn)(void *)GetProcAddress(h, "CsWorkerSetNotify");
    stop = (worker_stop_fn)(void *)GetProcAddress(h, "CsWorkerStop");
    if (!set_notify || !stop) {
        fprintf(stderr, "comstress child: '%s' lacks CsWorkerSetNotify/CsWorkerStop\n", path);
        return CS_EXIT_INTERNAL;
    }
    set_notify(on_worker_event);
    cs_phase_set("waiting for the DLL's worker thread to run");
    if (WaitForSingleObject(worker_running, 10000) != WAIT_OBJECT_0)
        cs_phase_note("the worker thread did not report running within 10 s");
    cs_stream_printf(res, "{\"scenario\":\"unload-deadlock\",\"variant\":\"%s\",\"type\":\"loaded\"}", variant);
    if (o->fixed) {
        cs_phase_set("CsWorkerStop (outside DllMain, before FreeLibrary)");
        stop();
    }
    cs_phase_set("%s%s", CS_PHASE_IN_FREELIBRARY, CS_DEADLOCK_DLL);
    t0 = GetTickCount();
    FreeLibrary(h);
    cs_phase_set("FreeLibrary returned");
    cs_stream_printf(res, "{\"scenario\":\"unload-deadlock\",\"variant\":\"%s\",\"type\":\"unloaded\","
                     "\"freelibrary_ms\":%lu}", variant, GetTickCount() - t0);
    cs_phase_summary("FreeLibrary returned after %lu ms (%s)", GetTickCount() - t0, variant);
    return 0;
}

/* ---- unload-race ---- */

struct race {
    CLSID clsid;
    volatile LONG stop;
    volatile LONG creates, failures, frees;
    volatile LONG first_failure;
};

static DWORD WINAPI race_creator(void *p)
{
    struct race *r = p;
    IUnknown *unk;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    while (!r->stop) {
        unk = NULL;
        hr = CoCreateInstance(&r->clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
        if (SUCCEEDED(hr)) {
            IUnknown_Release(unk);
            InterlockedIncrement(&r->creates);
        } else {
            InterlockedCompareExchange(&r->first_failure, hr, 0);
            InterlockedIncrement(&r->failures);
        }
    }
    CoUninitialize();
    return 0;
}

static DWORD WINAPI race_freer(void *p)
{
    struct race *r = p;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    while (!r->stop) {
        CoFreeUnusedLibrariesEx(0, 0);
        InterlockedIncrement(&r->frees);
    }
    CoUninitialize();
    return 0;
}

/* Looks the target up: ProgID, or {CLSID}. Returns 0 or 3 (message). */
static int race_clsid(const char *target, CLSID *clsid)
{
    WCHAR *w = cs_wide(target);
    HRESULT hr = E_INVALIDARG;

    if (w)
        hr = w[0] == '{' ? CLSIDFromString(w, clsid) : CLSIDFromProgID(w, clsid);
    free(w);
    if (FAILED(hr)) {
        fprintf(stderr, "comstress child: unload-race: --target '%s' is not registered (0x%08lx)\n",
                target, (unsigned long)hr);
        return CS_EXIT_TARGET;
    }
    return 0;
}

/* Runs the race for o->seconds, streaming progress every quarter second. */
static int race_loop(const cs_life_options *o, cs_stream *res, struct race *r, HANDLE *threads)
{
    DWORD t0 = GetTickCount(), limit = (DWORD)(o->seconds * 1000.0), now;
    int i;

    cs_phase_set("unload-race: %d creator threads and a CoFreeUnusedLibrariesEx(0, 0) loop for %.1f s",
                 o->threads, o->seconds);
    while ((now = GetTickCount() - t0) < limit) {
        Sleep(limit - now < 250 ? limit - now : 250);
        cs_stream_printf(res, "{\"scenario\":\"unload-race\",\"type\":\"progress\",\"ms\":%lu,"
                         "\"creates\":%ld,\"failures\":%ld,\"frees\":%ld}",
                         GetTickCount() - t0, (long)r->creates, (long)r->failures, (long)r->frees);
    }
    r->stop = 1;
    cs_phase_set("unload-race: waiting for the threads to end");
    for (i = 0; i <= o->threads; i++)
        WaitForSingleObject(threads[i], INFINITE);
    return 0;
}

static int run_unload_race(const cs_life_options *o, cs_stream *res)
{
    HANDLE threads[CS_MAX_THREADS + 1];
    /* static: on a failed start, threads already running still read it */
    static struct race r;
    int i, rc;

    memset(&r, 0, sizeof(r));
    if ((rc = race_clsid(o->target, &r.clsid)))
        return rc;
    for (i = 0; i < o->threads; i++)
        threads[i] = CreateThread(NULL, 0, race_creator, &r, 0, NULL);
    threads[o->threads] = CreateThread(NULL, 0, race_freer, &r, 0, NULL);
    for (i = 0; i <= o->threads; i++)
        if (!threads[i]) {
            fprintf(stderr, "comstress child: unload-race: cannot start threads\n");
            r.stop = 1;
            return CS_EXIT_INTERNAL;
        }
    race_loop(o, res, &r, threads);
    for (i = 0; i <= o->threads; i++)
        CloseHandle(threads[i]);
    cs_stream_printf(res, "{\"scenario\":\"unload-race\",\"type\":\"end\",\"creates\":%ld,"
                     "\"failures\":%ld,\"first_failure\":\"0x%08lx\",\"frees\":%ld}",
                     (long)r.creates, (long)r.failures, (unsigned long)r.first_failure, (long)r.frees);
    cs_phase_summary("%ld creates on %d MTA threads, %ld failed (first 0x%08lx), %ld CoFreeUnusedLibrariesEx calls in %.1f s",
                     (long)r.creates, o->threads, (long)r.failures, (unsigned long)r.first_failure,
                     (long)r.frees, o->seconds);
    return r.failures ? CS_EXIT_VERDICT : CS_EXIT_OK;
}

/* ---- self-tests of the isolation ---- */

static volatile int zero;

/* Deep enough to exhaust any stack; the volatile buffer defeats tail-call
 * and frame elimination. */
static int recurse(int depth)
{
    volatile char pad[4096];

    pad[0] = (char)depth;
    if (zero < 0)
        return pad[0];
    return recurse(depth + 1) + pad[0];
}

static int run_crash(const cs_life_options *o, cs_stream *res)
{
    cs_stream_printf(res, "{\"scenario\":\"crash\",\"type\":\"before-crash\",\"kind\":\"%s\"}", o->kind);
    cs_phase_set("crash: about to raise %s", o->kind);
    if (!strcmp(o->kind, "av"))
        *(volatile int *)(ULONG_PTR)zero = 1;
    else if (!strcmp(o->kind, "illegal"))
        __builtin_trap();
    else if (!strcmp(o->kind, "divide"))
        return 10 / zero;
    else
        return recurse(0);
    return 0;
}

static int run_hang(const cs_life_options *o, cs_stream *res)
{
    cs_stream_printf(res, "{\"scenario\":\"hang\",\"type\":\"before-hang\"}");
    cs_phase_set("hang: sleeping forever");
    Sleep(INFINITE);
    return 0;
}

int cs_life_run(const cs_life_options *o)
{
    char path[CS_PATH_LEN];
    cs_stream *res;
    int rc;

    cs_make_dirs(o->out_dir);
    snprintf(path, sizeof(path), "%s\\%s", o->out_dir, CS_PHASE_FILE);
    if (cs_phase_open(path))
        fprintf(stderr, "comstress child: cannot write '%s'; phases are not recorded\n", path);
    snprintf(path, sizeof(path), "%s\\%s", o->out_dir, CS_RESULTS_FILE);
    if (!(res = cs_stream_open(path))) {
        fprintf(stderr, "comstress child: --out '%s': cannot write %s\n", o->out_dir, path);
        return CS_EXIT_OUTPUT;
    }
    if (!strcmp(o->scenario, "tls-unload"))
        rc = run_tls_unload(o, res);
    else if (!strcmp(o->scenario, "unload-deadlock"))
        rc = run_unload_deadlock(o, res);
    else if (!strcmp(o->scenario, "unload-race")) {
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        rc = run_unload_race(o, res);
        CoUninitialize();
    } else if (!strcmp(o->scenario, "pascal-tls"))
        rc = cs_pascal_tls_run(o, res);
    else if (!strcmp(o->scenario, "crash"))
        rc = run_crash(o, res);
    else
        rc = run_hang(o, res);
    cs_stream_close(res);
    cs_phase_end(rc == 0 ? "passed" : rc == 1 ? "failed" : "error");
    return rc;
}
