/*
 * Command-line options of every comstress subcommand (run, compare,
 * report, list, suite, child), parsed by one table-driven parser without
 * Win32 so it builds and is unit-tested on the host. Every malformed input
 * gets one line naming the option and the value, and exit code
 * CS_EXIT_USAGE; an option that belongs to another subcommand is refused
 * like an unknown one.
 */
#ifndef CS_OPTIONS_H
#define CS_OPTIONS_H

#include <stddef.h>

/* Exit codes: a contract with scripts and CI (documented in the README). */
typedef enum cs_exit {
    CS_EXIT_OK = 0,
    CS_EXIT_VERDICT = 1,     /* a leak verdict or a release check failed */
    CS_EXIT_USAGE = 2,       /* bad option, value or --call text */
    CS_EXIT_TARGET = 3,      /* target not registered or not creatable */
    CS_EXIT_CALL = 4,        /* a call failed (unknown member, bad args...) */
    CS_EXIT_OUTPUT = 5,      /* the output directory cannot be written */
    CS_EXIT_INTERNAL = 6,    /* anything else (COM init, out of memory) */
    CS_EXIT_HANG = 7,        /* --timeout expired: a call never returned */
    CS_EXIT_CRASH = 8,       /* the process crashed (an exception in the target) */
    CS_EXIT_INTERRUPTED = 9  /* stopped by Ctrl-C or a termination request */
} cs_exit;

/* Sizes shared by the parser, the run loop and the reports. */
#define CS_MAX_CALLS    16   /* --call texts per run */
#define CS_MAX_THREADS  64   /* --threads, run and child */
#define CS_MAX_TRACE_MODULES 8 /* --trace-module, besides the target */
#define CS_NPOLICIES     4   /* binding-cache policies (cs_policy_names) */
#define CS_ERR_LEN     600   /* one error line, with the text it quotes */
#define CS_PATH_LEN   4096   /* a path buffer, UTF-8 (the wide API takes
                              * paths past the classic 260 characters) */
#define CS_MAX_TIMEOUT_S 4294967LL  /* --timeout: the most whole seconds a
                              * Win32 wait of 32-bit milliseconds holds */
#define CS_SOAK_ITERATIONS (1LL << 60) /* a --duration run's iterations:
                              * never reached; the clock ends it */
#define CS_PATH_ROOM   128   /* what a directory option leaves for the
                              * names comstress puts under it */

/*
 * --fail-on categories: what fails a run (exit 1, a <failure> in
 * junit.xml). A comma-separated list of
 *   leak      a leak verdict of an exact metric (heap walk, server
 *             counters, malloc spy, threads)
 *   leak-any  leak, and leak verdicts of page-granular metrics (working
 *             set, pagefile)
 *   refs      references the ledger saw never released, calls after the
 *             last Release, event sinks held after their iteration
 *   objects   server objects and locks never freed (the probe)
 *   blocks    CoTaskMem/BSTR blocks left per call (the malloc spy), and
 *             traced allocation sites that leak (--trace)
 *   unload    the server DLL that does not unload at the end
 *   regression  with --baseline: a metric that leaks now and did not
 *             then, a leak that got steeper, a release finding new since
 *             the baseline (core/verdicts/regress.h)
 * or all. Without --fail-on a run fails on leak, the release categories
 * and regression. A list that names none of the release categories keeps
 * them all, and one that names neither them nor regression keeps
 * regression too: the words of the first version (leak, leak-any, none)
 * mean what they meant. A list that names none of the release categories (refs,
 * objects, blocks, unload) keeps them all, as the words of the first
 * version did: leak (the default), leak-any, and none (no leak verdict
 * fails the run; release findings still do).
 */
