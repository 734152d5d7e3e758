/*
 * A run or compare session: opens the output and the target, runs the
 * workload once per binding-cache policy of its plan (one for run, every
 * policy for compare), and writes the reports with whatever was
 * gathered, also after a failure part-way. See session.h.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"
#include "context.h"
#include "heapmode.h"
#include "judge.h"
#include "ledger.h"
#include "mallocspy.h"
#include "outdir.h"
#include "paths.h"
#include "phase.h"
#include "release.h"
#include "report_csv.h"
#include "rebuilt.h"
#include "regress.h"
#include "reports.h"
#include "runinfo.h"
#include "runner.h"
#include "samplers.h"
#include "statements.h"
#include "stats.h"
#include "status.h"
#include "target.h"
#include "tracing.h"
#include "utf8.h"
#include "stop.h"

/* The stage a stop (Ctrl-C, ...) landed in, for one that comes between
 * the loops. */
static const char *volatile interrupted_in;
static const char *volatile stage = "start-up";

/* Everything one run or compare holds from start to end. */
typedef struct session {
    const cs_plan *p;
    const char *target;                 /* the plan's, or the class --dll chose */
    size_t npol;                        /* policies to run; cut at a failure */
    cs_run runs[CS_NPOLICIES];
    char names[CS_NPOLICIES][64];
    char errs[CS_NPOLICIES][CS_ERR_LEN];
    cs_release_store rel[CS_NPOLICIES];
    cs_run_extra extra[CS_NPOLICIES];   /* sinks found held, spy mark, per run */
    cs_alloc_site allocs[CS_NPOLICIES][CS_MAX_ALLOCS];
    long long trace_base;               /* iterations of the runs before */
    cs_statements st;                   /* the statements and their names */
    cs_context_store ctx;
    cs_verdict_params vp;
    cs_target t;
    int target_open;
    struct cs_csv_writer *csv;
    cs_ledger *ledger;
    int spy_on;
    cs_rebuilt base;                    /* --baseline: the earlier run's runs */
    cs_change changes[CS_NPOLICIES][CS_REGRESS_MAX];
    cs_tracing *tracing;                /* --trace's session, NULL: none */
} session;

/* --trace: the tracer on the target's DLL (--dll's, or the registered
 * one) before anything loads it, its session into *t. */
static int start_tracing(const cs_plan *o, cs_tracing **t)
{
    char dll[CS_PATH_LEN];

    if (o->dll)
        return cs_tracing_start(o, o->dll, t);
    if (cs_target_locate(o->target, dll, sizeof(dll))) {
        fprintf(stderr, "comstress: --trace: target '%s' has no registered in-process DLL to trace\n",
                o->target);
        return CS_EXIT_TARGET;
    }
    return cs_tracing_start(o, dll, t);
}

/*
 * Opens what every policy shares, checking first what needs no work (the
 * call texts) and creating nothing on disk before the target is known:
 * the target (and its fault), the output directory (owned by this run)
 * and samples.csv, the phase file with its crash recorder, the ledger and
 * the malloc spy. Returns CS_EXIT_OK, or the exit code after one line on
 * stderr; what was opened is closed by session_close either way.
 */
