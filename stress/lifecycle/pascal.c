/* pascal-tls, the TLS-at-unload scenarios on Free Pascal DLLs: see pascal.h
 * and docs/lifecycle.md. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pascal.h"
#include "life_dll.h"
#include "lifecycle.h"
#include "paths.h"
#include "samplers.h"
#include "stats.h"
#include "trace.h"

const cs_pascal_entry cs_pascal_suite[] = {
    { "pascal/seed/leaky", "child pascal-tls --library seed --variant leaky --threads 8", 1 },
    { "pascal/record/leaky", "child pascal-tls --library record --variant leaky --threads 8", 1 },
    { "pascal/empty/leaky", "child pascal-tls --library empty --variant leaky --threads 8", 0 },
    { "pascal/seed/ended", "child pascal-tls --library seed --variant ended --threads 8", 0 },
    { "pascal/seed/pinned", "child pascal-tls --library seed --variant leaky --pin --threads 8", 0 },
    { "pascal/seed/pool", "child pascal-tls --library seed --variant pool --threads 8", 1 },
    { "pascal/seed/dll-threads", "child pascal-tls --library seed --variant dll-threads --threads 8", 0 },
    { NULL, NULL, 0 }
};

typedef int (WINAPI *pas_touch_fn)(int);
typedef int (WINAPI *pas_threads_fn)(int);

struct pas_run;
struct pas_arg { struct pas_run *r; int index; };

/* Everything one run shares with its threads. */
struct pas_run {
    const cs_life_options *o;
    cs_stream *res;
    const char *variant;
    char dll[48];                   /* cs_pas_seed.dll */
    char path[CS_PATH_LEN];
    volatile LONG cycle;            /* the cycle now going, for the tracer */
    pas_touch_fn volatile touch;    /* CsPasTouch of the current load */
    volatile LONG calls, wrong;     /* calls made; answers that were not the value */
    /* leaky (and pinned): host threads that live through every cycle */
    int nlive;
    HANDLE live[CS_MAX_THREADS], go[CS_MAX_THREADS], done;
    volatile LONG quit;
    struct pas_arg args[CS_MAX_THREADS];
    /* pool: a Windows thread pool of exactly N threads, and one work
     * object submitted N times a round (a callback of its own per round,
     * TrySubmitThreadpoolCallback, is freed by the pool thread after it
     * returns: sometimes after the heap walk, which then counted it) */
    PTP_POOL pool;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;
    volatile LONG arrived;
    HANDLE all_here;
    /* figures */
    double block, runtime_block;    /* one thread's block: this DLL's, the empty one's */
    double first_call;              /* heap growth of the first calls, per thread */
    ULONG_PTR base;                 /* where the DLL was loaded, for --trace */
    int base_moved;                 /* a later load was elsewhere */
};

static double heap_now(void)
{
    double bytes = 0, blocks = 0;

    cs_heap_totals(&bytes, &blocks);
    return bytes;
}

static const char *variant_name(const cs_life_options *o)
{
    switch (o->fixed) {
    case CS_LIFE_ENDED: return "ended";
    case CS_LIFE_POOL: return "pool";
    case CS_LIFE_DLL_THREADS: return "dll-threads";
    default: return o->pin ? "pinned" : "leaky";
    }
}

/* One call of the export: the threadvar assigned on this thread. */
static void pas_call(struct pas_run *r)
{
    int v = (int)(GetCurrentThreadId() & 0x7fffffff);

    if (!r->touch)                          /* threads_start's round */
        return;
    cs_trace_set_context(r->cycle, 0);      /* no-op unless --trace */
    if (r->touch(v) != v)
        InterlockedIncrement(&r->wrong);
    InterlockedIncrement(&r->calls);
}

/* ---- the block sizes, measured with heap walks before the cycles ---- */

static DWORD WINAPI parked_thread(void *p)
{
    HANDLE *ev = p;

    SetEvent(ev[0]);
    WaitForSingleObject(ev[1], 30000);
    return 0;
}

/* Heap bytes a thread holds while it lives (started, parked, measured,
 * ended); -1 when it cannot be started. The DLLs loaded at the time add
 * what they allocate for a new thread in DLL_THREAD_ATTACH. */
