/*
 * comstress: a COM interop stress tester. Entry point and the run /
 * compare / list commands; the loop itself is in runner.c, the reports in
 * reports.c and the report writers, the lifecycle suite in suite.c.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include "options.h"
#include "target.h"
#include "runner.h"
#include "reports.h"
#include "stats.h"
#include "context.h"
#include "report_csv.h"
#include "app.h"
#include "release.h"
#include "ledger.h"
#include "mallocspy.h"
#include "samplers.h"
#include "lb.h"
#include "phase.h"

static const char *const all_policies[] = { "none", "type", "instance", "instance-unbounded" };

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

/* Joins the call texts for the report ("Add(1); Echo('x')"). */
static void join_calls(const cs_options *o, char *buf, size_t len)
{
    size_t i, used = 0;

    buf[0] = 0;
    for (i = 0; i < o->ncalls && used < len; i++)
        used += snprintf(buf + used, len - used, "%s%s", i ? "; " : "", o->calls[i]);
}

/* Prints one run's summary lines. */
static void print_run(const cs_run *r)
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
    cs_reports_print_verdicts(r);
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

/* run and compare: open the target and the output, run each policy, write
 * the reports (also after a failure: nothing gathered is lost). */
static int cmd_run(cs_options *o, int argc, char **argv)
{
    const char *policies[4];
    size_t npol = 0, i;
    cs_run runs[4];
    char names[4][64], errs[4][600], calls[2048], err[600];
    cs_context_store ctx;
    cs_target t;
    cs_csv_writer *csv = NULL;
    cs_verdict_params vp;
    cs_ledger *ledger = NULL;
    static cs_release_store rel[4];
    int rc = CS_EXIT_OK, leak = 0, spy_on, released_bad = 0;

    if (o->command == CS_CMD_COMPARE)
        for (npol = 0; npol < 4; npol++)
            policies[npol] = all_policies[npol];
    else
        policies[npol++] = o->cache;
    if ((rc = cs_app_prepare_out(o->out_dir, &csv)))
        return rc;
    /* The phase file and crash recorder: a watchdog (comstress suite) reads
     * where a crashed or hung run was, and its exception by name. */
    snprintf(err, sizeof(err), "%s/%s", o->out_dir, CS_PHASE_FILE);
    cs_phase_open(err);
    snprintf(err, sizeof(err), "the samples gathered so far are in %s/samples.csv: "
             "comstress report %s rebuilds the reports", o->out_dir, o->out_dir);
    cs_phase_crash_hint(err, CS_EXIT_CRASH);
    cs_phase_set("opening target %s", o->target);
    if (FAILED(cs_target_open(o->target, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        cs_csv_close(csv);
        return CS_EXIT_TARGET;
    }
    if ((rc = default_calls(o, &t)))
        goto out_close;
    if (o->fault && FAILED(cs_target_set_fault(&t, o->fault, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        rc = CS_EXIT_USAGE;
        goto out_close;
    }
    if (o->ledger && !(ledger = cs_ledger_new())) {
        fprintf(stderr, "comstress: out of memory creating the refcount ledger\n");
        rc = CS_EXIT_INTERNAL;
        goto out_close;
    }
    cs_samplers_exclude_heap(cs_ledger_heap(ledger));
    spy_on = SUCCEEDED(cs_spy_start(o->bstr_cache));
    cs_samplers_exclude_heap(cs_spy_heap());
    cs_context_fill(&ctx, argc, argv);
    join_calls(o, calls, sizeof(calls));
    vp.max_leak_bytes = o->max_leak;          /* negative: the default */
    vp.warmup = o->warmup >= 0 ? o->warmup : cs_default_warmup(o->iterations);
    memset(runs, 0, sizeof(runs));
    for (i = 0; i < npol; i++) {
        cs_run_config cfg = { o, &t, names[i], policies[i], 0, csv, ledger, spy_on };
        cs_run *r = &runs[i];

        snprintf(names[i], sizeof(names[i]), "%s/%s", o->command == CS_CMD_COMPARE ? "compare" : "run", policies[i]);
        cfg.sample_every = o->sample_every ? o->sample_every : (o->iterations / 200 > 0 ? o->iterations / 200 : 1);
        r->name = names[i];
        r->target = o->target;
        r->calls = calls;
        r->cache = policies[i];
        r->warmup = vp.warmup;
        r->threads = o->threads;
        r->gate = o->fail_on_leak;
        r->apartment = o->apartment_mta ? "mta" : "sta";
        r->activation = o->activation == CS_ACT_FACTORY ? "factory" : "cocreate";
        r->scenario = o->scenario == CS_SCEN_PASS_INSTANCE ? "pass-instance" : "calls";
        if (spy_on)
            cs_spy_mark();
        cs_phase_set("%s: %lld iterations, %d thread(s)", r->name, o->iterations, o->threads);
        rc = cs_run_workload(&cfg, r, errs[i], sizeof(errs[i]));
        cs_phase_set("%s: release checks", r->name);
        cs_release_collect(&r->release, &rel[i], &t, ledger, spy_on, o->calls, o->ncalls, r->iterations);
        if ((i + 1 == npol || rc) && rc != CS_EXIT_HANG) {
            cs_phase_set("unload check: CoFreeUnusedLibrariesEx(0, 0) on %s", t.server_path);
            cs_release_unload(&r->release, &rel[i], &t);
        }
        released_bad |= r->release.failed;
        if (cs_reports_verdicts(o->out_dir, r, &vp, err, sizeof(err))) {
            fprintf(stderr, "comstress: %s\n", err);   /* no verdict: never a pass */
            if (!rc)
                rc = CS_EXIT_OUTPUT;
        }
        print_run(r);
        leak |= has_leak(r);
        if (rc) {
            fprintf(stderr, "comstress: %s\n", r->error);
            npol = i + 1;
            break;
        }
    }
    if (o->command == CS_CMD_COMPARE)
        print_compare(runs, npol);
    cs_phase_set("writing reports");
    if (cs_reports_write(o->out_dir, &ctx.ctx, runs, npol, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        if (!rc)
            rc = CS_EXIT_OUTPUT;
    } else {
        printf("reports: %s (run.json, samples.csv, memory.svg, report.html, junit.xml)\n", o->out_dir);
    }
    if (!rc && (leak || released_bad))
        rc = CS_EXIT_VERDICT;
    cs_phase_end(rc == CS_EXIT_OK ? "passed" : rc == CS_EXIT_VERDICT ? "failed"
                 : rc == CS_EXIT_HANG ? "hung" : "error");
    if (rc == CS_EXIT_HANG) {
        /* A worker is stuck inside the target: unloading it or tearing COM
         * down could hang or crash now. Everything is on disk: leave. */
        cs_csv_close(csv);
        fflush(NULL);
        TerminateProcess(GetCurrentProcess(), CS_EXIT_HANG);
    }
out_close:
    cs_csv_close(csv);
    cs_target_close(&t);
    cs_spy_stop();
    cs_ledger_free(ledger);
    return rc;
}

/* list faults | policies */
static int cmd_list(const cs_options *o)
{
    cs_target t;
    char err[600], *cat;
    size_t i;

    if (!strcmp(o->list_what, "policies")) {
        for (i = 0; i < 4; i++)
            printf("%s\n", all_policies[i]);
        return CS_EXIT_OK;
    }
    if (FAILED(cs_target_open(o->target, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_TARGET;
    }
    cat = cs_target_fault_catalogue(&t);
    cs_target_close(&t);
    if (!cat) {
        fprintf(stderr, "comstress: target '%s' has no fault catalogue (no comstress probe)\n", o->target);
        return CS_EXIT_TARGET;
    }
    fputs(cat, stdout);
    if (*cat && cat[strlen(cat) - 1] != '\n')
        putchar('\n');
    free(cat);
    return CS_EXIT_OK;
}

int main(int argc, char **argv)
{
    cs_options o;
    char err[600];
    int rc;
    HRESULT hr;

    setvbuf(stdout, NULL, _IONBF, 0);
    if ((rc = cs_app_dispatch_extra(argc, argv)) >= 0)
        return rc;
    if ((rc = cs_options_parse(argc, argv, &o, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    if (o.command == CS_CMD_HELP) {
        fputs(cs_usage(), stdout);
        return CS_EXIT_OK;
    }
    if (o.command == CS_CMD_VERSION) {
        printf("comstress %s (%s)\n", COMSTRESS_VERSION, COMSTRESS_BUILD_TYPE);
        return CS_EXIT_OK;
    }
    if (o.command == CS_CMD_REPORT)
        return cs_app_report(o.report_dir);
    if (FAILED(hr = CoInitializeEx(NULL, COINIT_MULTITHREADED))) {
        fprintf(stderr, "comstress: CoInitializeEx failed (0x%08lx)\n", (unsigned long)hr);
        return CS_EXIT_INTERNAL;
    }
    rc = o.command == CS_CMD_LIST ? cmd_list(&o) : cmd_run(&o, argc, argv);
    CoUninitialize();
    return rc;
}