static int session_open(session *s, int argc, char **argv)
{
    const cs_plan *o = s->p;
    char err[CS_ERR_LEN], path[CS_PATH_LEN];
    int rc;

    if ((rc = cs_statements_parse(&s->st, o)))
        return rc;
    if (o->baseline && (rc = cs_rebuilt_load(o->baseline, &s->base, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    /* Before the target is loaded: its DLL's first allocations already
     * come from the heap in the mode asked for. */
    if (o->heap_lfh && !cs_heap_use_lfh(err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_INTERNAL;
    }
    if (o->trace && (rc = start_tracing(o, &s->tracing)))
        return rc;
    if ((rc = cs_target_open(o->target, o->dll, &s->t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    s->target_open = 1;
    s->target = s->t.name;              /* with --dll maybe the class it chose */
    if ((rc = cs_statements_complete(&s->st, o, &s->t)))
        return rc;
    if (o->fault && FAILED(cs_target_set_fault(&s->t, o->fault, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_USAGE;
    }
    if ((rc = cs_out_prepare(o->out_dir, &s->csv)))
        return rc;
    /* The phase file and crash recorder: a watchdog (comstress suite) and
     * `comstress report` read where a crashed or hung run was, and its
     * exception by name. */
    snprintf(path, sizeof(path), "%s/%s", o->out_dir, CS_PHASE_FILE);
    cs_phase_open(path);
    snprintf(err, sizeof(err), "the samples gathered so far are in %s/samples.csv: "
             "comstress report %s rebuilds the reports", o->out_dir, o->out_dir);
    cs_phase_crash_hint(err, CS_EXIT_CRASH);
    cs_phase_set("target %s opened", s->target);
    cs_phase_note("%s%s", CS_NOTE_FAIL_ON, cs_fail_on_words(o->gate, path, sizeof(path)));
    if (o->ledger && !(s->ledger = cs_ledger_new())) {
        fprintf(stderr, "comstress: out of memory creating the refcount ledger\n");
        return CS_EXIT_INTERNAL;
    }
    cs_samplers_exclude_heap(cs_ledger_heap(s->ledger));
    s->spy_on = SUCCEEDED(cs_spy_start(o->bstr_cache));
    cs_samplers_exclude_heap(cs_spy_heap());
    cs_context_fill(&s->ctx, argc, argv);
    s->ctx.ctx.heap_walk = o->walk_every ? "every" : "budget";
    s->vp.max_leak_bytes = o->max_leak;          /* negative: the default */
    s->vp.warmup = o->warmup;
    return CS_EXIT_OK;
}

/* The run record of policy i, before its workload: names and settings;
 * the phase file says which run goes. */
static void describe_run(session *s, size_t i)
{
    const cs_plan *o = s->p;
    cs_run *r = &s->runs[i];

    snprintf(s->names[i], sizeof(s->names[i]), "%s/%s", o->compare ? "compare" : "run",
             cs_policy_names[o->policies[i]]);
    r->name = s->names[i];
    r->target = s->target;
    r->calls = s->st.calls;
    r->cache = cs_policy_names[o->policies[i]];
    r->warmup = s->vp.warmup;
    r->threads = o->threads;
    r->fail_on = o->gate;
    r->apartment = o->apartment_mta ? "mta" : "sta";
    r->heap_mode = s->ctx.ctx.heap_mode;
    r->heap_walk = s->ctx.ctx.heap_walk;
    r->activation = o->activation == CS_ACT_FACTORY ? "factory" : "cocreate";
    r->scenario = o->scenario == CS_SCEN_PASS_INSTANCE ? "pass-instance"
                : o->scenario == CS_SCEN_CALLS_SAME ? "calls-same" : "calls";
    if (o->duration_s > 0)
        cs_phase_set("%s: for %.0f s, %d thread(s)", r->name, o->duration_s, o->threads);
    else
        cs_phase_set("%s: %lld iterations, %d thread(s)", r->name, o->iterations, o->threads);
}

/* Appends r's record to DIR/runs.txt, so `report DIR` knows what only
 * this process knew (best effort: the reports of this run do not need
 * it). Returns 0 when the record is on disk, else -1. */
static int keep_record(const char *dir, const cs_run *r)
{
    char path[CS_PATH_LEN];
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, CS_RUNINFO_FILE);
    if (!(f = cs_fopen(path, "ab")))
        return -1;
    rc = cs_runinfo_write(f, r);
    return fclose(f) || rc ? -1 : 0;
}

/* The run's final record, then the end of its provisional one (the
 * allocation snapshots a crash would have left), and what those cost. */
static void end_record(cs_tracing *t, const char *dir, const cs_run *r)
{
    cs_tracing_costs c;

    if (keep_record(dir, r) || !t)
        return;
    cs_tracing_end_run(t, &c);
    if (c.snapshots)
        printf("  tracing: %d snapshot%s of the allocations kept on disk as the run went, %.4f s, "
               "in the sampling time\n", c.snapshots, c.snapshots == 1 ? "" : "s", c.seconds);
}

/*
 * An interruption the run loop did not see (it came during the release
 * or unload checks, the verdicts, or between runs) marks run i
 * interrupted, with one line saying by what and where, so run.json,
 * junit.xml and the console tell it as they tell one in the loop.
 */
static void mark_interrupted(session *s, size_t i)
{
    cs_run *r = &s->runs[i];

    if (!cs_stop_requested() || r->status != CS_ST_COMPLETED)
        return;
    snprintf(s->errs[i], sizeof(s->errs[i]), "interrupted: %s during %s after %lld iterations",
             cs_stop_by() ? cs_stop_by() : "a signal", interrupted_in ? interrupted_in : stage,
             r->iterations);
    r->error = s->errs[i];
    r->status = CS_ST_INTERRUPTED;
}

/*
 * --baseline: run i set beside the baseline's run of the same policy
 * (regress.h); the changes are kept with the run, so its record, its
 * reports and the judge see them. A baseline without that policy is said
 * in one line and compares nothing.
 */
static void beside_baseline(session *s, size_t i)
{
    cs_run *r = &s->runs[i];
    const cs_run *b;
    size_t n = 0;

    if (!s->p->baseline)
        return;
    if (!(b = cs_rebuilt_find_policy(&s->base, r->cache))) {
        printf("  baseline: %s has no run of policy %s: nothing to compare\n", s->p->baseline, r->cache);
        return;
    }
    cs_regress_run(b, r, r->fail_on, s->changes[i], &n, CS_REGRESS_MAX);
    cs_regress_attach(r, s->p->baseline, s->changes[i], n,
                      cs_regress_count(s->changes[i], n, CS_CHANGE_REGRESSION));
}

/*
 * The console lines of run r: how it failed first, when it did (stdout
 * flushed before, so the line leads the output); then its summary, or,
 * when it failed before one iteration completed, only its findings --
 * verdicts of no iteration say nothing.
 */
static void print_end(const cs_run *r, int verbose, const cs_script *sc, const cs_run_extra *x)
{
    if (r->status != CS_ST_COMPLETED) {
        fflush(stdout);
        fprintf(stderr, "comstress: %s\n", r->error ? r->error : cs_status_word(r->status));
        fflush(stderr);
        if (!r->iterations) {
            cs_reports_print_findings(r);
            return;
        }
    }
    cs_reports_print_run(r, verbose, sc, x);
}

/*
 * Runs policy i: the workload, its release checks, the unload proof after
 * the last policy (or a failure, unless a call hangs inside the target),
 * its verdicts and its console lines. Returns how the run ended (the
 * workload's status, or CS_ST_CANNOT_WRITE when the verdicts could not
 * be computed), also in r->status.
 */
static cs_status run_policy(session *s, size_t i)
{
    const cs_plan *o = s->p;
    cs_run_config cfg = { .plan = o, .target = &s->t, .run_name = s->names[i], .policy = o->policies[i],
                          .csv = s->csv, .ledger = s->ledger, .spy_on = s->spy_on,
                          .trace_base = s->trace_base, .script = s->st.script, .extra = &s->extra[i],
                          .tracing = s->tracing };
    cs_run *r = &s->runs[i];
    char err[CS_ERR_LEN];
    cs_status st;

    describe_run(s, i);
    if (s->spy_on)
        cs_spy_mark();
    cs_tracing_begin_run(s->tracing, r, o->out_dir, s->trace_base, (const char *const *)s->st.labels,
                         s->st.script->count);
    stage = "the loop";
    st = cs_run_workload(&cfg, r, s->errs[i], sizeof(s->errs[i]));
    stage = "the release checks";
    if (!o->warmup_given && r->iterations < o->iterations) {
        /* Stopped early (interrupted, a failed call): the default warm-up
         * is a tenth of what was done, not of what was planned. */
        r->warmup = cs_default_warmup(r->iterations);
        s->vp.warmup = r->warmup;
    }
    if (r->exception)
        cs_phase_exception(r->exception, "caught by the marshaller on the thread serving the call");
    cs_phase_set("%s: release checks", r->name);
    cs_release_collect(&r->release, &s->rel[i], &s->t, s->ledger, s->spy_on,
                       s->st.spy_labels, s->st.nspy, &s->extra[i], r->iterations);
    if (s->tracing) {
        cs_phase_set("%s: traced allocations", r->name);
        r->warmup += s->trace_base;         /* the tracer's numbering */
        r->iterations += s->trace_base;
        cs_tracing_collect(s->tracing, r, &s->rel[i], s->allocs[i], CS_MAX_ALLOCS, (const char *const *)s->st.labels,
                           s->st.script->count);
        r->warmup -= s->trace_base;
        r->iterations -= s->trace_base;
    }
    s->trace_base += o->iterations;
    if ((i + 1 == s->npol || st) && st != CS_ST_HUNG && st != CS_ST_CRASHED) {
        stage = "the unload check";
        cs_phase_set("unload check: CoFreeUnusedLibrariesEx(0, 0) on %s", s->t.server_path);
        cs_release_unload(&r->release, &s->rel[i], &s->t);
    }
    if (cs_reports_verdicts(o->out_dir, r, &s->vp, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);   /* no verdict: never a pass */
        if (!st) {
            st = r->status = CS_ST_CANNOT_WRITE;
            /* and the reports say so too, not "error": null */
            snprintf(s->errs[i], sizeof(s->errs[i]), "no verdicts: %s", err);
            r->error = s->errs[i];
        }
    }
    mark_interrupted(s, i);
    beside_baseline(s, i);
    print_end(r, o->verbose, s->st.script, &s->extra[i]);
    end_record(s->tracing, o->out_dir, r);
    return r->status;
}

/* Writes the report files of the session so far; returns st, or
 * CS_ST_CANNOT_WRITE (after one line) when one could not be written and
 * nothing else went wrong first. */
static cs_status write_reports(session *s, cs_status st)
{
    char err[CS_ERR_LEN];

    s->ctx.ctx.harness_heap_bytes = cs_harness_heap_bytes();
    if (cs_reports_write(s->p->out_dir, &s->ctx.ctx, s->runs, s->npol, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        return st ? st : CS_ST_CANNOT_WRITE;
    }
    printf("reports: %s (run.json, samples.csv, memory.svg, report.html, junit.xml)\n", s->p->out_dir);
    return st;
}

/* A --trace-module that never loaded during the runs: nothing of it
 * was traced, which an empty attribution must not hide. One note line
 * for each. */
static void note_unloaded_modules(const cs_plan *p)
{
    WCHAR *w;
    size_t i;

    for (i = 0; p->trace && i < p->ntrace_modules; i++) {
        if (!(w = cs_wide(p->trace_modules[i])))
            continue;
        if (!GetModuleHandleW(w))
            printf("note: --trace-module %s never loaded during the run: nothing of it was traced\n",
                   p->trace_modules[i]);
        free(w);
    }
}

/*
 * After the last policy (or the one that failed, st its status): the
 * compare table, the report files, the exit code (status.h: the status's,
 * or the judge's over the runs) and the phase file's end. A hung call
 * leaves at once (see below).
 */
static int session_finish(session *s, cs_status st)
{
    int rc;

    if (s->p->compare)
        cs_reports_print_compare(s->runs, s->npol);
    note_unloaded_modules(s->p);
    cs_phase_set("writing reports");
    stage = "writing the reports";
    st = write_reports(s, st);
    if (!st && cs_stop_requested() && s->npol) {
        /* while the reports were written: they are written again, saying so */
        mark_interrupted(s, s->npol - 1);
        fprintf(stderr, "comstress: %s\n", s->runs[s->npol - 1].error);
        st = write_reports(s, CS_ST_INTERRUPTED);
    }
    rc = cs_session_exit(st, s->runs, s->npol);
    if (st != CS_ST_COMPLETED)
        cs_phase_note("%s%s", CS_NOTE_STATUS, cs_status_word(st));
    cs_phase_end(cs_status_phase_end(st, cs_judge_any(s->runs, s->npol)));
    cs_stop_reports_done();
    if (st == CS_ST_HUNG || st == CS_ST_CRASHED) {
        /* A worker is stuck inside the target, or the target crashed:
         * unloading it or tearing COM down could hang or crash now.
         * Everything is on disk: leave. */
        cs_csv_close(s->csv);
        fflush(NULL);
        TerminateProcess(GetCurrentProcess(), (UINT)rc);
    }
    return rc;
}

/*
 * Ctrl-C, Ctrl-Break and close/logoff/shutdown (stop.h): the run now going
 * stops after its iteration and the reports are written with what was
 * gathered (exit 9); the stage it landed in is kept for the reports.
 */
static void on_stop(const char *by)
{
    interrupted_in = stage;
    cs_run_interrupt(by);
}

static void session_close(session *s)
{
    cs_statements_free(&s->st);
    cs_csv_close(s->csv);
    if (s->target_open)
        cs_target_close(&s->t);
    cs_spy_stop();
    cs_tracing_stop(s->tracing);
    cs_ledger_free(s->ledger);
    cs_rebuilt_free(&s->base);
}

int cs_session_run(const cs_plan *p, int argc, char **argv)
{
    static session s;     /* large (finding lines, names): not on the stack */
    cs_status st = CS_ST_COMPLETED;
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    s.p = p;
    s.target = p->target;
    s.npol = p->npolicies;
    cs_stop_catch(on_stop);
    if ((rc = session_open(&s, argc, argv)))
        goto out_close;
    for (i = 0; i < s.npol; i++) {
        if ((st = run_policy(&s, i))) {
            s.npol = i + 1;
            break;
        }
    }
    rc = session_finish(&s, st);
out_close:
    cs_stop_reports_done();
    session_close(&s);
    return rc;
}
