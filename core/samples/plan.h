/*
 * The run plan: a run's or a compare's options resolved once, typed, with
 * every default that depends on other options settled here and nowhere
 * else -- the policies to run, the sampling schedule (how often a sample
 * is taken, whether every sample walks the heap), the warm-up, the gate.
 * The session (stress/run/session.h) and the runner read the plan, never
 * the options. Pure.
 */
#ifndef CS_PLAN_H
#define CS_PLAN_H

#include <stddef.h>
#include "options.h"

typedef struct cs_plan {
    int compare;                      /* 1: compare (every policy) */
    /* target */
    const char *target;               /* ProgID, {CLSID} or a --dll class; the
                                       * session may narrow it to the class it
                                       * chose */
    const char *dll;                  /* --dll PATH, NULL: registered */
    const char *fault;                /* server fault NAME[:PARAM], NULL: none */
    /* workload */
    const char *script;               /* --script FILE, NULL: none */
    const char *const *calls;         /* --call texts, in order */
    size_t ncalls;
    cs_scenario scenario;
    cs_activation activation;
    int threads;
    int apartment_mta;                /* 0: STA, 1: MTA */
    int sink_sta;                     /* pass-instance: sink in its own STA */
    int invoke_plan;                  /* 1: never call vtable slots */
    cs_client_fault client_fault;
    int ledger;                       /* wrap every pointer in the ledger */
    int bstr_cache;                   /* leave oleaut32's BSTR cache on */
    int heap_lfh;                     /* the process heap in LFH mode */
    long long timeout_s;              /* 0: none */
    /* policies, in the order they run */
    cs_policy policies[CS_NPOLICIES];
    size_t npolicies;
    /* the schedule */
    double duration_s;                /* --duration: a soak run ended by the
                                       * clock (iterations CS_SOAK_ITERATIONS,
                                       * never reached); 0: counted */
    size_t row_budget;                /* samples a run keeps in samples.csv:
                                       * past it, every other row goes and
                                       * the interval doubles (0: no limit) */
    long long iterations;
    long long warmup;                 /* iterations left out of verdicts */
    int warmup_given;                 /* 0: the default (a tenth), which a
                                       * run stopped early takes of what it
                                       * did */
    long long sample_every;           /* iterations between samples at the
                                       * start (about 200 samples a run) */
    int sample_every_given;           /* 1: fixed (--sample-every); 0: the
                                       * sampler may space samples out */
    int walk_every;                   /* 1: a heap walk at every sample
                                       * (--heap-walk every, or a fixed
                                       * --sample-every); 0: within budget */
    /* verdicts */
    double max_leak;                  /* bytes per iteration, <0: default */
    unsigned gate;                    /* --fail-on, whole (judge.h) */
    /* tracing */
    int trace;
    const char *const *trace_modules;
    size_t ntrace_modules;
    /* outputs */
    const char *out_dir;
    int verbose;
    double progress_s;                /* a progress line every so many
                                       * seconds when the output is no
                                       * terminal (10 by default); <0: off */
    const char *baseline;             /* --baseline DIR, NULL: none */
} cs_plan;

/* Resolves o (a parsed run or compare) into p: the one place the
 * defaults that depend on other options are derived. */
void cs_plan_resolve(const cs_options *o, cs_plan *p);

/* The samples a --duration run keeps in samples.csv at most: thinned
 * evenly past it, so a soak of any length stays small (about 0.5 MB of
 * rows) and its verdict uses samples spread over the whole run. */
#define CS_SOAK_ROW_BUDGET 4096

/* The samples interval of a run of iterations when none is given: about
 * 200 samples, at least one iteration apart. */
long long cs_plan_default_sample_every(long long iterations);

#endif