#define CS_FAIL_LEAK      0x01u
#define CS_FAIL_LEAK_ANY  0x02u
#define CS_FAIL_REFS      0x04u
#define CS_FAIL_OBJECTS   0x08u
#define CS_FAIL_UNLOAD    0x10u
#define CS_FAIL_BLOCKS    0x20u
#define CS_FAIL_REGRESSION 0x40u
#define CS_FAIL_RELEASE   (CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS | CS_FAIL_UNLOAD)
#define CS_FAIL_ALL       (CS_FAIL_LEAK | CS_FAIL_LEAK_ANY | CS_FAIL_RELEASE | CS_FAIL_REGRESSION)
#define CS_FAIL_DEFAULT   (CS_FAIL_LEAK | CS_FAIL_RELEASE | CS_FAIL_REGRESSION)

/* Parses a --fail-on value into *mask (never 0: a list naming no release
 * category holds them all). Returns CS_EXIT_OK, or CS_EXIT_USAGE with one
 * line in err naming the word. */
int cs_fail_on_parse(const char *text, unsigned *mask, char *err, size_t errlen);

/* The categories of mask as --fail-on takes them ("leak,refs,objects");
 * leak is left out when leak-any is there; "none" for the release
 * categories alone. Returns buf, or NULL (buf "") when mask holds no
 * release category: no --fail-on value says that. */
char *cs_fail_on_words(unsigned mask, char *buf, size_t len);

/* The binding-cache policies, in the order `compare` runs them: the one
 * list of their names, which gives the enum, cs_policy_names and the
 * words --cache takes (the client's lb_policy has the same order). */
#define CS_POLICY_LIST(X) X(CS_POLICY_NONE, "none") X(CS_POLICY_TYPE, "type") \
    X(CS_POLICY_INSTANCE, "instance") X(CS_POLICY_INSTANCE_UNBOUNDED, "instance-unbounded")
#define CS_POLICY_ENUM_(e, w) e,
typedef enum cs_policy { CS_POLICY_LIST(CS_POLICY_ENUM_) CS_POLICY_COUNT } cs_policy;

extern const char *const cs_policy_names[CS_NPOLICIES];

typedef enum cs_command {
    CS_CMD_NONE, CS_CMD_RUN, CS_CMD_COMPARE, CS_CMD_REPORT, CS_CMD_LIST,
    CS_CMD_SUITE, CS_CMD_CHILD, CS_CMD_HELP, CS_CMD_VERSION,
    CS_CMD_EXPLORE
} cs_command;

typedef enum cs_scenario {
    CS_SCEN_CALLS,           /* create, call each --call on it, release */
    CS_SCEN_PASS_INSTANCE,   /* create, pass it to a long-lived sink, release */
    CS_SCEN_CALLS_SAME       /* one object per thread, created once: every
                              * iteration calls it (what the calls cost,
                              * without creation) */
} cs_scenario;

typedef enum cs_activation {
    CS_ACT_FACTORY,          /* class factory obtained once, CreateInstance */
    CS_ACT_COCREATE          /* CoCreateInstance every iteration */
} cs_activation;

/* A fault in the harness itself (--client-fault). */
typedef enum cs_client_fault {
    CS_CF_NONE,
    CS_CF_MISSING_RELEASE,        /* the created object is never released */
    CS_CF_MISSING_VARIANTCLEAR,   /* call results are never cleared */
    CS_CF_MISSING_SYSFREESTRING,  /* a BSTR per iteration is never freed */
    CS_CF_MISSING_ITEM_RELEASE,   /* each: enumerated items are never cleared */
    CS_CF_MISSING_ENUM_RELEASE,   /* each: the enumerator is never released */
    CS_CF_MISSING_UNADVISE,       /* unadvise does nothing: the sink keeps its source */
    CS_CF_SAMPLES_FULL,           /* samples.csv takes 20 rows, then none (a full disk) */
    CS_CF_SLOW_WALKS              /* each heap walk takes a fiftieth of the run so far more */
} cs_client_fault;

