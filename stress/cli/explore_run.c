/* The members' children of `comstress explore`: see explore_run.h. */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "explore_run.h"
#include "isolate.h"
#include "paths.h"
#include "callspec.h"
#include "utf8.h"
#include "stop.h"


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
    spec.cancel = cs_stop_event();
    if (cs_isolate_run(&spec, &c) == 1) {
        r->state = CS_XS_ERROR;
        snprintf(r->why, sizeof(r->why), "interrupted: the child was ended after %.1f s", c.seconds);
        say(x, "  [%u/%u] %s: %s\n", (unsigned)ordinal, (unsigned)total, label, r->why);
        return;
    }
    take_end(x, &c, dir, r);
    InterlockedIncrement(&x->ran);
    cs_xmap_line(&x->m[i], r, err, sizeof(err));
    say(x, "  [%u/%u]%s\n", (unsigned)ordinal, (unsigned)total, err + 1);
}

/* A --jobs worker: takes the next member not left out until none is left. */
static DWORD WINAPI member_worker(void *arg)
{
    xsession *x = arg;
    LONG i;

    while ((size_t)(i = InterlockedIncrement(&x->next) - 1) < x->n) {
        if (x->m[i].skipped)
            continue;
        if (cs_stop_requested()) {
            x->r[i].state = CS_XS_SKIPPED;
            snprintf(x->r[i].why, sizeof(x->r[i].why), "interrupted before it ran");
        } else {
            run_member(x, (size_t)i);
        }
    }
    return 0;
}

/*
 * Every member not left out, numbered in the order they were read, and run
 * --jobs at a time: workers that each take the next member. Each member is
 * a process of its own, so running several at once changes no figure; a
 * worker that cannot be started leaves its members to the others (this
 * thread is one of them).
 */
void cs_xrun_members(xsession *x)
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
    cs_stop_catch(NULL);          /* children ended and no other started on a stop */
    for (k = 1; k < jobs && (size_t)k < x->total; k++)
        if ((workers[started] = CreateThread(NULL, 0, member_worker, x, 0, NULL)))
            started++;
    member_worker(x);
    WaitForMultipleObjects((DWORD)started, workers, TRUE, INFINITE);
    for (k = 0; k < started; k++)
        CloseHandle(workers[k]);
    DeleteCriticalSection(&x->say_lock);
    x->stopped_by = cs_stop_by();
}
