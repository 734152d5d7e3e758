/*
 * `comstress run` and `comstress compare`: one session opens the output
 * and the target, runs the workload once per binding-cache policy (one for
 * run, every policy for compare), and writes the reports with whatever was
 * gathered, also after a failure part-way.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "context.h"
#include "lb.h"
#include "say.h"
#include "ledger.h"
#include "mallocspy.h"
#include "heapmode.h"
#include "phase.h"
#include "release.h"
#include "report_csv.h"
#include "reports.h"
#include "runinfo.h"
#include "runner.h"
#include "samplers.h"
#include "stats.h"
#include "target.h"
#include "tracing.h"
#include "utf8.h"

/* Set once the reports are on disk: a close request waits for it. */
static HANDLE reports_done;
static volatile LONG interrupted;

/* Everything one run or compare holds from start to end. */
typedef struct session {
    cs_options *o;
    const char *policies[CS_NPOLICIES];
    size_t npol;                        /* policies to run; cut at a failure */
    cs_run runs[CS_NPOLICIES];
    char names[CS_NPOLICIES][64];
    char errs[CS_NPOLICIES][CS_ERR_LEN];
    cs_release_store rel[CS_NPOLICIES];
    cs_alloc_site allocs[CS_NPOLICIES][CS_MAX_ALLOCS];
    long long trace_base;               /* iterations of the runs before */
    char calls[2048];                   /* the --call texts joined */
    cs_context_store ctx;
    cs_verdict_params vp;
    cs_target t;
    int target_open;
    struct cs_csv_writer *csv;
    cs_ledger *ledger;
    int spy_on;
} session;

/* Calls used when none are given: only the reference server's members are
 * known in advance; any other target needs --call. */
static int default_calls(cs_options *o, const cs_target *t)
{
    if (o->ncalls)
        return CS_EXIT_OK;
    if (o->scenario == CS_SCEN_PASS_INSTANCE) {
        o->calls[o->ncalls++] = "Consume(@obj)";
        return CS_EXIT_OK;
    }
    if (!t->probe) {
        fprintf(stderr, "comstress: --call: give at least one call for target '%s' (e.g. --call \"Method(1)\")\n", t->name);
        return CS_EXIT_USAGE;
    }
    o->calls[o->ncalls++] = "Add(1)";
    o->calls[o->ncalls++] = "Echo('x')";
    return CS_EXIT_OK;
}

/* Every --call parsed before anything is opened or created: a malformed
 * call is a bad command line (exit 2), whatever the target. */
static int check_calls(const cs_options *o)
{
    char shown[160];
    lb_site *site;
    lb_error e;
    size_t i;

    for (i = 0; i < o->ncalls; i++) {
        if (FAILED(lb_site_parse(o->calls[i], &site, &e))) {
            fprintf(stderr, "comstress: --call '%s': %s\n",
                    cs_say_excerpt(o->calls[i], 0, 60, shown, sizeof(shown)), e.message);
            return CS_EXIT_USAGE;
        }
        lb_site_free(site);
    }
    return CS_EXIT_OK;
}

/* --trace: the tracer on the target's DLL before anything loads it. */
static int start_tracing(const cs_options *o)
{
    char dll[CS_PATH_LEN];

    if (cs_target_locate(o->target, dll, sizeof(dll))) {
        fprintf(stderr, "comstress: --trace: target '%s' has no registered in-process DLL to trace\n",
                o->target);
        return CS_EXIT_TARGET;
    }
    return cs_tracing_start(o, dll);
}

/* Joins the call texts for the report ("Add(1); Echo('x')"). */
static void join_calls(const cs_options *o, char *buf, size_t len)
{
    size_t i, used = 0;

    buf[0] = 0;
    for (i = 0; i < o->ncalls && used < len; i++)
        used += snprintf(buf + used, len - used, "%s%s", i ? "; " : "", o->calls[i]);
}

