/*
 * `comstress explore`: a per-member leak map of a class (docs/explore.md).
 *
 * Everything a user can get wrong is checked before anything is created:
 * the member lists, the target, its type information, that each --members
 * pattern matches a member. Then each member's statements run in a child
 * `comstress run` of their own under the watchdog (stress/lifecycle's
 * cs_isolate_run, as `suite` runs its scenarios), so a member that hangs or
 * crashes the target is killed or dies alone, is named, and the map goes
 * on. Each child's run.json gives the member's figures; its exit code says
 * whether it failed (--fail-on is passed on, so a member fails as a run of
 * it would).
 */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd_explore.h"
#include "context.h"
#include "explore_members.h"
#include "isolate.h"
#include "paths.h"
#include "target.h"
#include "callspec.h"
#include "utf8.h"

typedef struct xsession {
    cs_options *o;
    const char *members[CS_XMAX_GLOBS], *skip[CS_XMAX_GLOBS];
    int nmembers, nskip;
    char members_buf[1024], skip_buf[1024];
    cs_xmember *m;
    size_t n;
    cs_xresult *r;
    size_t *order;
    const char *target;            /* as the map names it */
    char fail_on[96];              /* --fail-on as given (its words) */
    char child_fail_on[96];        /* ... without unload, for the members */
    const char *unload;            /* the server's unload finding, or NULL */
    double started;
    size_t *ordinal;               /* each member's place in the run order (0: left out) */
    size_t total;                  /* members run */
    volatile LONG next;            /* --jobs: the next member a worker takes */
    CRITICAL_SECTION say_lock;     /* --jobs: one progress line at a time */
} xsession;

static double now_s(void)
{
    return GetTickCount64() / 1000.0;
}

static int left_out(void *ctx, const cs_xmember *m)
{
    xsession *x = ctx;

    return cs_xleft_out(m, x->members, x->nmembers, x->skip, x->nskip);
}

/* The member lists, split; one line and CS_EXIT_USAGE when malformed. */
static int read_lists(xsession *x)
{
    char err[CS_ERR_LEN];

    if (x->o->explore.members && (x->nmembers = cs_xglob_split("--members", x->o->explore.members,
            x->members_buf, sizeof(x->members_buf), x->members, err, sizeof(err))) < 0)
        goto bad;
    if (x->o->explore.skip && (x->nskip = cs_xglob_split("--skip", x->o->explore.skip,
            x->skip_buf, sizeof(x->skip_buf), x->skip, err, sizeof(err))) < 0)
        goto bad;
    return CS_EXIT_OK;
bad:
    fprintf(stderr, "comstress: %s\n", err);
    return CS_EXIT_USAGE;
}

/*
 * Opens the target, reads its members (objects returned followed to
 * --depth) and selects them. Returns CS_EXIT_OK; CS_EXIT_TARGET when it
 * cannot be opened or created; CS_EXIT_USAGE for a class without type
 * information or a --members pattern that matches nothing (one line).
 */
