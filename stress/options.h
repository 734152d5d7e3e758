/*
 * Command-line options of comstress, parsed without Win32 so the parser is
 * unit-tested cheaply. Every malformed input gets one line naming the
 * option and the value, and exit code CS_EXIT_USAGE.
 */
#ifndef CS_OPTIONS_H
#define CS_OPTIONS_H

#include <stddef.h>

/* Exit codes: a contract with scripts and CI (documented in the README). */
enum {
    CS_EXIT_OK = 0,
    CS_EXIT_VERDICT = 1,     /* a leak verdict or a release check failed */
    CS_EXIT_USAGE = 2,       /* bad option, value or --call text */
    CS_EXIT_TARGET = 3,      /* target not registered or not creatable */
    CS_EXIT_CALL = 4,        /* a call failed (unknown member, bad args...) */
    CS_EXIT_OUTPUT = 5,      /* the output directory cannot be written */
    CS_EXIT_INTERNAL = 6,    /* anything else (COM init, out of memory) */
    CS_EXIT_HANG = 7,        /* --timeout expired: a call never returned */
    CS_EXIT_CRASH = 8        /* the process crashed (an exception in the target) */
};

typedef enum cs_command {
    CS_CMD_NONE, CS_CMD_RUN, CS_CMD_COMPARE, CS_CMD_REPORT, CS_CMD_LIST,
    CS_CMD_HELP, CS_CMD_VERSION
} cs_command;

typedef enum cs_scenario {
    CS_SCEN_CALLS,           /* create, call each --call on it, release */
    CS_SCEN_PASS_INSTANCE    /* create, pass it to a long-lived sink, release */
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
    CS_CF_MISSING_SYSFREESTRING   /* a BSTR per iteration is never freed */
} cs_client_fault;

#define CS_MAX_CALLS 16

typedef struct cs_options {
    cs_command command;
    const char *target;               /* ProgID or {CLSID} */
    const char *calls[CS_MAX_CALLS];  /* --call texts, in order */
    size_t ncalls;
    long long iterations;
    long long warmup;                 /* -1: default (10% of iterations) */
    long long sample_every;           /* 0: default (about 200 samples) */
    const char *out_dir;
    const char *cache;                /* policy name, validated later */
    cs_scenario scenario;
    cs_activation activation;
    int threads;
    int apartment_mta;                /* 0: STA, 1: MTA */
    int sink_sta;                     /* pass-instance: sink in its own STA */
    double max_leak;                  /* bytes per iteration, <0: default */
    int fail_on_leak;                 /* 0: never; 1: a leak of an exact metric
                                       * (heap walk, counters, spy); 2: of any
                                       * metric, working set and pagefile too */
    const char *fault;                /* NAME or NAME:PARAM, NULL: none */
    int ledger;                       /* wrap every pointer in the refcount ledger */
    int invoke_plan;                  /* 1: never call vtable slots (--plan invoke) */
    long long timeout_s;              /* 0: none; else end a hung run after it */
    int bstr_cache;                   /* 1: leave oleaut32's BSTR cache on */
    cs_client_fault client_fault;     /* harness fault */
    const char *list_what;            /* for `list`: "faults", "policies" */
    const char *report_dir;           /* for `report DIR` */
} cs_options;

/* Parses argv (argv[0] is the program). On success returns CS_EXIT_OK with
 * o filled (defaults for everything not given). On a bad command line
 * returns CS_EXIT_USAGE with a one-line message in err (no trailing
 * newline). Strings in o point into argv. */
int cs_options_parse(int argc, char **argv, cs_options *o, char *err, size_t errlen);

/* The --help text. */
const char *cs_usage(void);

#endif
