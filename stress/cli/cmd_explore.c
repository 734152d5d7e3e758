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
#include "explore_run.h"
#include "stop.h"
#include "isolate.h"
#include "paths.h"
#include "target.h"
#include "callspec.h"
#include "utf8.h"


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
    cs_xrun_members(x);
    seconds = now_s() - x->started;
    cs_xmap_sort(x->m, x->r, x->order, x->n);
    print_map(x, seconds);
    server_unload(x);
    code = x->stopped_by ? CS_EXIT_INTERRUPTED : map_exit(x);
    if (x->stopped_by)   /* the map so far is printed and written below: nothing gathered is lost */
        fprintf(stderr, "comstress: interrupted by %s: %u of %u members ran to their end; the map and its "
                "reports hold them\n", x->stopped_by, (unsigned)x->ran, (unsigned)x->total);
    rc = write_reports(x, argc, argv, seconds, code);
    cs_stop_reports_done();
    if (rc)
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
