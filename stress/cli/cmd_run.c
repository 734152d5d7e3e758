/*
 * `comstress run` and `comstress compare`: one session opens the output
 * and the target, runs the workload once per binding-cache policy (one for
 * run, every policy for compare), and writes the reports with whatever was
 * gathered, also after a failure part-way.
 */
#include <windows.h>
#include <errno.h>
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
#include "judge.h"
#include "status.h"
#include "target.h"
#include "tracing.h"
#include "callspec.h"
#include "utf8.h"

/* Set once the reports are on disk: a close request waits for it. */
static HANDLE reports_done;
static volatile LONG interrupted;
/* What stopped the session (Ctrl-C, ...) and the stage it landed in,
 * for a signal that comes between the loops. */
static const char *volatile interrupted_by, *volatile interrupted_in;
static const char *volatile stage = "start-up";

/* Everything one run or compare holds from start to end. */
typedef struct session {
    cs_options *o;
    const char *policies[CS_NPOLICIES];
    size_t npol;                        /* policies to run; cut at a failure */
    cs_run runs[CS_NPOLICIES];
    char names[CS_NPOLICIES][64];
    char errs[CS_NPOLICIES][CS_ERR_LEN];
    cs_release_store rel[CS_NPOLICIES];
    cs_run_extra extra[CS_NPOLICIES];   /* sinks found held, spy mark, per run */
    cs_alloc_site allocs[CS_NPOLICIES][CS_MAX_ALLOCS];
    long long trace_base;               /* iterations of the runs before */
    char calls[2048];                   /* the statements joined */
    cs_script *script;                  /* --script lines, then --call texts */
    char **labels;                      /* per statement: what names it */
    const char *spy_labels[CS_SPY_SITES]; /* per spy site 1..: what it names */
    size_t nspy;
    cs_context_store ctx;
    cs_verdict_params vp;
    cs_target t;
    int target_open;
    struct cs_csv_writer *csv;
    cs_ledger *ledger;
    int spy_on;
} session;

/* The largest --script read (far more than CS_MAX_STATEMENTS lines of
 * ordinary length). */
#define SCRIPT_MAX_BYTES (4u << 20)

/* Prints "comstress: --script 'PATH': WHY" and returns CS_EXIT_USAGE. The
 * path is shown as given (backslashes and all) unless it holds a control
 * character, which must not reach the terminal: then it is escaped. */
static int script_error(const char *path, const char *why)
{
    char shown[CS_PATH_LEN];
    const char *p;

    for (p = path; *p && (unsigned char)*p >= 0x20 && *p != 0x7f; p++)
        ;
    fprintf(stderr, "comstress: --script '%s': %s\n", *p ? cs_say_escaped(path, shown, sizeof(shown)) : path, why);
    return CS_EXIT_USAGE;
}

/*
 * Reads the --script file whole into *text (malloc'd, NUL-terminated, a
 * UTF-8 byte order mark removed). Refused with one line (CS_EXIT_USAGE):
 * a file that cannot be read, over SCRIPT_MAX_BYTES, holding a NUL byte or
 * text that is not UTF-8.
 */
static int read_script(const char *path, char **text)
{
    char why[CS_ERR_LEN], *buf;
    FILE *f = cs_fopen(path, "rb");
    size_t n;

    *text = NULL;
    if (!f) {
        snprintf(why, sizeof(why), "cannot read it (%s)", strerror(errno));
        return script_error(path, why);
    }
    buf = malloc(SCRIPT_MAX_BYTES + 1);
    n = buf ? fread(buf, 1, SCRIPT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf)
        return script_error(path, "out of memory reading it");
    if (n > SCRIPT_MAX_BYTES) {
        free(buf);
        snprintf(why, sizeof(why), "larger than %u bytes", SCRIPT_MAX_BYTES);
        return script_error(path, why);
    }
    if (memchr(buf, 0, n) || !cs_utf8_valid(buf, n)) {
        why[0] = memchr(buf, 0, n) != NULL;
        free(buf);
        return script_error(path, why[0] ? "holds a NUL byte: not a text file" : "not UTF-8 text");
    }
    buf[n] = 0;
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        memmove(buf, buf + 3, n - 2);
    *text = buf;
    return CS_EXIT_OK;
}

/*
 * The statements of an iteration, parsed before anything is opened or
 * created: the lines of --script (with their line numbers), then every
 * --call as a lone statement. A malformed one is a bad command line (exit
 * 2, one line naming the file, line and column, or the --call), whatever
 * the target. *out may hold no statement (none given: default_calls).
 */