static double thread_cost(void)
{
    HANDLE ev[2], t;
    double before, during = -1;

    ev[0] = CreateEventW(NULL, TRUE, FALSE, NULL);
    ev[1] = CreateEventW(NULL, TRUE, FALSE, NULL);
    before = heap_now();
    if (ev[0] && ev[1] && (t = CreateThread(NULL, 0, parked_thread, ev, 0, NULL))) {
        if (WaitForSingleObject(ev[0], 30000) == WAIT_OBJECT_0)
            during = heap_now() - before;
        SetEvent(ev[1]);
        WaitForSingleObject(t, 30000);
        CloseHandle(t);
    }
    if (ev[0])
        CloseHandle(ev[0]);
    if (ev[1])
        CloseHandle(ev[1]);
    return during;
}

/* What a thread started while path is loaded costs beyond base (a thread
 * with no Pascal DLL loaded): the runtime's block for it. Returns 0, or -1
 * after a message. */
static int attach_cost(const char *path, double base, double *out)
{
    HMODULE h = cs_life_load_dll(path, "block size");
    double cost;

    if (!h)
        return -1;
    cs_phase_set("block size: a thread started while %s is loaded", path);
    cost = thread_cost();
    cs_phase_set("block size: FreeLibrary %s", path);
    FreeLibrary(h);
    if (cost < 0 || base < 0) {
        fprintf(stderr, "comstress child: pascal-tls: cannot start a thread to measure a block\n");
        return -1;
    }
    *out = cost - base;
    return 0;
}

/* r->block (the selected library) and r->runtime_block (the empty one,
 * the runtime's own share). Returns 0 or -1 after a message. */
static int measure_blocks(struct pas_run *r)
{
    char empty[CS_PATH_LEN];
    double base;

    cs_phase_set("block size: a thread with no Pascal DLL loaded");
    thread_cost();              /* the process's first thread costs more */
    base = thread_cost();
    cs_life_dll_path(r->o, CS_PAS_EMPTY_DLL, empty, sizeof(empty));
    if (attach_cost(empty, base, &r->runtime_block))
        return -1;
    return attach_cost(r->path, base, &r->block);
}

/* ---- the threads that call: live, ended, a pool, the DLL's own ---- */

static DWORD WINAPI live_worker(void *p)
{
    struct pas_arg *a = p;
    struct pas_run *r = a->r;

    ReleaseSemaphore(r->done, 1, NULL);     /* started */
    for (;;) {
        WaitForSingleObject(r->go[a->index], INFINITE);
        if (r->quit)
            break;
        pas_call(r);
        ReleaseSemaphore(r->done, 1, NULL);
    }
    return 0;
}

static DWORD WINAPI ended_worker(void *p)
{
    pas_call(p);
    return 0;
}

static void CALLBACK pool_item(PTP_CALLBACK_INSTANCE inst, void *p, PTP_WORK work)
{
    struct pas_run *r = p;

    /* Every item waits for the others: N items on N distinct threads. */
    if (InterlockedIncrement(&r->arrived) == r->o->threads)
        SetEvent(r->all_here);
    else
        WaitForSingleObject(r->all_here, 30000);
    pas_call(r);
    ReleaseSemaphore(r->done, 1, NULL);
}

/* Waits for n signals of r->done; 0, or -1 after a message. */
static int wait_done(struct pas_run *r, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (WaitForSingleObject(r->done, 30000) != WAIT_OBJECT_0) {
            fprintf(stderr, "comstress child: pascal-tls: the calling threads did not answer within 30 s\n");
            return -1;
        }
    return 0;
}

static int act(struct pas_run *r, pas_threads_fn run_threads);

/* Starts what the variant keeps across cycles: the live threads (leaky,
 * pinned) or the thread pool (pool), and waits until every thread runs, so
 * that none is still starting (and attaching to the DLL) when it loads.
 * Returns 0 or -1. */
static int threads_start(struct pas_run *r)
{
    int i, n = r->o->threads;

    if (!(r->done = CreateSemaphoreW(NULL, 0, CS_MAX_THREADS, NULL)))
        return -1;
    if (r->o->fixed == CS_LIFE_POOL) {
        if (!(r->all_here = CreateEventW(NULL, TRUE, FALSE, NULL)) || !(r->pool = CreateThreadpool(NULL)))
            return -1;
        SetThreadpoolThreadMaximum(r->pool, (DWORD)n);
        if (!SetThreadpoolThreadMinimum(r->pool, (DWORD)n))
            return -1;
        InitializeThreadpoolEnvironment(&r->env);
        SetThreadpoolCallbackPool(&r->env, r->pool);
        if (!(r->work = CreateThreadpoolWork(pool_item, r, &r->env)))
            return -1;
        return act(r, NULL);        /* a round with no DLL: all N threads run */
    }
    if (r->o->fixed != CS_LIFE_LEAKY)
        return 0;
    for (i = 0; i < n; i++) {
        r->args[i].r = r;
        r->args[i].index = i;
        if (!(r->go[i] = CreateEventW(NULL, FALSE, FALSE, NULL)))
            return -1;
        if (!(r->live[i] = CreateThread(NULL, 0, live_worker, &r->args[i], 0, NULL))) {
            CloseHandle(r->go[i]);
            return -1;
        }
        r->nlive = i + 1;
    }
    return wait_done(r, n);
}