/* Prints one run's summary lines. */
static void print_run(const cs_run *r, int verbose)
{
    size_t i;

    printf("%s: %lld iterations in %.2f s, %.0f calls/s (sampling excluded), cache %s: %lld binds, %lld GetIDsOfNames\n",
           r->name, r->iterations, r->seconds, r->calls_per_second, r->cache,
           r->binds, r->getidsofnames_calls);
    if (r->type_fallbacks > 0)
        printf("  type policy: %lld objects had no type information: bound per instance instead "
               "(the path that made .NET re-bind every COM object)\n", r->type_fallbacks);
    printf("  sampling: %zu samples (every %lld iterations at the end), %.3f s = %.1f%% of the run\n",
           r->samples, r->sample_every_end, r->sampling_seconds,
           r->seconds > 0 ? 100.0 * r->sampling_seconds / r->seconds : 0.0);
    cs_reports_print_verdicts(r, verbose);
    if (r->live_objects_end >= 0)
        printf("  live objects at end %ld, server locks %ld\n", r->live_objects_end, r->server_locks_end);
    for (i = 0; i < r->release.nfindings; i++)
        printf("  %s\n", r->release.findings[i]);
}

/* The compare table: one row per policy. */
static void print_compare(const cs_run *runs, size_t n)
{
    size_t i;

    printf("\n%-19s %10s %9s %13s %9s %11s %12s  %s\n", "policy", "iterations", "binds",
           "GetIDsOfNames", "entries", "calls/s", "heap B/iter", "heap verdict");
    for (i = 0; i < n; i++) {
        const cs_run *r = &runs[i];
        const char *verdict = "-";
        size_t k;

        for (k = 0; k < r->nverdicts; k++)
            if (r->verdicts[k].metric == CS_M_HEAP_BYTES)
                verdict = cs_verdict_name(r->verdicts[k].kind);
        printf("%-19s %10lld %9lld %13lld %9lld %11.0f %12.1f  %s%s\n", r->cache, r->iterations,
               r->binds, r->getidsofnames_calls, r->cache_entries_end, r->calls_per_second,
               r->heap_bytes_per_iteration, verdict, r->error ? "  (error)" : "");
    }
}