static int build_script(const cs_options *o, cs_script **out)
{
    char err[CS_ERR_LEN], shown[160], *text;
    size_t i;
    int rc;

    *out = NULL;
    if (o->script) {
        if ((rc = read_script(o->script, &text)))
            return rc;
        rc = cs_script_parse(text, out, err, sizeof(err));
        free(text);
        if (rc)
            return script_error(o->script, err);
        if (!(*out)->count)
            return script_error(o->script, "no statement in it (only blank lines and comments)");
    } else if (!(*out = cs_script_new())) {
        fprintf(stderr, "comstress: out of memory\n");
        return CS_EXIT_INTERNAL;
    }
    for (i = 0; i < o->ncalls; i++) {
        if (cs_script_add(*out, o->calls[i], 0, err, sizeof(err))) {
            fprintf(stderr, "comstress: --call '%s': %s\n",
                    cs_say_excerpt(o->calls[i], 0, 60, shown, sizeof(shown)), err);
            return CS_EXIT_USAGE;
        }
    }
    return CS_EXIT_OK;
}

/* --trace: the tracer on the target's DLL (--dll's, or the registered
 * one) before anything loads it. */
static int start_tracing(const cs_options *o)
{
    char dll[CS_PATH_LEN];

    if (o->dll)
        return cs_tracing_start(o, o->dll);
    if (cs_target_locate(o->target, dll, sizeof(dll))) {
        fprintf(stderr, "comstress: --trace: target '%s' has no registered in-process DLL to trace\n",
                o->target);
        return CS_EXIT_TARGET;
    }
    return cs_tracing_start(o, dll);
}

/* Statements used when none are given: only the reference server's
 * members are known in advance; any other target needs --call or
 * --script. */
static int default_calls(cs_script *sc, const cs_options *o, const cs_target *t)
{
    char err[CS_ERR_LEN];
    int rc = 0;

    if (sc->count)
        return CS_EXIT_OK;
    if (o->scenario == CS_SCEN_PASS_INSTANCE) {
        rc = cs_script_add(sc, "Consume(@obj)", 0, err, sizeof(err));
    } else if (!t->probe) {
        fprintf(stderr, "comstress: --call: give at least one call for target '%s' "
                "(e.g. --call \"Method(1)\", or --script FILE)\n", t->name);
        return CS_EXIT_USAGE;
    } else {
        rc = cs_script_add(sc, "Add(1)", 0, err, sizeof(err)) || cs_script_add(sc, "Echo('x')", 0, err, sizeof(err));
    }
    if (rc) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_INTERNAL;
    }
    return CS_EXIT_OK;
}

/*
 * What names each statement in the findings: its text, "line 3: " first
 * for a script line (labels, one per statement: traced allocations name
 * theirs); and each malloc-spy site (spy_labels: the statement's label,
 * the statements past the last site sharing it, named together). Also
 * the statements joined for the report ("Add(1); Echo('x')"). Returns
 * CS_EXIT_OK or CS_EXIT_INTERNAL (out of memory, said).
 */
static int name_statements(session *s)
{
    static char shared[64];
    const cs_script *sc = s->script;
    size_t i, used = 0;
    char buf[CS_FINDING_LEN];

    s->calls[0] = 0;
    for (i = 0; i < sc->count && used < sizeof(s->calls); i++)
        used += snprintf(s->calls + used, sizeof(s->calls) - used, "%s%s", i ? "; " : "", sc->stmts[i].text);
    if (!(s->labels = calloc(sc->count + 1, sizeof(*s->labels))))
        goto out_oom;
    for (i = 0; i < sc->count; i++) {
        const cs_stmt *st = &sc->stmts[i];
        if (st->line)
            snprintf(buf, sizeof(buf), "line %d: %s", st->line, st->text);
        else
            snprintf(buf, sizeof(buf), "%s", st->text);
        if (!(s->labels[i] = strdup(buf)))
            goto out_oom;
    }
    s->nspy = sc->count < CS_SPY_SITES - 1 ? sc->count : CS_SPY_SITES - 1;
    for (i = 0; i < s->nspy; i++)
        s->spy_labels[i] = s->labels[i];
    if (sc->count > s->nspy) {
        snprintf(shared, sizeof(shared), "statements %u to %u (one spy site)", (unsigned)s->nspy,
                 (unsigned)sc->count);
        s->spy_labels[s->nspy - 1] = shared;
    }
    return CS_EXIT_OK;
out_oom:
    fprintf(stderr, "comstress: out of memory\n");
    return CS_EXIT_INTERNAL;
}

