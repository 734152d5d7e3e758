/* Child-process isolation and the watchdog: see isolate.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "isolate.h"
#include "options.h"
#include "paths.h"
#include "process.h"
#include "utf8.h"


/* Appends the first line of the child's stderr to an error's text: the
 * child's own one-line message says what was wrong better than its code. */
static void add_stderr_line(const char *out_dir, cs_child_result *r)
{
    char path[CS_PATH_LEN], *text, *nl;
    size_t used = strlen(r->text);

    snprintf(path, sizeof(path), "%s\\stderr.txt", out_dir);
    if (!(text = cs_read_whole(path)))
        return;
    if ((nl = strpbrk(text, "\r\n")))
        *nl = 0;
    if (*text)
        snprintf(r->text + used, sizeof(r->text) - used, ": %s", text);
    free(text);
}

/* Runs the child with its stdio on files in out_dir, under the timeout. */
static int run_child(const cs_child_spec *spec, const char *exe, cs_proc_result *pr)
{
    cs_proc_spec ps = { 0 };
    char *cmd;
    size_t len = strlen(exe) + strlen(spec->args ? spec->args : "") + 4;
    int rc = -1;

    pr->error = ERROR_OUTOFMEMORY;
    if (!(cmd = malloc(len)))
        return -1;
    snprintf(cmd, len, "\"%s\" %s", exe, spec->args ? spec->args : "");
    ps.cmdline = cmd;
    ps.std_in = cs_proc_open_std(NULL, "NUL", GENERIC_READ, OPEN_EXISTING);
    ps.std_out = cs_proc_open_std(spec->out_dir, "stdout.txt", GENERIC_WRITE, CREATE_ALWAYS);
    ps.std_err = cs_proc_open_std(spec->out_dir, "stderr.txt", GENERIC_WRITE, CREATE_ALWAYS);
    ps.timeout_ms = (DWORD)(spec->timeout_s * 1000.0);
    ps.attempts = 3;
    ps.count_threads = 1;
    ps.cancel = spec->cancel;
    rc = cs_proc_run(&ps, pr);
    CloseHandle(ps.std_in);
    CloseHandle(ps.std_out);
    CloseHandle(ps.std_err);
    free(cmd);
    return rc;
}

int cs_isolate_run(const cs_child_spec *spec, cs_child_result *r)
{
    char self[CS_PATH_LEN], path[CS_PATH_LEN], why[300], *text;
    const char *exe = spec->exe;
    cs_proc_result pr;

    memset(r, 0, sizeof(*r));
    r->threads_at_kill = -1;
    r->end = CS_END_ERROR;
    if (!exe && cs_self_path(self, sizeof(self)) == 0)
        exe = self;
    if (!exe || cs_make_dirs(spec->out_dir)) {
        snprintf(r->text, sizeof(r->text), "error: output directory '%s' cannot be created", spec->out_dir);
        return -1;
    }
    snprintf(path, sizeof(path), "%s\\%s", spec->out_dir, CS_PHASE_FILE);
    cs_delete_file(path);  /* a stale phase from an earlier run would mislead */
    if (run_child(spec, exe, &pr)) {
        snprintf(r->text, sizeof(r->text), "error: cannot start '%s': %s", exe,
                 cs_win32_text(pr.error, why, sizeof(why)));
        return -1;
    }
    r->timed_out = pr.timed_out;
    r->seconds = pr.seconds;
    r->exit_code = pr.timed_out ? 0 : pr.exit_code;
    r->threads_at_kill = pr.threads_at_kill;
    text = cs_read_whole(path);
    cs_phase_parse(text, &r->phase);
    free(text);
    if (pr.cancelled) {
        snprintf(r->text, sizeof(r->text), "interrupted: child ended after %.1f s in phase '%s'",
                 r->seconds, r->phase.phase[0] ? r->phase.phase : "no phase recorded");
        return 1;
    }
    cs_classify(r->timed_out, r->exit_code, r->threads_at_kill, spec->timeout_s, &r->phase, r);
    if (r->end == CS_END_ERROR)
        add_stderr_line(spec->out_dir, r);
    return 0;
}