static void threads_stop(struct pas_run *r)
{
    int i;

    r->quit = 1;
    for (i = 0; i < r->nlive; i++)
        SetEvent(r->go[i]);
    WaitForMultipleObjects((DWORD)r->nlive, r->live, TRUE, 30000);
    for (i = 0; i < r->nlive; i++) {
        CloseHandle(r->live[i]);
        CloseHandle(r->go[i]);
    }
    if (r->work) {
        WaitForThreadpoolWorkCallbacks(r->work, TRUE);
        CloseThreadpoolWork(r->work);
    }
    if (r->pool) {
        DestroyThreadpoolEnvironment(&r->env);
        CloseThreadpool(r->pool);
    }
    if (r->all_here)
        CloseHandle(r->all_here);
    if (r->done)
        CloseHandle(r->done);
}

/* N threads started now (while the DLL is loaded), each calling once and
 * ending; returns 0 when all ended in time. */
static int ended_round(struct pas_run *r)
{
    HANDLE t[CS_MAX_THREADS] = { 0 };
    int i, n = 0, rc = 0;

    for (i = 0; i < r->o->threads; i++)
        if ((t[n] = CreateThread(NULL, 0, ended_worker, r, 0, NULL)))
            n++;
    if (n < r->o->threads || WaitForMultipleObjects((DWORD)n, t, TRUE, 30000) != WAIT_OBJECT_0) {
        fprintf(stderr, "comstress child: pascal-tls: %d of %d threads started and ended in time\n", n, r->o->threads);
        rc = -1;
    }
    for (i = 0; i < n; i++)
        CloseHandle(t[i]);
    return rc;
}

/* The variant's calls for one cycle; 0, or -1 after a message. */
static int act(struct pas_run *r, pas_threads_fn run_threads)
{
    int i, n = r->o->threads;

    switch (r->o->fixed) {
    case CS_LIFE_DLL_THREADS:
        if ((i = run_threads(n)) == n)
            return 0;
        fprintf(stderr, "comstress child: pascal-tls: CsPasRunThreads(%d) ran %d threads\n", n, i);
        return -1;
    case CS_LIFE_ENDED:
        return ended_round(r);
    case CS_LIFE_POOL:
        r->arrived = 0;
        ResetEvent(r->all_here);
        for (i = 0; i < n; i++)
            SubmitThreadpoolWork(r->work);
        if (wait_done(r, n))
            return -1;
        /* the callbacks signalled; now they have returned, and the pool
         * holds nothing of this round when the heap is walked */
        WaitForThreadpoolWorkCallbacks(r->work, FALSE);
        return 0;
    default:
        for (i = 0; i < n; i++)
            SetEvent(r->go[i]);
        return wait_done(r, n);
    }
}

/* One cycle: load, the variant's calls, unload. In the warm-up (k = 0)
 * the heap growth of the calls is the first calls' figure. Returns 0 or 6
 * after a message. */
static int pas_cycle(struct pas_run *r, int k)
{
    char what[64];
    pas_threads_fn run_threads = NULL;
    HMODULE h;
    double before;
    int rc;

    snprintf(what, sizeof(what), "cycle %d of %d", k, r->o->cycles);
    if (!(h = cs_life_load_dll(r->path, what)))
        return CS_EXIT_INTERNAL;
    if (r->base && r->base != (ULONG_PTR)h)
        r->base_moved = 1;
    r->base = (ULONG_PTR)h;
    r->touch = (pas_touch_fn)(void *)GetProcAddress(h, "CsPasTouch");
    if (r->o->fixed == CS_LIFE_DLL_THREADS)
        run_threads = (pas_threads_fn)(void *)GetProcAddress(h, "CsPasRunThreads");
    if (!r->touch || (r->o->fixed == CS_LIFE_DLL_THREADS && !run_threads)) {
        fprintf(stderr, "comstress child: '%s' lacks CsPasTouch%s\n", r->path,
                r->o->fixed == CS_LIFE_DLL_THREADS ? "/CsPasRunThreads" : "");
        FreeLibrary(h);
        return CS_EXIT_INTERNAL;
    }
    cs_phase_set("%s: %s on %d threads (%s)", what, run_threads ? "CsPasRunThreads" : "CsPasTouch",
                 r->o->threads, r->variant);
    before = heap_now();
    rc = act(r, run_threads);
    if (k == 0)
        r->first_call = (heap_now() - before) / r->o->threads;
    if (!rc && r->wrong)
        fprintf(stderr, "comstress child: pascal-tls: CsPasTouch answered %ld call(s) wrongly\n", (long)r->wrong);
    cs_phase_set("%s: %s%s", what, CS_PHASE_IN_FREELIBRARY, r->dll);
    FreeLibrary(h);
    r->touch = NULL;
    return rc || r->wrong ? CS_EXIT_INTERNAL : 0;
}