/* What the statements did, when they did more than plain calls: "script:
 * 17 statements a iteration, 3000 items walked (1000 each), 2000 events
 * received by 2000 sinks". */
static void print_script(const cs_script *sc, const cs_run_extra *x)
{
    const cs_exec_totals *t = &x->totals;
    char items[96] = "", events[96] = "";

    if (!t->enumerations && !t->advises)
        return;
    if (t->enumerations)
        snprintf(items, sizeof(items), ", %lld items walked in %lld each", t->items, t->enumerations);
    if (t->advises)
        snprintf(events, sizeof(events), ", %lld events received by %lld sinks", t->events, t->advises);
    printf("  script: %zu statements an iteration%s%s\n", sc->count, items, events);
}

/* Prints one run's summary lines. */
static void print_run(const cs_run *r, int verbose, const cs_script *sc, const cs_run_extra *x)
{
    printf("%s: %lld iterations in %.2f s, %.0f calls/s (in the loop, sampling excluded), cache %s: %lld binds, %lld GetIDsOfNames\n",
           r->name, r->iterations, r->seconds, r->calls_per_second, r->cache,
           r->binds, r->getidsofnames_calls);
    if (r->type_fallbacks > 0)
        printf("  type policy: %lld objects had no type information: bound per instance instead "
               "(the path that made .NET re-bind every COM object)\n", r->type_fallbacks);
    printf("  sampling: %zu samples (every %lld iterations at the end), %zu with heap walks, "
           "%.3f s = %.1f%% of the run\n", r->samples, r->sample_every_end, r->heap_walks,
           r->sampling_seconds, r->seconds > 0 ? 100.0 * r->sampling_seconds / r->seconds : 0.0);
    cs_reports_print_verdicts(r, verbose);
    if (r->live_objects_end >= 0)
        printf("  live objects at end %ld, server locks %ld\n", r->live_objects_end, r->server_locks_end);
    print_script(sc, x);
    cs_reports_print_findings(r);
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

    if ((rc = build_script(o, &s->script)))
        return rc;
    /* Before the target is loaded: its DLL's first allocations already
     * come from the heap in the mode asked for. */
    if (o->heap_lfh && !cs_heap_use_lfh(err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_INTERNAL;
    }
    if (o->trace && (rc = start_tracing(o)))
        return rc;
    if ((rc = cs_target_open(o->target, o->dll, &s->t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    s->target_open = 1;
    o->target = s->t.name;              /* with --dll maybe the class it chose */
    if ((rc = default_calls(s->script, o, &s->t)) || (rc = name_statements(s)))
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
    cs_phase_note("%s%s", CS_NOTE_FAIL_ON, cs_fail_on_words(o->fail_on, path, sizeof(path)));
    if (o->ledger && !(s->ledger = cs_ledger_new())) {
        fprintf(stderr, "comstress: out of memory creating the refcount ledger\n");
        return CS_EXIT_INTERNAL;
    }
    cs_samplers_exclude_heap(cs_ledger_heap(s->ledger));
    s->spy_on = SUCCEEDED(cs_spy_start(o->bstr_cache));
    cs_samplers_exclude_heap(cs_spy_heap());
    cs_context_fill(&s->ctx, argc, argv);
    s->ctx.ctx.heap_walk = o->heap_walk_every || o->sample_every ? "every" : "budget";
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
    r->fail_on = o->fail_on;
    r->apartment = o->apartment_mta ? "mta" : "sta";
    r->heap_mode = s->ctx.ctx.heap_mode;
    r->heap_walk = s->ctx.ctx.heap_walk;
    r->activation = o->activation == CS_ACT_FACTORY ? "factory" : "cocreate";
    r->scenario = o->scenario == CS_SCEN_PASS_INSTANCE ? "pass-instance"
                : o->scenario == CS_SCEN_CALLS_SAME ? "calls-same" : "calls";
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
static void end_record(const char *dir, const cs_run *r)
{
    cs_tracing_costs c;

    if (keep_record(dir, r) || !cs_tracing_on())
        return;
    cs_tracing_end_run(&c);
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

    if (!interrupted || r->status != CS_ST_COMPLETED)
        return;
    snprintf(s->errs[i], sizeof(s->errs[i]), "interrupted: %s during %s after %lld iterations",
             interrupted_by ? interrupted_by : "a signal", interrupted_in ? interrupted_in : stage,
             r->iterations);
    r->error = s->errs[i];
    r->status = CS_ST_INTERRUPTED;
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
    const cs_options *o = s->o;
    cs_run_config cfg = { .opt = o, .target = &s->t, .run_name = s->names[i], .policy = s->policies[i],
                          .csv = s->csv, .ledger = s->ledger, .spy_on = s->spy_on,
                          .trace_base = s->trace_base, .script = s->script, .warmup = s->vp.warmup,
                          .extra = &s->extra[i] };
    cs_run *r = &s->runs[i];
    char err[CS_ERR_LEN];
    cs_status st;

    describe_run(s, i);
    cfg.sample_every = o->sample_every ? o->sample_every
                       : (o->iterations / 200 > 0 ? o->iterations / 200 : 1);
    if (s->spy_on)
        cs_spy_mark();
    cs_phase_set("%s: %lld iterations, %d thread(s)", r->name, o->iterations, o->threads);
    cs_tracing_begin_run(r, o->out_dir, s->trace_base, (const char *const *)s->labels,
                         s->script->count);
    stage = "the loop";
    st = cs_run_workload(&cfg, r, s->errs[i], sizeof(s->errs[i]));
    stage = "the release checks";
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
                       s->spy_labels, s->nspy, &s->extra[i], r->iterations);
    if (cs_tracing_on()) {
        cs_phase_set("%s: traced allocations", r->name);
        r->warmup += s->trace_base;         /* the tracer's numbering */
        r->iterations += s->trace_base;
        cs_tracing_collect(r, &s->rel[i], s->allocs[i], CS_MAX_ALLOCS, (const char *const *)s->labels,
                           s->script->count);
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
    print_run(r, o->verbose, s->script, &s->extra[i]);
    end_record(o->out_dir, r);
    return r->status;
}

/* Writes the report files of the session so far; returns st, or
 * CS_ST_CANNOT_WRITE (after one line) when one could not be written and
 * nothing else went wrong first. */
static cs_status write_reports(session *s, cs_status st)
{
    char err[CS_ERR_LEN];

    if (cs_reports_write(s->o->out_dir, &s->ctx.ctx, s->runs, s->npol, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        return st ? st : CS_ST_CANNOT_WRITE;
    }
    printf("reports: %s (run.json, samples.csv, memory.svg, report.html, junit.xml)\n", s->o->out_dir);
    return st;
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

    if (s->o->command == CS_CMD_COMPARE)
        print_compare(s->runs, s->npol);
    cs_phase_set("writing reports");
    stage = "writing the reports";
    st = write_reports(s, st);
    if (!st && interrupted && s->npol) {
        /* while the reports were written: they are written again, saying so */
        mark_interrupted(s, s->npol - 1);
        fprintf(stderr, "comstress: %s\n", s->runs[s->npol - 1].error);
        st = write_reports(s, CS_ST_INTERRUPTED);
    }
    rc = cs_session_exit(st, s->runs, s->npol);
    cs_phase_end(cs_status_phase_end(st, cs_judge_any(s->runs, s->npol)));
    SetEvent(reports_done);
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
 * Ctrl-C, Ctrl-Break and close/logoff/shutdown: the run now going stops
 * after its iteration and the reports are written with what was gathered
 * (exit 9). A close request ends the process when this handler returns,
 * so it waits (a few seconds at most) for the reports first.
 */
static BOOL WINAPI on_console_event(DWORD event)
{
    const char *why = event == CTRL_C_EVENT ? "Ctrl-C" : event == CTRL_BREAK_EVENT ? "Ctrl-Break"
                      : "a termination request";

    interrupted_by = why;
    interrupted_in = stage;
    InterlockedExchange(&interrupted, 1);
    cs_run_interrupt(why);
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && reports_done)
        WaitForSingleObject(reports_done, 5000);
    return TRUE;
}

static void session_close(session *s)
{
    size_t i;

    for (i = 0; s->labels && i < s->script->count; i++)
        free(s->labels[i]);
    free(s->labels);
    cs_script_free(s->script);
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
    cs_status st = CS_ST_COMPLETED;
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
        if ((st = run_policy(&s, i))) {
            if (s.runs[i].error)
                fprintf(stderr, "comstress: %s\n", s.runs[i].error);
            s.npol = i + 1;
            break;
        }
    }
    rc = session_finish(&s, st);
out_close:
    SetEvent(reports_done);
    session_close(&s);
    return rc;
}
