/*
 * The data model shared by the stress loop, the statistics and the report
 * writers. Pure C: no Win32 types, so the statistics and writers build and
 * test without Windows knowledge.
 *
 * Samples are streamed to samples.csv as they are taken and never held for
 * a whole run; reports are built by reading that CSV back (which is also
 * what `comstress report DIR` does after a crash or hang).
 */
#ifndef CS_MODEL_H
#define CS_MODEL_H

#include <stddef.h>

/* Classified release findings kept per run (release_rules.h). */
#define CS_MAX_FINDINGS 16
/* Changes against a baseline kept per run (regress.h). */
#define CS_MAX_CHANGES 16

/* Every metric a sample can carry. A sample holds NaN for a metric that was
 * not measured (no probe on the target, no malloc spy, ...). The names are
 * the CSV column names and the keys of run.json's "verdicts" object. */
typedef enum cs_metric {
    CS_M_HEAP_BYTES,        /* live bytes over every process heap (HeapWalk) */
    CS_M_HEAP_BLOCKS,       /* live blocks, same walk */
    CS_M_WORKING_SET,       /* GetProcessMemoryInfo WorkingSetSize */
    CS_M_PAGEFILE,          /* GetProcessMemoryInfo PagefileUsage */
    CS_M_HANDLES,           /* GetProcessHandleCount */
    CS_M_THREADS,           /* threads of this process */
    CS_M_LIVE_OBJECTS,      /* probe: live server objects, Probe excluded */
    CS_M_SERVER_LOCKS,      /* probe: LockServer count */
    CS_M_COTASKMEM_BYTES,   /* IMallocSpy: live CoTaskMem bytes */
    CS_M_CACHE_ENTRIES,     /* binding cache entries held */
    CS_M_CACHE_BYTES,       /* bytes held by the binding cache */
    CS_M_COUNT
} cs_metric;

/* "heap_bytes", "working_set_bytes", ... (stable: never renamed). */
const char *cs_metric_name(cs_metric m);
/* Unit word for reports: "bytes", "blocks", "handles", "objects", ... */
const char *cs_metric_unit(cs_metric m);
/* Is m counted in bytes (its leak threshold is --max-leak)? */
int cs_metric_is_bytes(cs_metric m);
/* Does m move in 4096-byte pages with whatever the process maps (working
 * set, pagefile)? Such metrics gate a run only at --fail-on leak-any. */
int cs_metric_page_granular(cs_metric m);

/* Looks a metric up by name; returns CS_M_COUNT when unknown. */
cs_metric cs_metric_from_name(const char *name);

typedef struct cs_sample {
    long long iteration;      /* iterations completed when taken */
    double elapsed_s;         /* seconds since the run started */
    double v[CS_M_COUNT];     /* NaN when not measured */
} cs_sample;

/* Sets every metric of s to NaN (not measured), iteration and time to 0. */
void cs_sample_clear(cs_sample *s);

typedef enum cs_verdict_kind {
    CS_V_CLEAN,
    CS_V_LEAK,
    CS_V_PLATEAU,
    CS_V_INCONCLUSIVE,
    CS_V_NOT_MEASURED
} cs_verdict_kind;

const char *cs_verdict_name(cs_verdict_kind k);  /* "clean", "leak", ... */

typedef struct cs_verdict {
    cs_metric metric;
    cs_verdict_kind kind;
    double per_iteration;     /* robust slope after warm-up, unit/iteration */
    double ci_low, ci_high;   /* 95% confidence interval of the slope */
    long long warmup;         /* iterations excluded as warm-up */
    size_t samples;           /* samples the verdict used */
    double from, to;          /* the iterations of its first and last (NaN: none) */
    int stands_in;            /* a memory counter standing in for the heap
                               * metrics, which had too few walks (see
                               * cs_run_verdicts): gates as an exact metric */
} cs_verdict;


/* Release discipline at the end of a run (run.json "release" object).
 * Fields are -1 when not measured (no probe, no ledger, not in-process). */
typedef struct cs_release {
    int measured;               /* 0: no release checks were made */
    long long outstanding_refs; /* ledger: references never released */
    long long use_after_release;/* ledger: calls through released pointers */
    long live_objects_end;      /* probe */
    long locks_end;             /* probe */
    int can_unload;             /* DllCanUnloadNow said S_OK (1/0/-1) */
    int unloaded;               /* module gone after CoFreeUnusedLibrariesEx */
    long long cotaskmem_live_blocks;  /* malloc spy, -1 when off */
    long long cotaskmem_live_bytes;
    int bstr_cache_off;         /* 1 when the BSTR cache was off */
    /* classified findings, one line each ("refcount leak: ..."), as
     * found: whether one fails the run is the judge's word (judge.h) */
    const char *findings[CS_MAX_FINDINGS];
    unsigned categories[CS_MAX_FINDINGS]; /* the --fail-on category of
                                 * each (CS_FAIL_REFS, _OBJECTS, _BLOCKS,
                                 * _UNLOAD; options.h) */
    size_t nfindings;
    unsigned dropped;           /* categories of findings past
                                 * CS_MAX_FINDINGS (not listed, still
                                 * judged) */
    int foreign;                /* 1: the server is not ours (no comstress
                                 * probe): it may never unload by design */
} cs_release;

/* Allocation sites kept per run when tracing, and frames per site. */
#define CS_MAX_ALLOCS 8
#define CS_ALLOC_FRAMES 8
#define CS_FRAME_LEN 192

/* A frame not yet named: what naming it later needs (the module's file
 * and the offset in it), for a site written while the run went. */