static int read_members(xsession *x)
{
    char err[CS_ERR_LEN], why[300];
    cs_target t;
    IDispatch *obj = NULL;
    HRESULT hr;
    int rc;

    if ((rc = cs_target_open(x->o->target, x->o->dll, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    x->target = x->o->target ? x->o->target : t.label[0] ? t.label : t.name;
    rc = CS_EXIT_OK;
    if (FAILED(hr = cs_target_create(&t, &obj))) {
        fprintf(stderr, "comstress: target '%s' cannot be created: %s\n", x->target,
                cs_hresult_text(hr, why, sizeof(why)));
        rc = CS_EXIT_TARGET;
        goto out_close;
    }
    hr = cs_explore_members(obj, x->o->explore.depth, left_out, x, &x->m, &x->n);
    if (hr == TYPE_E_ELEMENTNOTFOUND || (SUCCEEDED(hr) && !x->n)) {
        fprintf(stderr, "comstress: %s offers no type information: explore needs type information; "
                "use run --call\n", x->target);
        rc = CS_EXIT_USAGE;
    } else if (FAILED(hr)) {
        fprintf(stderr, "comstress: explore needs type information; use run --call (%s: GetTypeInfo: %s)\n",
                x->target, cs_hresult_text(hr, why, sizeof(why)));
        rc = CS_EXIT_USAGE;
    } else if (cs_xselect(x->m, x->n, x->members, x->nmembers, x->skip, x->nskip, err, sizeof(err))) {
        fprintf(stderr, "comstress: %s\n", err);
        rc = CS_EXIT_USAGE;
    }
    IDispatch_Release(obj);
out_close:
    cs_target_close(&t);
    return rc;
}

/* The plan to stdout (--dry-run) and to --emit-script FILE. */
static int emit_plan(xsession *x)
{
    FILE *f;
    int bad;

    if (x->o->explore.dry_run && cs_xplan_write(stdout, x->target, x->m, x->n))
        return CS_EXIT_OUTPUT;
    if (!x->o->explore.emit_script)
        return CS_EXIT_OK;
    if (!(f = cs_fopen(x->o->explore.emit_script, "wb"))) {
        fprintf(stderr, "comstress: --emit-script '%s': cannot write the file\n", x->o->explore.emit_script);
        return CS_EXIT_OUTPUT;
    }
    bad = cs_xplan_write(f, x->target, x->m, x->n);
    if (fclose(f) || bad) {
        fprintf(stderr, "comstress: --emit-script '%s': cannot write the file\n", x->o->explore.emit_script);
        return CS_EXIT_OUTPUT;
    }
    return CS_EXIT_OK;
}

/* Appends " WORD" or " WORD "VALUE"" to cmd. */
static void arg(char *cmd, size_t len, const char *word, const char *value)
{
    size_t used = strlen(cmd);

    if (value)
        snprintf(cmd + used, len - used, " %s \"%s\"", word, value);
    else
        snprintf(cmd + used, len - used, " %s", word);
}

/* The child's command line: a run of the member's script in dir. */
static void child_args(const xsession *x, const char *dir, char *cmd, size_t len)
{
    const cs_options *o = x->o;
    char script[CS_PATH_LEN], n[32];

    snprintf(script, sizeof(script), "%s/member.txt", dir);
    snprintf(n, sizeof(n), "%lld", o->explore.iterations);
    snprintf(cmd, len, "run");
    if (o->target)
        arg(cmd, len, "--target", o->target);
    if (o->dll)
        arg(cmd, len, "--dll", o->dll);
    arg(cmd, len, "--script", script);
    arg(cmd, len, "--iterations", n);
    arg(cmd, len, "--out", dir);
    arg(cmd, len, "--fail-on", x->child_fail_on);
    if (o->ledger)
        arg(cmd, len, "--ledger", NULL);
    if (o->trace)
        arg(cmd, len, "--trace", NULL);
    if (o->fault)
        arg(cmd, len, "--fault", o->fault);
}

/* Cuts a leading "WORD: " (the watchdog's "crashed: ", the run's
 * "TARGET: ") off r->why: the map's state says it already. */
static void cut_prefix(cs_xresult *r, const char *word)
{
    size_t n = strlen(word);

    if (!strncmp(r->why, word, n) && r->why[n] == ':' && r->why[n + 1] == ' ')
        memmove(r->why, r->why + n + 2, strlen(r->why + n + 2) + 1);
}

/* How the child ended, as the member's state. */
static void take_end(const xsession *x, const cs_child_result *c, const char *dir, cs_xresult *r)
{
    char path[CS_PATH_LEN], *json;

    snprintf(path, sizeof(path), "%s/run.json", dir);
    if ((json = cs_read_whole(path)))
        cs_xresult_from_json(json, r);
    free(json);
    r->seconds = c->seconds;
    switch (c->end) {
    case CS_END_PASSED: r->state = CS_XS_CLEAN; break;
    case CS_END_FAILED: r->state = CS_XS_FAILED; break;
    case CS_END_CRASHED: r->state = CS_XS_CRASHED; break;
    case CS_END_HUNG: r->state = CS_XS_HUNG; break;
    default:
        r->state = c->exit_code == CS_EXIT_CALL ? CS_XS_NOT_CALLED : CS_XS_ERROR;
        break;
    }
    if (r->state == CS_XS_CRASHED || r->state == CS_XS_HUNG || r->state == CS_XS_ERROR || !r->why[0])
        snprintf(r->why, sizeof(r->why), "%s", c->text);
    cut_prefix(r, cs_end_name(c->end));
    cut_prefix(r, "error");
    cut_prefix(r, x->target);
}

/* One progress line of the map, whole, whichever worker prints it. */
static void say(xsession *x, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    EnterCriticalSection(&x->say_lock);
    vprintf(fmt, ap);
    fflush(stdout);
    LeaveCriticalSection(&x->say_lock);
    va_end(ap);
}

/*
 * Runs member i in a child of its own: its statements into
 * OUT/members/NNN/member.txt (the call language checks them first: a
 * member whose text it refuses is "not called"), then `comstress run` on
 * them under the watchdog. Fills x->r[i].
 */
static void run_member(xsession *x, size_t i)
{
    size_t ordinal = x->ordinal[i], total = x->total;
    char text[2 * CS_XTEXT_LEN], why[CS_XWHY_LEN], dir[CS_PATH_LEN], path[CS_PATH_LEN];
    char cmd[3 * CS_PATH_LEN], label[CS_XTEXT_LEN + 8], err[CS_ERR_LEN];
    cs_xresult *r = &x->r[i];
    cs_child_spec spec = { 0 };
    cs_child_result c;
    cs_script *script;
    FILE *f;

    cs_xmember_label(&x->m[i], label, sizeof(label));
    if (cs_xmember_statements(&x->m[i], text, sizeof(text), why, sizeof(why))
        || cs_script_parse(text, &script, why, sizeof(why))) {
        r->state = CS_XS_NOT_CALLED;
        snprintf(r->why, sizeof(r->why), "%s", why);
        say(x, "  [%u/%u] %s: not called: %s\n", (unsigned)ordinal, (unsigned)total, label, why);
        return;
    }
    cs_script_free(script);
    snprintf(r->dir, sizeof(r->dir), "members/%03u", (unsigned)ordinal);
    snprintf(dir, sizeof(dir), "%s/%s", x->o->explore.out_dir, r->dir);
    snprintf(path, sizeof(path), "%s/member.txt", dir);
    if (cs_make_dirs(dir) || !(f = cs_fopen(path, "wb")) || (fputs(text, f), fclose(f))) {
        snprintf(r->why, sizeof(r->why), "cannot write %s", path);
        say(x, "  [%u/%u] %s: error: %s\n", (unsigned)ordinal, (unsigned)total, label, r->why);
        return;
    }
    child_args(x, dir, cmd, sizeof(cmd));
    spec.args = cmd;
    spec.out_dir = dir;
    spec.timeout_s = x->o->explore.timeout_s;
    cs_isolate_run(&spec, &c);
    take_end(x, &c, dir, r);
    cs_xmap_line(&x->m[i], r, err, sizeof(err));
    say(x, "  [%u/%u]%s\n", (unsigned)ordinal, (unsigned)total, err + 1);
}

/* A --jobs worker: takes the next member not left out until none is left. */
static DWORD WINAPI member_worker(void *arg)
{
    xsession *x = arg;
    LONG i;

    while ((size_t)(i = InterlockedIncrement(&x->next) - 1) < x->n)
        if (!x->m[i].skipped)
            run_member(x, (size_t)i);
    return 0;
}

/*
 * Every member not left out, numbered in the order they were read, and run
 * --jobs at a time: workers that each take the next member. Each member is
 * a process of its own, so running several at once changes no figure; a
 * worker that cannot be started leaves its members to the others (this
 * thread is one of them).
 */
static void run_members(xsession *x)
{
    HANDLE workers[CS_XMAX_JOBS];
    int jobs = x->o->explore.jobs, started = 0, k;
    size_t i;

    for (i = 0; i < x->n; i++) {
        cs_xresult_init(&x->r[i]);
        if (x->m[i].skipped) {
            x->r[i].state = CS_XS_SKIPPED;
            snprintf(x->r[i].why, sizeof(x->r[i].why), "%s", x->m[i].skip_why);
        } else {
            x->ordinal[i] = ++x->total;
        }
    }
    InitializeCriticalSection(&x->say_lock);
    for (k = 1; k < jobs && (size_t)k < x->total; k++)
        if ((workers[started] = CreateThread(NULL, 0, member_worker, x, 0, NULL)))
            started++;
    member_worker(x);
    WaitForMultipleObjects((DWORD)started, workers, TRUE, INFINITE);
    for (k = 0; k < started; k++)
        CloseHandle(workers[k]);
    DeleteCriticalSection(&x->say_lock);
}

/* The exit code of the map: a crash (8), else a hang (7), else a member
 * failed or the server did not unload with unload in --fail-on (1), else
 * a member the harness could not run (6), else 0. */
static int map_exit(const xsession *x)
{
    size_t i, count[CS_XS_SKIPPED + 1] = { 0 };
    int unload = x->unload && (x->o->fail_on & CS_FAIL_UNLOAD);

    for (i = 0; i < x->n; i++)
        count[x->r[i].state]++;
    return count[CS_XS_CRASHED] ? CS_EXIT_CRASH : count[CS_XS_HUNG] ? CS_EXIT_HANG
         : count[CS_XS_FAILED] || unload ? CS_EXIT_VERDICT : count[CS_XS_ERROR] ? CS_EXIT_INTERNAL : CS_EXIT_OK;
}

/* The server's unload finding: the first member run that saw one. One
 * line; it fails the map when --fail-on has unload. */
static void server_unload(xsession *x)
{
    size_t i;

    for (i = 0; i < x->n && !x->unload; i++)
        if (x->r[i].unload[0])
            x->unload = x->r[i].unload;
    if (x->unload)
        printf("server unload: %s%s\n", x->unload,
               x->o->fail_on & CS_FAIL_UNLOAD ? "" : " (left out by --fail-on)");
}

/* The sorted map and the summary line on the console. */
static void print_map(const xsession *x, double seconds)
{
    size_t i, count[CS_XS_SKIPPED + 1] = { 0 }, called, unselected = 0;
    char line[CS_ERR_LEN * 2];

    printf("map of %s (failing members first):\n", x->target);
    for (i = 0; i < x->n; i++) {
        const cs_xmember *m = &x->m[x->order[i]];

        count[x->r[x->order[i]].state]++;
        if (m->skipped && !strcmp(m->skip_why, CS_XNOT_SELECTED)) {
            unselected++;            /* one line for them all: --members chose */
            continue;
        }
        cs_xmap_line(m, &x->r[x->order[i]], line, sizeof(line));
        printf("%s\n", line);
    }
    if (unselected)
        printf("  (%u members not selected by --members: run.json and report.html list them)\n",
               (unsigned)unselected);
    called = x->n - count[CS_XS_SKIPPED];
    printf("explore: %u members: %u failed, %u crashed, %u hung, %u clean, %u not called, %u errors, "
           "%u skipped; %.1f s, %.2f members/s\n", (unsigned)x->n, (unsigned)count[CS_XS_FAILED],
           (unsigned)count[CS_XS_CRASHED], (unsigned)count[CS_XS_HUNG], (unsigned)count[CS_XS_CLEAN],
           (unsigned)count[CS_XS_NOT_CALLED], (unsigned)count[CS_XS_ERROR], (unsigned)count[CS_XS_SKIPPED],
           seconds, seconds > 0 ? called / seconds : 0.0);
}

/* run.json, report.html, junit.xml in --out; CS_EXIT_OUTPUT on failure. */
static int write_reports(const xsession *x, int argc, char **argv, double seconds, int code)
{
    static cs_context_store ctx;
    char path[CS_PATH_LEN], err[CS_ERR_LEN];
    const char *dir = x->o->explore.out_dir;
    cs_xreport rep = { 0 };
    int bad = 0;

    cs_context_fill(&ctx, argc, argv);
    rep.target = x->target;
    rep.command_line = ctx.ctx.command_line;
    rep.date = ctx.ctx.date;
    rep.fail_on = x->fail_on;
    rep.unload = x->unload;
    rep.unload_fails = x->unload && (x->o->fail_on & CS_FAIL_UNLOAD);
    rep.depth = x->o->explore.depth;
    rep.iterations = x->o->explore.iterations;
    rep.seconds = seconds;
    rep.exit_code = code;
    snprintf(path, sizeof(path), "%s/run.json", dir);
    bad |= cs_xreport_json(path, &rep, x->m, x->r, x->order, x->n, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/report.html", dir);
    bad |= bad ? 0 : cs_xreport_html(path, &rep, x->m, x->r, x->order, x->n, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/junit.xml", dir);
    bad |= bad ? 0 : cs_xreport_junit(path, &rep, x->m, x->r, x->order, x->n, err, sizeof(err));
    if (bad) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_OUTPUT;
    }
    printf("reports: %s (run.json, report.html, junit.xml, plan.txt; members/NNN: each member's run)\n", dir);
    return CS_EXIT_OK;
}

/* Creates --out, removes an earlier map's reports (a map that fails
 * part-way never sits beside an older one's) and writes plan.txt. */
static int prepare_out(xsession *x)
{
    static const char *const reports[] = { "run.json", "report.html", "junit.xml" };
    char path[CS_PATH_LEN], why[300];
    const char *dir = x->o->explore.out_dir;
    FILE *f;
    size_t i;
    int bad;

    if (cs_make_dirs(dir)) {
        fprintf(stderr, "comstress: --out '%s': cannot create the directory: %s\n", dir,
                cs_win32_text(GetLastError(), why, sizeof(why)));
        return CS_EXIT_OUTPUT;
    }
    for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, reports[i]);
        cs_delete_file(path);
    }
    snprintf(path, sizeof(path), "%s/plan.txt", dir);
    if (!(f = cs_fopen(path, "wb"))) {
        fprintf(stderr, "comstress: --out '%s': cannot write %s\n", dir, path);
        return CS_EXIT_OUTPUT;
    }
    bad = cs_xplan_write(f, x->target, x->m, x->n);
    if (fclose(f) || bad) {
        fprintf(stderr, "comstress: --out '%s': cannot write %s\n", dir, path);
        return CS_EXIT_OUTPUT;
    }
    return CS_EXIT_OK;
}

/* Explores every selected member, prints the map, writes the reports. */
static int explore_all(xsession *x, int argc, char **argv)
{
    double seconds;
    size_t i, left = 0;
    int rc, code;

    for (i = 0; i < x->n; i++)
        left += x->m[i].skipped;
    printf("explore %s: %u members (%u left out), %lld iterations each, objects returned followed %d deep\n",
           x->target, (unsigned)x->n, (unsigned)left, x->o->explore.iterations, x->o->explore.depth);
    printf("default skip list (name a member in --members to explore it): %s\n", cs_xdefault_skip_text());
    if (!(x->r = calloc(x->n, sizeof(*x->r))) || !(x->order = calloc(x->n, sizeof(*x->order)))
        || !(x->ordinal = calloc(x->n, sizeof(*x->ordinal)))) {
        fprintf(stderr, "comstress: out of memory\n");
        return CS_EXIT_INTERNAL;
    }
    run_members(x);
    seconds = now_s() - x->started;
    cs_xmap_sort(x->m, x->r, x->order, x->n);
    print_map(x, seconds);
    server_unload(x);
    code = map_exit(x);
    if ((rc = write_reports(x, argc, argv, seconds, code)))
        return rc;
    return code;
}

int cs_cmd_explore(cs_options *o, int argc, char **argv)
{
    xsession x;
    int rc;

    memset(&x, 0, sizeof(x));
    x.o = o;
    x.started = now_s();
    /* Members are judged without unload: a DLL that stays loaded is the
     * server's finding, judged once (map_exit). */
    if (!cs_fail_on_words(o->fail_on, x.fail_on, sizeof(x.fail_on))
        || !cs_fail_on_words(o->fail_on & ~CS_FAIL_UNLOAD, x.child_fail_on, sizeof(x.child_fail_on)))
        snprintf(x.child_fail_on, sizeof(x.child_fail_on), "none");
    if ((rc = read_lists(&x)) || (rc = read_members(&x)) || (rc = emit_plan(&x)))
        goto out;
    if (o->explore.dry_run)
        goto out;
    if (!(rc = prepare_out(&x)))
        rc = explore_all(&x, argc, argv);
out:
    free(x.m);
    free(x.r);
    free(x.order);
    free(x.ordinal);
    return rc;
}