/* ---- the run ---- */

/* Threads whose blocks an unload strands: the N live or pool threads when
 * the DLL is really unloaded; none when they end first, when the DLL
 * starts its own, or when it is pinned. */
static int stranding_threads(const cs_life_options *o)
{
    if (o->pin)
        return 0;
    return o->fixed == CS_LIFE_LEAKY || o->fixed == CS_LIFE_POOL ? o->threads : 0;
}

/* Writes the verdict line and summary; returns 0 (flat) or 1 (leak). The
 * part beyond the blocks is what a cycle loses besides one thread's block
 * (measured before the cycles) per stranding thread: the runtime's heap
 * lock, when threads live (docs/lifecycle.md). */
static int pas_verdict(struct pas_run *r, double before, double after, double per_cycle, int steady)
{
    const cs_life_options *o = r->o;
    double per_thread = per_cycle / o->threads;
    double beyond = per_cycle - stranding_threads(o) * r->block;
    int leak = cs_tls_is_leak(per_cycle, r->block > 16 ? (unsigned)r->block : 16);

    cs_stream_printf(r->res, "{\"scenario\":\"pascal-tls\",\"variant\":\"%s\",\"library\":\"%s\",\"type\":\"verdict\","
                     "\"verdict\":\"%s\",\"cycles\":%d,\"threads\":%d,"
                     "\"heap_bytes_before\":%.0f,\"heap_bytes_after\":%.0f,"
                     "\"bytes_per_cycle\":%.1f,\"bytes_per_thread\":%.1f,"
                     "\"thread_block_bytes\":%.0f,\"runtime_block_bytes\":%.0f,\"own_block_bytes\":%.0f,"
                     "\"first_call_bytes\":%.1f,\"bytes_per_cycle_beyond_blocks\":%.1f,\"calls\":%ld,"
                     "\"most_cycles_share_growth\":%s}",
                     r->variant, o->library, leak ? "leak" : "clean", o->cycles, o->threads, before, after,
                     per_cycle, per_thread, r->block, r->runtime_block, r->block - r->runtime_block,
                     r->first_call, beyond, (long)r->calls, steady ? "true" : "false");
    cs_phase_summary("%s: %.0f B/cycle, %.0f B/thread/cycle over %d cycles (%s %s, %d threads; "
                     "a thread's block %.0f B, the runtime's %.0f B)", leak ? "leak" : "clean", per_cycle,
                     per_thread, o->cycles, o->library, r->variant, o->threads, r->block, r->runtime_block);
    printf("pascal-tls %s %s: %s, %.1f bytes/cycle, %.1f bytes/thread/cycle; a thread's block %.0f B "
           "(the runtime's own %.0f B, ours %.0f B); first call %.1f B/thread; beyond the blocks %.1f B/cycle\n",
           o->library, r->variant, leak ? "leak" : "clean", per_cycle, per_thread, r->block, r->runtime_block,
           r->block - r->runtime_block, r->first_call, beyond);
    return leak;
}

/* --trace: where the stranded blocks were allocated, per cycle and per
 * thread, streamed as "traced" lines (module+offset as the innermost
 * frame, named where the runtime's debug information is read). */
