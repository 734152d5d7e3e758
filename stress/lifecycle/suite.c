/* The lifecycle suite and the child entry point: see suite.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite.h"
#include "isolate.h"
#include "stop.h"
#include "lifecycle.h"
#include "pascal.h"
#include "report_util.h"
#include "status.h"

/* What a scenario is meant to show. */
typedef enum expect {
    EXPECT_PASS,          /* exit 0 */
    EXPECT_LEAK,          /* exit 1: the leak verdict */
    EXPECT_DEADLOCK,      /* hung, classified as the unload deadlock */
    EXPECT_CLASSIFIED     /* any end but hung or error (a race may crash) */
} expect;

static const char *const expect_names[] = { "passed", "leak", "unload deadlock", "classified" };

typedef struct entry {
    char name[48];
    char args[160];       /* without --out */
    expect want;
    const char *needs;    /* a file a passing child must have written, or NULL */
} entry;

typedef struct outcome {
    const entry *e;
    cs_child_result r;
    char out_dir[CS_PATH_LEN];
    int ok;               /* ended as expected */
    int interrupted;      /* its child was ended by Ctrl-C (never ok) */
} outcome;

#define MAX_ENTRIES 24

typedef struct suite {
    double timeout_s;
    const char *out_dir;
    const char *only;
    const char *exe;        /* the four options of cs_suite_options */
    entry entries[MAX_ENTRIES];
    size_t nentries;
    outcome done[MAX_ENTRIES];
    size_t ndone;
    size_t nselected;       /* entries --only selects */
    cs_status status;       /* completed or interrupted */
    char error[320];        /* how it was interrupted, "" when it was not */
} suite;


static entry *add(suite *s, const char *name, const char *args, expect want)
{
    entry *e = &s->entries[s->nentries++];

    snprintf(e->name, sizeof(e->name), "%s", name);
    snprintf(e->args, sizeof(e->args), "%s", args);
    e->want = want;
    e->needs = NULL;
    return e;
}

/* The scenarios, in the order they run. */
static void build_entries(suite *s)
{
    static const int threads[] = { 1, 2, 8 };
    static const char *const apts[] = { "sta", "mta" };
    char name[48], args[160];
    size_t t, a;

    add(s, "tls-unload/leaky", "child tls-unload --variant leaky", EXPECT_LEAK);
    add(s, "tls-unload/fixed", "child tls-unload --variant fixed", EXPECT_PASS);
    add(s, "tls-unload/pinned", "child tls-unload --variant leaky --pin", EXPECT_PASS);
    add(s, "unload-deadlock/leaky", "child unload-deadlock --variant leaky", EXPECT_DEADLOCK);
    add(s, "unload-deadlock/fixed", "child unload-deadlock --variant fixed", EXPECT_PASS);
    add(s, "unload-race", "child unload-race", EXPECT_CLASSIFIED);
    for (t = 0; cs_pascal_suite[t].name; t++)
        add(s, cs_pascal_suite[t].name, cs_pascal_suite[t].args, cs_pascal_suite[t].leak ? EXPECT_LEAK : EXPECT_PASS);
    for (t = 0; t < 3; t++)
        for (a = 0; a < 2; a++) {
            snprintf(name, sizeof(name), "run/%dt/%s", threads[t], apts[a]);
            snprintf(args, sizeof(args), "run --iterations 2000 --threads %d --apartment %s --fail-on leak",
                     threads[t], apts[a]);
            add(s, name, args, EXPECT_PASS)->needs = "run.json";
        }
}

/* --only NAME selects NAME itself and everything under "NAME/". */
static int selected(const suite *s, const entry *e)
{
    size_t n;

    if (!s->only)
        return 1;
    n = strlen(s->only);
    return !strcmp(e->name, s->only) || (!strncmp(e->name, s->only, n) && e->name[n] == '/');
}