/* Does any verdict of r fail the run at its gate level? */
static int has_leak(const cs_run *r)
{
    size_t i;

    for (i = 0; i < r->nverdicts; i++)
        if (cs_verdict_gates(&r->verdicts[i], r->gate))
            return 1;
    return 0;
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
    cs_options *o = s->o;
    char err[CS_ERR_LEN], path[CS_PATH_LEN];
    int rc;

    if ((rc = check_calls(o)))
        return rc;
    /* Before the target is loaded: its DLL's first allocations already
     * come from the heap in the mode asked for. */
    if (o->heap_lfh && !cs_heap_use_lfh(err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_INTERNAL;
    }
    if (o->trace && (rc = start_tracing(o)))
        return rc;
    if (FAILED(cs_target_open(o->target, &s->t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_TARGET;
    }
    s->target_open = 1;
    if ((rc = default_calls(o, &s->t)))
        return rc;
    if (o->fault && FAILED(cs_target_set_fault(&s->t, o->fault, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_USAGE;
    }
    if ((rc = cs_cmd_prepare_out(o->out_dir, &s->csv)))
        return rc;
    /* The phase file and crash recorder: a watchdog (comstress suite) and
     * `comstress report` read where a crashed or hung run was, and its
     * exception by name. */
    snprintf(path, sizeof(path), "%s/%s", o->out_dir, CS_PHASE_FILE);
    cs_phase_open(path);
    snprintf(err, sizeof(err), "the samples gathered so far are in %s/samples.csv: "
             "comstress report %s rebuilds the reports", o->out_dir, o->out_dir);
    cs_phase_crash_hint(err, CS_EXIT_CRASH);
    cs_phase_set("target %s opened", o->target);
    cs_phase_note("%s%d", CS_NOTE_GATE, o->fail_on_leak);
    if (o->ledger && !(s->ledger = cs_ledger_new())) {
        fprintf(stderr, "comstress: out of memory creating the refcount ledger\n");
        return CS_EXIT_INTERNAL;
    }
    cs_samplers_exclude_heap(cs_ledger_heap(s->ledger));
    s->spy_on = SUCCEEDED(cs_spy_start(o->bstr_cache));
    cs_samplers_exclude_heap(cs_spy_heap());
    cs_context_fill(&s->ctx, argc, argv);
    join_calls(o, s->calls, sizeof(s->calls));
    s->vp.max_leak_bytes = o->max_leak;          /* negative: the default */
    s->vp.warmup = o->warmup >= 0 ? o->warmup : cs_default_warmup(o->iterations);
    return CS_EXIT_OK;
}

/* The run record of policy i, before its workload: names and settings. */
static void describe_run(session *s, size_t i)
{
    const cs_options *o = s->o;
    cs_run *r = &s->runs[i];

    snprintf(s->names[i], sizeof(s->names[i]), "%s/%s",
             o->command == CS_CMD_COMPARE ? "compare" : "run", s->policies[i]);
    r->name = s->names[i];
    r->target = o->target;
    r->calls = s->calls;
    r->cache = s->policies[i];
    r->warmup = s->vp.warmup;
    r->threads = o->threads;
    r->gate = o->fail_on_leak;
    r->apartment = o->apartment_mta ? "mta" : "sta";
    r->activation = o->activation == CS_ACT_FACTORY ? "factory" : "cocreate";
    r->scenario = o->scenario == CS_SCEN_PASS_INSTANCE ? "pass-instance"
                : o->scenario == CS_SCEN_CALLS_SAME ? "calls-same" : "calls";
}

/* Appends r's record to DIR/runs.txt, so `report DIR` knows what only
 * this process knew (best effort: the reports of this run do not need it). */
static void keep_record(const char *dir, const cs_run *r)
{
    char path[CS_PATH_LEN];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, CS_RUNINFO_FILE);
    if ((f = cs_fopen(path, "ab"))) {
        cs_runinfo_write(f, r);
        fclose(f);
    }
}

/*
 * Runs policy i: the workload, its release checks, the unload proof after
 * the last policy (or a failure, unless a call hangs inside the target),
 * its verdicts and its console lines. Returns the workload's exit code,
 * or CS_EXIT_OUTPUT when the verdicts could not be computed.
 */
static int run_policy(session *s, size_t i)
{
    const cs_options *o = s->o;
    cs_run_config cfg = { o, &s->t, s->names[i], s->policies[i], 0, s->csv, s->ledger, s->spy_on,
                          s->trace_base };
    cs_run *r = &s->runs[i];
    char err[CS_ERR_LEN];
    int rc;

    describe_run(s, i);
    cfg.sample_every = o->sample_every ? o->sample_every
                       : (o->iterations / 200 > 0 ? o->iterations / 200 : 1);
    if (s->spy_on)
        cs_spy_mark();
    cs_phase_set("%s: %lld iterations, %d thread(s)", r->name, o->iterations, o->threads);
    rc = cs_run_workload(&cfg, r, s->errs[i], sizeof(s->errs[i]));
    if (o->warmup < 0 && r->iterations < o->iterations) {
        /* Stopped early (interrupted, a failed call): the default warm-up
         * is a tenth of what was done, not of what was planned. */
        r->warmup = cs_default_warmup(r->iterations);
        s->vp.warmup = r->warmup;
    }
    if (r->exception)
        cs_phase_exception(r->exception, "caught by the marshaller on the thread serving the call");
    cs_phase_set("%s: release checks", r->name);
    cs_release_collect(&r->release, &s->rel[i], &s->t, s->ledger, s->spy_on,
                       o->calls, o->ncalls, r->iterations);
    if (cs_tracing_on()) {
        cs_phase_set("%s: traced allocations", r->name);
        r->warmup += s->trace_base;         /* the tracer's numbering */
        r->iterations += s->trace_base;
        cs_tracing_collect(r, &s->rel[i], s->allocs[i], CS_MAX_ALLOCS, o->calls, o->ncalls);
        r->warmup -= s->trace_base;
        r->iterations -= s->trace_base;
    }
    s->trace_base += o->iterations;
    if ((i + 1 == s->npol || rc) && rc != CS_EXIT_HANG && rc != CS_EXIT_CRASH) {
        cs_phase_set("unload check: CoFreeUnusedLibrariesEx(0, 0) on %s", s->t.server_path);
        cs_release_unload(&r->release, &s->rel[i], &s->t);
    }
    if (cs_reports_verdicts(o->out_dir, r, &s->vp, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);   /* no verdict: never a pass */
        if (!rc)
            rc = CS_EXIT_OUTPUT;
    }
    print_run(r, o->verbose);
    keep_record(o->out_dir, r);
    return rc;
}

/*
 * After the last policy (or the one that failed): the compare table, the
 * report files, the exit code from the verdicts and release checks, and
 * the phase file's end. A hung call leaves at once (see below).
 */
static int session_finish(session *s, int rc)
{
    char err[CS_ERR_LEN];
    int bad = 0;
    size_t i;

    if (s->o->command == CS_CMD_COMPARE)
        print_compare(s->runs, s->npol);
    cs_phase_set("writing reports");
    if (cs_reports_write(s->o->out_dir, &s->ctx.ctx, s->runs, s->npol, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        if (!rc)
            rc = CS_EXIT_OUTPUT;
    } else {
        printf("reports: %s (run.json, samples.csv, memory.svg, report.html, junit.xml)\n", s->o->out_dir);
    }
    for (i = 0; i < s->npol; i++)
        bad |= has_leak(&s->runs[i]) || s->runs[i].release.failed;
    if (!rc && bad)
        rc = CS_EXIT_VERDICT;
    cs_phase_end(rc == CS_EXIT_OK ? "passed" : rc == CS_EXIT_VERDICT ? "failed"
                 : rc == CS_EXIT_HANG ? "hung" : rc == CS_EXIT_INTERRUPTED ? "interrupted"
                 : rc == CS_EXIT_CRASH ? "crashed" : "error");
    SetEvent(reports_done);
    if (rc == CS_EXIT_HANG || rc == CS_EXIT_CRASH) {
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
 * Ctrl-C, Ctrl-Break and close/logoff/shutdown: the run now going stops
 * after its iteration and the reports are written with what was gathered
 * (exit 9). A close request ends the process when this handler returns,
 * so it waits (a few seconds at most) for the reports first.
 */
static BOOL WINAPI on_console_event(DWORD event)
{
    InterlockedExchange(&interrupted, 1);
    cs_run_interrupt(event == CTRL_C_EVENT ? "Ctrl-C" : event == CTRL_BREAK_EVENT ? "Ctrl-Break"
                     : "a termination request");
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && reports_done)
        WaitForSingleObject(reports_done, 5000);
    return TRUE;
}

static void session_close(session *s)
{
    cs_csv_close(s->csv);
    if (s->target_open)
        cs_target_close(&s->t);
    cs_spy_stop();
    cs_tracing_stop();
    cs_ledger_free(s->ledger);
}

int cs_cmd_run(cs_options *o, int argc, char **argv)
{
    static session s;     /* large (finding lines, names): not on the stack */
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    s.o = o;
    if (o->command == CS_CMD_COMPARE)
        for (s.npol = 0; s.npol < CS_NPOLICIES; s.npol++)
            s.policies[s.npol] = cs_policy_names[s.npol];
    else
        s.policies[s.npol++] = o->cache;
    reports_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console_event, TRUE);
    if ((rc = session_open(&s, argc, argv)))
        goto out_close;
    for (i = 0; i < s.npol; i++) {
        if ((rc = run_policy(&s, i))) {
            if (s.runs[i].error)
                fprintf(stderr, "comstress: %s\n", s.runs[i].error);
            s.npol = i + 1;
            break;
        }
    }
    if (!rc && interrupted)
        rc = CS_EXIT_INTERRUPTED;        /* between runs, or before the first */
    rc = session_finish(&s, rc);
out_close:
    SetEvent(reports_done);
    session_close(&s);
    return rc;
}