/* `comstress child SCENARIO [options]`: one lifecycle scenario. */
typedef struct cs_life_options {
    const char *scenario;     /* tls-unload, unload-deadlock, ... */
    const char *out_dir;      /* --out DIR (default ".") */
    const char *dll_dir;      /* --dll-dir DIR (default: the program's folder) */
    int cycles;               /* --cycles C (50), tls-unload */
    int threads;              /* --threads N: live workers (4) or creators (4) */
    unsigned block_size;      /* --block-size B (4096), tls-unload */
    int fixed;                /* --variant: CS_LIFE_LEAKY, CS_LIFE_FIXED, ... */
    int pin;                  /* --pin: one extra LoadLibrary, never unloaded */
    double seconds;           /* --seconds S (2), unload-race */
    const char *target;       /* --target PROGID (ComStress.Target), unload-race */
    const char *kind;         /* --kind av|illegal|stack|divide, crash */
    int trace;                /* --trace: tls-unload names its blocks' site */
    const char *library;      /* --library seed|record|empty (seed), pascal-tls */
} cs_life_options;

/* --variant words. tls-unload and unload-deadlock take leaky and fixed;
 * pascal-tls takes leaky, ended, pool and dll-threads (the Pascal runtime
 * has no fixed form). */
#define CS_LIFE_LEAKY       0
#define CS_LIFE_FIXED       1
#define CS_LIFE_ENDED       2  /* the threads end before each unload */
#define CS_LIFE_POOL        3  /* a thread pool outlives the cycles */
#define CS_LIFE_DLL_THREADS 4  /* the DLL starts (and ends) the threads */

/* Names of the lifecycle scenarios, NULL-terminated. */
extern const char *const cs_life_scenarios[];

/* `comstress suite [options]`. */
typedef struct cs_suite_options {
    double timeout_s;         /* --timeout: watchdog per scenario (30) */
    const char *out_dir;      /* --out (comstress-suite) */
    const char *only;         /* --only NAME, NULL: every scenario */
    const char *exe;          /* --exe PATH: the comstress for the run scenarios */
} cs_suite_options;

/* `comstress explore`: what it alone takes (docs/explore.md); --target,
 * --dll, --fail-on, --ledger, --trace and --fault are cs_options' own. */
typedef struct cs_explore_options {
    const char *members;      /* --members GLOB[,GLOB]: only these */
    const char *skip;         /* --skip GLOB[,GLOB]: not these */
    int depth;                /* --depth N (0..4, default 1): objects
                               * returned explored N levels deep */
    int dry_run;              /* --dry-run: print the plan, exit 0 */
    const char *emit_script;  /* --emit-script FILE: write the plan */
    long long iterations;     /* --iterations per member (default 300) */
    const char *out_dir;      /* --out (default comstress-explore) */
    double timeout_s;         /* --timeout: watchdog per member (60) */
    int jobs;                 /* --jobs N: members run at once (1..16, default 1) */
} cs_explore_options;

#define CS_XMAX_JOBS 16