static int ended_as_expected(expect want, const cs_child_result *r)
{
    switch (want) {
    case EXPECT_PASS: return r->end == CS_END_PASSED;
    case EXPECT_LEAK: return r->end == CS_END_FAILED;
    case EXPECT_DEADLOCK: return r->end == CS_END_HUNG && strstr(r->text, CS_TEXT_UNLOAD_DEADLOCK) != NULL;
    case EXPECT_CLASSIFIED: return r->end == CS_END_PASSED || r->end == CS_END_FAILED || r->end == CS_END_CRASHED;
    }
    return 0;
}

/* ---- writers: small, rewritten whole after every child ---- */

#define JSON_FIELD(f, key, val) do { fputs(",\"" key "\":", f); cs_put_json_string(f, val); } while (0)

static void write_json_entry(FILE *f, const outcome *o)
{
    fputs("    {\"name\":", f);
    cs_put_json_string(f, o->e->name);
    JSON_FIELD(f, "command", o->e->args);
    JSON_FIELD(f, "end", o->interrupted ? cs_status_word(CS_ST_INTERRUPTED) : cs_end_name(o->r.end));
    JSON_FIELD(f, "expected", expect_names[o->e->want]);
    fprintf(f, ",\"as_expected\":%s,\"exit_code\":%lu,\"timed_out\":%s,\"seconds\":%.2f,\"threads_at_kill\":%d",
            o->ok ? "true" : "false", o->r.exit_code, o->r.timed_out ? "true" : "false",
            o->r.seconds, o->r.threads_at_kill);
    JSON_FIELD(f, "classification", o->r.text);
    JSON_FIELD(f, "phase", o->r.phase.phase);
    JSON_FIELD(f, "exception", o->r.phase.exception);
    JSON_FIELD(f, "summary", o->r.phase.summary);
    JSON_FIELD(f, "notes", o->r.phase.notes);
    JSON_FIELD(f, "out", o->out_dir);
    fputs("}", f);
}

/* Writes path via a temporary file and a rename (cs_report_open), so a
 * reader never sees a half-written report. Returns 0 or -1. */
static int write_atomically(const char *path, void (*body)(FILE *, const suite *, int), const suite *s, int complete)
{
    char err[CS_ERR_LEN];
    FILE *f;

    if (!(f = cs_report_open(path, err, sizeof(err))))
        return -1;
    body(f, s, complete);
    return cs_report_close(f, ferror(f) ? -1 : 0, path, err, sizeof(err));
}