static void pas_traced(struct pas_run *r)
{
    cs_trace_collect_options co = { 1, r->o->cycles, 8, FALSE };
    cs_trace_report *rep = NULL;
    char site[512], at[160];
    size_t i;

    if (FAILED(cs_trace_collect(&co, &rep)))
        return;
    for (i = 0; i < rep->nsites; i++) {
        const cs_trace_site *t = &rep->sites[i];

        if (t->cls != CS_TRACE_LEAK || !t->nframes)
            continue;
        cs_trace_format_site(t, site, sizeof(site));
        /* Every load was at one base (checked in pas_cycle), so the
         * innermost frame's offset holds for the file on disk too. */
        if (r->base && !r->base_moved)
            snprintf(at, sizeof(at), "%s+0x%llx", r->dll, (unsigned long long)(t->frames[0].address - r->base));
        else
            snprintf(at, sizeof(at), "%s", "");
        cs_stream_printf(r->res, "{\"scenario\":\"pascal-tls\",\"variant\":\"%s\",\"library\":\"%s\",\"type\":\"traced\","
                         "\"allocated_in\":\"%s\",\"at\":\"%s\",\"bytes_per_cycle\":%.1f,\"blocks_per_cycle\":%.2f,"
                         "\"bytes_per_cycle_per_thread\":%.1f}", r->variant, r->o->library, site, at,
                         t->bytes_per_iteration, t->blocks_per_iteration, t->bytes_per_iteration / r->o->threads);
        printf("traced: %.0f B per cycle (%.0f B per thread) allocated at %s in %s\n", t->bytes_per_iteration,
               t->bytes_per_iteration / r->o->threads, at, site);
    }
    cs_trace_report_free(rep);
}

/* Warm-up cycle, then C measured cycles with a heap sample after each.
 * The samples' array is allocated before the first walk, so the
 * harness's own block is in every walk alike. */
static int run_cycles(struct pas_run *r)
{
    double *heap, per_cycle;
    int k, rc, steady;

    if (!(heap = malloc(sizeof(*heap) * ((size_t)r->o->cycles + 1)))) {
        fprintf(stderr, "comstress child: pascal-tls: out of memory for %d cycles' samples\n", r->o->cycles);
        return CS_EXIT_INTERNAL;
    }
    if ((rc = pas_cycle(r, 0)))
        goto out_free;
    cs_stream_printf(r->res, "{\"scenario\":\"pascal-tls\",\"variant\":\"%s\",\"library\":\"%s\",\"type\":\"warmup\","
                     "\"heap_bytes\":%.0f,\"first_call_bytes\":%.1f}", r->variant, r->o->library, heap_now(),
                     r->first_call);
    heap[0] = heap_now();
    for (k = 1; k <= r->o->cycles; k++) {
        r->cycle = k;
        if ((rc = pas_cycle(r, k)))
            goto out_free;
        heap[k] = heap_now();
        cs_stream_printf(r->res, "{\"scenario\":\"pascal-tls\",\"variant\":\"%s\",\"library\":\"%s\",\"type\":\"cycle\","
                         "\"cycle\":%d,\"heap_bytes\":%.0f}", r->variant, r->o->library, k, heap[k]);
    }
    /* a block of the process freed by another thread during the cycles
     * moves the mean of ten cycles by a tenth of its size: the figure is
     * what the cycles share, unless growth only some cycles show would be
     * hidden (stats.h) */
    per_cycle = cs_cycle_growth(heap, (size_t)r->o->cycles + 1, &steady);
    rc = pas_verdict(r, heap[0], heap[r->o->cycles], per_cycle, steady);
    if (r->o->trace)
        pas_traced(r);
out_free:
    free(heap);
    return rc;
}

int cs_pascal_tls_run(const cs_life_options *o, cs_stream *res)
{
    static struct pas_run r;
    HMODULE pin = NULL;
    int rc = CS_EXIT_INTERNAL;

    memset(&r, 0, sizeof(r));
    r.o = o;
    r.res = res;
    r.variant = variant_name(o);
    snprintf(r.dll, sizeof(r.dll), "cs_pas_%s.dll", o->library);
    cs_life_dll_path(o, r.dll, r.path, sizeof(r.path));
    if (o->trace && cs_life_trace_start(r.path))
        return CS_EXIT_INTERNAL;
    if (measure_blocks(&r))
        goto out_trace;
    cs_stream_printf(res, "{\"scenario\":\"pascal-tls\",\"variant\":\"%s\",\"library\":\"%s\",\"type\":\"blocks\","
                     "\"thread_block_bytes\":%.0f,\"runtime_block_bytes\":%.0f}", r.variant, o->library,
                     r.block, r.runtime_block);
    cs_phase_set("starting the %s threads (%d)", r.variant, o->threads);
    if (threads_start(&r)) {
        fprintf(stderr, "comstress child: pascal-tls: cannot start %d threads (%s)\n", o->threads, r.variant);
        goto out_stop;
    }
    if (o->pin && !(pin = cs_life_load_dll(r.path, "pin")))
        goto out_stop;
    rc = run_cycles(&r);
    if (pin)
        FreeLibrary(pin);
out_stop:
    cs_phase_set("stopping the %s threads", r.variant);
    threads_stop(&r);
out_trace:
    if (o->trace)
        cs_trace_stop();
    return rc;
}