typedef struct cs_options {
    cs_command command;
    const char *target;               /* ProgID or {CLSID} (with --dll also a
                                       * coclass name; NULL: the DLL's only
                                       * creatable class); default
                                       * ComStress.Target without --dll */
    const char *dll;                  /* --dll PATH: the server loaded without
                                       * registration */
    const char *calls[CS_MAX_CALLS];  /* --call texts, in order */
    size_t ncalls;
    const char *script;               /* --script FILE: statements, one a line;
                                       * they run before the --call ones */
    long long iterations;
    int iterations_given;             /* --iterations was given */
    double duration_s;                /* --duration: a soak run of so many
                                       * seconds (iterations unbounded);
                                       * 0: --iterations counts the run */
    double progress_s;                /* --progress N: a progress line every
                                       * N s when the output is no terminal;
                                       * 0: the default (10 s); <0: off */
    const char *baseline;             /* --baseline DIR: an earlier run to
                                       * set this one beside, NULL: none */
    long long warmup;                 /* -1: default (10% of iterations) */
    long long sample_every;           /* 0: default (about 200 samples) */
    const char *out_dir;
    cs_policy cache;                  /* --cache, parsed once (cs_policy_names) */
    cs_scenario scenario;
    cs_activation activation;
    int threads;
    int apartment_mta;                /* 0: STA, 1: MTA */
    int sink_sta;                     /* pass-instance: sink in its own STA */
    double max_leak;                  /* bytes per iteration, <0: default */
    unsigned fail_on;                 /* --fail-on: the gate, CS_FAIL_*
                                       * categories whole (the judge,
                                       * core/verdicts/judge.h, applies it);
                                       * run and compare: CS_FAIL_DEFAULT
                                       * when not given; report: 0 when not
                                       * given (each run's own gate then) */
    const char *fault;                /* NAME or NAME:PARAM, NULL: none */
    int ledger;                       /* wrap every pointer in the refcount ledger */
    int verbose;                      /* print every metric's verdict */
    int trace;                        /* --trace: allocation stacks */
    const char *trace_modules[CS_MAX_TRACE_MODULES];  /* --trace-module */
    size_t ntrace_modules;
    const char *debug_dir;            /* --debug-dir DIR: separate debug files
                                       * of stripped DLLs (NULL: none) */
    int invoke_plan;                  /* 1: never call vtable slots (--plan invoke) */
    long long timeout_s;              /* 0: none; else end a hung run after it */
    int bstr_cache;                   /* 1: leave oleaut32's BSTR cache on */
    int heap_lfh;                     /* 1: the process heap in its low-
                                       * fragmentation mode (--heap lfh) */
    int heap_walk_every;              /* 1: a heap walk at every sample
                                       * (--heap-walk every); 0: within the
                                       * sampler's time budget */
    cs_client_fault client_fault;     /* harness fault */
    const char *list_what;            /* for `list`: "faults", "policies",
                                       * "classes", "members" */
    const char *report_dir;           /* for `report DIR` */
    cs_suite_options suite;           /* for `suite` */
    cs_life_options life;             /* for `child` */
    cs_explore_options explore;       /* for `explore` */
} cs_options;

/* Parses argv (argv[0] is the program, argv[1] the command). On success
 * returns CS_EXIT_OK with o filled (the command's defaults for everything
 * not given). On a bad command line returns CS_EXIT_USAGE with a one-line
 * message in err (no trailing newline). Strings in o point into argv. */
int cs_options_parse(int argc, char **argv, cs_options *o, char *err, size_t errlen);

/* cs_options_parse for a program's main(): on a bad command line prints
 * "prog: <message>" on stderr; `--help` prints the usage text on stdout
 * and `--version` the version line, both returning CS_EXIT_OK with
 * *done set. Returns the exit code to end with when *done is set or the
 * result is not CS_EXIT_OK; otherwise o is ready to run. */
int cs_options_main(int argc, char **argv, cs_options *o, const char *prog, int *done);

/* Splits a --fault value "NAME[:PARAM]" into name (size namelen) and
 * *param (-1 when absent). Returns 0, or CS_EXIT_USAGE with a one-line
 * message: a name is lower-case letters, digits and '-', a parameter a
 * whole number from 1 to 2147483647 (0 would mean "the default" to the
 * server: a fault that never fires; leave it out instead). Whether the
 * fault takes a parameter, and in what range, is the server's to say
 * (its SetFault refuses it). */
int cs_fault_split(const char *fault, char *name, size_t namelen, long *param,
                   char *err, size_t errlen);

/* The child command's words alone: argv[0] is the scenario name. Same
 * contract as cs_options_parse, filling a cs_life_options. */
int cs_life_parse(int argc, char **argv, cs_life_options *o, char *err, size_t errlen);

/* tls-unload's verdict. A leak when more than a quarter of a block is lost
 * per cycle (noise is a few bytes; a leak is block x threads). */
int cs_tls_is_leak(double bytes_per_cycle, unsigned block_size);

/* The --help text. */
const char *cs_usage(void);

#endif