typedef struct cs_raw_frame {
    int traced;               /* in a traced module */
    unsigned long long offset;
    char path[260];           /* the module's file, "" unknown */
} cs_raw_frame;

/* One group of outstanding allocations of a traced run (same stack, same
 * call), as run.json's "allocations" entries carry it. */
typedef struct cs_alloc_site {
    const char *cls;          /* "leak", "plateau", "one-off" */
    const char *kind;         /* the allocator: "heap", "crt", "bstr", ... */
    const char *call;         /* the call text that was running, or NULL */
    double blocks, bytes;     /* outstanding at the end */
    double blocks_per_iteration, bytes_per_iteration;
    char site[512];           /* "fn (file.c:49) <- caller (file.c:176)" */
    size_t nframes;           /* innermost first */
    char frames[CS_ALLOC_FRAMES][CS_FRAME_LEN];
    /* Sites of a snapshot taken while the run went are not named (dbghelp
     * would cost the run most of a second): their frames as collected,
     * which `report DIR` names when it has only the snapshot. */
    size_t nraw;
    cs_raw_frame raw[CS_ALLOC_FRAMES];
} cs_alloc_site;

/* How the engine's run ended, whatever its verdicts: the runner returns
 * it; status.h maps it, in one place each, to an exit code and to the
 * words of run.json, junit.xml, the phase file and the console. */
typedef enum cs_status {
    CS_ST_COMPLETED,          /* every iteration ran */
    CS_ST_INTERRUPTED,        /* Ctrl-C, Ctrl-Break or a termination request */
    CS_ST_CRASHED,            /* an exception in the target */
    CS_ST_HUNG,               /* --timeout expired: a call never returned */
    CS_ST_CANNOT_WRITE,       /* the output could not be written */
    CS_ST_CALL_FAILED,        /* a call failed (unknown member, bad arguments) */
    CS_ST_TARGET_FAILED,      /* the target could not be created or set up */
    CS_ST_USAGE,              /* a bad command line, found late */
    CS_ST_INTERNAL,           /* anything else (COM init, out of memory) */
    CS_ST_COUNT
} cs_status;

/* One run: one workload under one cache policy. Strings are owned by the
 * caller; writers only read them. */
typedef struct cs_run {
    const char *name;         /* "run", or "compare/type" ... */
    const char *target;       /* ProgID or {CLSID} as given */
    const char *calls;        /* the --call texts joined with "; " */
    const char *cache;        /* "none", "type", "instance", "instance-unbounded" */
    long long iterations;
    long long warmup;
    double seconds;
    double loop_seconds;      /* from the start line to the last iteration's
                               * end, without the samples taken meanwhile */
    double calls_per_second;  /* calls / loop_seconds */
    long live_objects_end;    /* -1 when the target has no probe */
    long server_locks_end;    /* -1 when the target has no probe */
    size_t samples;
    double sampling_seconds;  /* time the samplers took (their overhead) */
    long long sample_every_end; /* sampling interval at the end (it adapts) */
    size_t heap_walks;        /* samples with heap and memory figures (the
                               * sampler's costly part; see --heap-walk) */
    /* binding cache figures */
    long long binds;
    long long getidsofnames_calls;
    long long cache_entries_end;
    long long cache_bytes_end;
    long long type_fallbacks; /* type policy that fell back to per-instance */
    double heap_bytes_per_iteration;
    /* verdicts, one per metric measured */
    cs_verdict verdicts[CS_M_COUNT];
    size_t nverdicts;
    const char *error;        /* NULL, or the one-line error that ended it */
    cs_status status;         /* how it ended (CS_ST_COMPLETED: normally) */
    unsigned long exception;  /* an exception code a call returned (the
                               * marshaller caught a crash on another
                               * thread), 0 when none */
    cs_release release;       /* release checks */
    const cs_alloc_site *allocs; /* traced allocation sites, NULL when the
                               * run was not traced */
    size_t nallocs;
    int threads;              /* worker threads */
    const char *apartment;    /* "sta" or "mta" */
    const char *activation;   /* "factory" or "cocreate" */
    const char *scenario;     /* "calls" or "pass-instance" */
    const char *heap_mode;    /* context of the run, kept in its record so */
    const char *heap_walk;    /* that report DIR says them as the run did */
    unsigned fail_on;         /* the gate: --fail-on's CS_FAIL_* categories,
                               * whole (options.h); cs_judge applies it */
    /* --baseline: the run set beside an earlier one (regress.h) */
    const char *baseline;     /* the earlier run's directory, NULL: none */
    const char *changes[CS_MAX_CHANGES];   /* one line each */
    unsigned char change_regression[CS_MAX_CHANGES]; /* 1: a regression,
                               * 0: fixed */
    size_t nchanges;          /* changes listed */
    size_t regressions;       /* regressions found (listed or not) */
} cs_run;

/* The context block of run.json (google/benchmark style). */
typedef struct cs_context {
    const char *date;         /* ISO 8601, local time with offset */
    const char *host;
    const char *os_version;   /* "Wine 8.0" or "Windows 10.0.19045" */
    const char *build_type;
    const char *version;      /* comstress version */
    const char *command_line;
    const char *heap_mode;    /* the process heap: "lfh" or "default" (--heap) */
    const char *heap_walk;    /* "budget" or "every" (--heap-walk, --sample-every) */
    double harness_heap_bytes; /* the harness's own private heaps (left out of
                               * every heap figure) when the reports were
                               * written; negative: not known (report DIR) */
} cs_context;

#endif