static void suite_json(FILE *f, const suite *s, int complete)
{
    size_t i;

    fprintf(f, "{\n  \"suite\": \"comstress lifecycle\",\n  \"timeout_s\": %.1f,\n  \"complete\": %s,\n",
            s->timeout_s, complete ? "true" : "false");
    fputs("  \"status\": ", f);
    cs_put_json_string(f, complete || s->status != CS_ST_COMPLETED ? cs_status_word(s->status) : "running");
    fputs(",\n  \"error\": ", f);
    if (s->error[0])
        cs_put_json_string(f, s->error);
    else
        fputs("null", f);
    fputs(",\n  \"entries\": [\n", f);
    for (i = 0; i < s->ndone; i++) {
        write_json_entry(f, &s->done[i]);
        fputs(i + 1 < s->ndone ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
}

/* The testcase of o: a failure when it ended otherwise than expected, an
 * error of type "interrupted" (the status word) when Ctrl-C ended it. */
static void junit_case(FILE *f, const suite *s, const outcome *o)
{
    fputs("  <testcase classname=\"comstress.suite\" name=\"", f);
    cs_put_xml(f, o->e->name);
    fprintf(f, "\" time=\"%.2f\">\n", o->r.seconds);
    if (o->interrupted) {
        fputs("    <error type=\"", f);
        cs_put_xml(f, cs_status_word(CS_ST_INTERRUPTED));
        fputs("\" message=\"", f);
        cs_put_xml(f, s->error);
        fputs("\">", f);
        cs_put_xml(f, o->r.text);
        fputs("</error>\n", f);
    } else if (!o->ok) {
        fprintf(f, "    <failure message=\"expected %s, ended %s\">", expect_names[o->e->want],
                cs_end_name(o->r.end));
        cs_put_xml(f, o->r.text);
        fputs("</failure>\n", f);
    }
    fputs("    <system-out>", f);
    cs_put_xml(f, o->r.text);
    fputs("</system-out>\n  </testcase>\n", f);
}

static void suite_junit(FILE *f, const suite *s, int complete)
{
    size_t i, failures = 0, errors = 0;
    double total = 0;

    for (i = 0; i < s->ndone; i++) {
        errors += s->done[i].interrupted;
        failures += !s->done[i].ok && !s->done[i].interrupted;
        total += s->done[i].r.seconds;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuite name=\"comstress.lifecycle\" tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.2f\">\n",
            (unsigned)s->ndone, (unsigned)failures, (unsigned)errors, total);
    for (i = 0; i < s->ndone; i++)
        junit_case(f, s, &s->done[i]);
    fputs("</testsuite>\n", f);
    (void)complete;
}

static int write_reports(const suite *s, int complete)
{
    char path[CS_PATH_LEN];
    int rc = 0;

    snprintf(path, sizeof(path), "%s\\suite.json", s->out_dir);
    rc |= write_atomically(path, suite_json, s, complete);
    snprintf(path, sizeof(path), "%s\\junit.xml", s->out_dir);
    rc |= write_atomically(path, suite_junit, s, complete);
    return rc;
}

/* ---- the run ---- */

static void print_row(const outcome *o)
{
    printf("%-22s %-11s %-3s %7.1f  %s\n", o->e->name,
           o->interrupted ? cs_status_word(CS_ST_INTERRUPTED) : cs_end_name(o->r.end), o->ok ? "yes" : "NO",
           o->r.seconds, o->r.text);
}

static void print_header(void)
{
    printf("%-22s %-11s %-3s %7s  %s\n", "scenario", "end", "ok", "seconds", "classification");
}

/* A child that exits 0 without its report did not run what was asked
 * (an older comstress without the options, say): not a pass. */
static void check_needed_file(outcome *o)
{
    char path[CS_PATH_LEN];
    size_t used = strlen(o->r.text);

    snprintf(path, sizeof(path), "%s\\%s", o->out_dir, o->e->needs);
    if (cs_file_attributes(path) != INVALID_FILE_ATTRIBUTES)
        return;
    o->ok = 0;
    snprintf(o->r.text + used, sizeof(o->r.text) - used, " (but %s was not written)", o->e->needs);
}

/* Marks the suite interrupted at o (ended by the stop, or never started),
 * with the one line its reports and the console give. */
static void mark_interrupted(suite *s, outcome *o, int started)
{
    o->interrupted = 1;
    o->ok = 0;
    s->status = CS_ST_INTERRUPTED;
    snprintf(s->error, sizeof(s->error), "interrupted: %s %s %s; %u of %u scenarios ran to their end",
             cs_stop_by() ? cs_stop_by() : "a signal", started ? "during" : "before", o->e->name,
             (unsigned)s->ndone, (unsigned)s->nselected);
}

/* Runs one entry in its child and records the outcome. A stop asked
 * before the start records it as interrupted, not started; one during it
 * ends the child (cs_isolate_run returns 1). A child that ended otherwise
 * than expected while a stop was asked counts as interrupted too: on a
 * Windows console, Ctrl-C reaches it as well as us. */
static void run_entry(suite *s, const entry *e)
{
    outcome *o = &s->done[s->ndone];
    char args[CS_PATH_LEN + 200], *p;
    cs_child_spec spec = { 0 };
    int rc;

    o->e = e;
    snprintf(o->out_dir, sizeof(o->out_dir), "%s\\%s", s->out_dir, e->name);
    for (p = o->out_dir + strlen(s->out_dir) + 1; *p; p++)
        if (*p == '/')
            *p = '-';
    if (cs_stop_requested()) {
        memset(&o->r, 0, sizeof(o->r));
        o->r.end = CS_END_ERROR;
        o->r.threads_at_kill = -1;
        snprintf(o->r.text, sizeof(o->r.text), "interrupted: not started");
        mark_interrupted(s, o, 0);
        s->ndone++;
        return;
    }
    snprintf(args, sizeof(args), "%s --out \"%s\"", e->args, o->out_dir);
    spec.exe = s->exe;
    spec.args = args;
    spec.out_dir = o->out_dir;
    spec.timeout_s = s->timeout_s;
    spec.cancel = cs_stop_event();
    rc = cs_isolate_run(&spec, &o->r);
    o->ok = rc == 0 && ended_as_expected(e->want, &o->r);
    if (o->ok && e->needs)
        check_needed_file(o);
    if (rc == 1 || (!o->ok && cs_stop_requested()))
        mark_interrupted(s, o, 1);
    s->ndone++;
}

/* Checks --only names at least one scenario; prints the known names if not. */
static int check_only(const suite *s)
{
    size_t i;

    for (i = 0; i < s->nentries; i++)
        if (selected(s, &s->entries[i]))
            return 0;
    fprintf(stderr, "comstress suite: --only '%s': no such scenario; known:", s->only);
    for (i = 0; i < s->nentries; i++)
        fprintf(stderr, " %s", s->entries[i].name);
    fputc('\n', stderr);
    return CS_EXIT_USAGE;
}

/* Writes the final reports, prints the table again and the count; an
 * interrupted suite ends with its one line. Returns the suite's exit code:
 * the status's (cs_status_exit) when interrupted, else 1 when a scenario
 * ended otherwise than expected, else 0. */
static int finish(suite *s)
{
    int complete = s->status == CS_ST_COMPLETED;
    size_t i, bad = 0;

    write_reports(s, complete);
    cs_stop_reports_done();
    printf("\n");
    print_header();
    for (i = 0; i < s->ndone; i++) {
        print_row(&s->done[i]);
        bad += !s->done[i].ok;
    }
    printf("\n%u of %u scenarios ended as expected; reports: %s\\suite.json, %s\\junit.xml\n",
           (unsigned)(s->ndone - bad), (unsigned)s->nselected, s->out_dir, s->out_dir);
    if (!complete) {
        fflush(stdout);
        fprintf(stderr, "comstress suite: %s\n", s->error);
        fflush(stderr);
        return cs_status_exit(s->status);
    }
    return bad ? CS_EXIT_VERDICT : CS_EXIT_OK;
}

int cs_suite_main(const cs_suite_options *opt)
{
    static suite s;
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    s.timeout_s = opt->timeout_s;
    s.out_dir = opt->out_dir;
    s.only = opt->only;
    s.exe = opt->exe;
    s.status = CS_ST_COMPLETED;
    build_entries(&s);
    if ((rc = check_only(&s)))
        return rc;
    for (i = 0; i < s.nentries; i++)
        s.nselected += selected(&s, &s.entries[i]);
    /* on Ctrl-C and the like the child running is ended (its wait
     * watches the stop's event), no further scenario starts, and the
     * reports say the suite was interrupted (exit 9) */
    cs_stop_catch(NULL);
    cs_make_dirs(s.out_dir);
    if (write_reports(&s, 0)) {
        fprintf(stderr, "comstress suite: --out '%s': cannot write suite.json / junit.xml there\n", s.out_dir);
        return CS_EXIT_OUTPUT;
    }
    print_header();
    for (i = 0; i < s.nentries && s.status == CS_ST_COMPLETED; i++) {
        if (!selected(&s, &s.entries[i]))
            continue;
        run_entry(&s, &s.entries[i]);
        print_row(&s.done[s.ndone - 1]);
        write_reports(&s, 0);
    }
    return finish(&s);
}
