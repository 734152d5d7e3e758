/* Child-process isolation and the watchdog: see isolate.h. */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "isolate.h"
#include "options.h"

const char *cs_end_name(cs_end e)
{
    static const char *const names[CS_END_COUNT] = { "passed", "failed", "crashed", "hung", "error" };
    return e >= 0 && e < CS_END_COUNT ? names[e] : "?";
}

/* Meaning of comstress's error exit codes (options.h), for the text. */
static const char *error_code_name(unsigned long code)
{
    switch (code) {
    case CS_EXIT_USAGE: return "usage error";
    case CS_EXIT_TARGET: return "target not registered or not creatable";
    case CS_EXIT_CALL: return "a call failed";
    case CS_EXIT_OUTPUT: return "output directory not writable";
    case CS_EXIT_INTERNAL: return "internal error";
    }
    return NULL;
}

/* The text for a child killed by the watchdog. The deadlock needs both
 * halves: the child said it was inside FreeLibrary, and the DLL's worker
 * said its thread function had returned (so it waits in thread detach). */
static void classify_hang(double timeout_s, int threads, const cs_phase_info *pi,
                          cs_child_result *r)
{
    char alive[64] = "";
    const char *phase = pi->phase[0] ? pi->phase : "no phase recorded";

    if (threads >= 0)
        snprintf(alive, sizeof(alive), "; %d threads alive at the kill", threads);
    if (!strncmp(pi->phase, CS_PHASE_IN_FREELIBRARY, strlen(CS_PHASE_IN_FREELIBRARY))
        && strstr(pi->notes, CS_NOTE_WORKER_RETURNED))
        snprintf(r->text, sizeof(r->text), "%s (killed after %.0f s %s%s)",
                 CS_TEXT_UNLOAD_DEADLOCK, timeout_s, phase, alive);
    else if (!strncmp(pi->phase, CS_PHASE_IN_FREELIBRARY, strlen(CS_PHASE_IN_FREELIBRARY)))
        snprintf(r->text, sizeof(r->text), "unload hang: no return from FreeLibrary after %.0f s (%s%s)",
                 timeout_s, phase, alive);
    else
        snprintf(r->text, sizeof(r->text), "hung: killed after %.0f s in phase '%s'%s",
                 timeout_s, phase, alive);
}

void cs_classify(int timed_out, unsigned long exit_code, int threads_at_kill,
                 double timeout_s, const cs_phase_info *pi, cs_child_result *r)
{
    const char *phase = pi->phase[0] ? pi->phase : "no phase recorded";
    const char *err;

    if (pi->has_exception) {
        /* A process that hangs while dying of an exception crashed. */
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text), "crashed: %s, in phase '%s'%s", pi->exception, phase,
                 timed_out ? " (then hung while exiting: killed by the watchdog)" : "");
    } else if (timed_out) {
        r->end = CS_END_HUNG;
        classify_hang(timeout_s, threads_at_kill, pi, r);
    } else if (exit_code == 0) {
        r->end = CS_END_PASSED;
        snprintf(r->text, sizeof(r->text), "passed%s%s", pi->summary[0] ? ": " : "", pi->summary);
    } else if (exit_code == 1) {
        r->end = CS_END_FAILED;
        snprintf(r->text, sizeof(r->text), "failed: %s", pi->summary[0] ? pi->summary : "a verdict failed (exit 1)");
    } else if (exit_code == CS_EXIT_HANG || (pi->ended && !strcmp(pi->end_status, "hung"))) {
        /* A run that stopped on its own --timeout: a call never returned. */
        r->end = CS_END_HUNG;
        snprintf(r->text, sizeof(r->text), "hung: stopped by its own --timeout in phase '%s'%s%s",
                 phase, pi->summary[0] ? ": " : "", pi->summary);
    } else if (pi->phase[0] && !pi->ended) {
        /* It recorded phases but never its end: it died, whatever the code. */
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text),
                 "crashed: exit code %lu (0x%lx) before its end, no exception recorded, in phase '%s'",
                 exit_code, exit_code, phase);
    } else if ((err = error_code_name(exit_code))) {
        r->end = CS_END_ERROR;
        snprintf(r->text, sizeof(r->text), "error: exit %lu (%s)", exit_code, err);
    } else {
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text),
                 "crashed: exit code %lu (0x%lx), no exception recorded (Wine keeps only the low byte of the NTSTATUS), in phase '%s'",
                 exit_code, exit_code, phase);
    }
}

int cs_isolate_self(char *buf, size_t n)
{
    DWORD len = GetModuleFileNameA(NULL, buf, (DWORD)n);
    return len > 0 && len < n ? 0 : -1;
}

int cs_make_dirs(const char *path)
{
    char buf[MAX_PATH];
    size_t i, n = strlen(path);
    DWORD attr;

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\\' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (i > 2 || buf[1] != ':')
                CreateDirectoryA(buf, NULL);
            buf[i] = c;
        }
    }
    attr = GetFileAttributesA(path);
    return attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) ? 0 : -1;
}

/* Reads a whole (small) file; NULL when absent. Caller frees. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (buf = malloc((size_t)n + 1))) {
        n = (long)fread(buf, 1, (size_t)n, f);
        buf[n] = 0;
    }
    fclose(f);
    return buf;
}

/* Threads the child still has (what the watchdog sees of a hang), or -1. */
static int count_threads(DWORD pid)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te = { sizeof(te) };
    int n = 0;

    if (snap == INVALID_HANDLE_VALUE)
        return -1;
    if (Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID == pid)
                n++;
        } while (Thread32Next(snap, &te));
    }
    CloseHandle(snap);
    return n;
}

static HANDLE open_inheritable(const char *dir, const char *name, DWORD access, DWORD disp)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    char path[MAX_PATH];

    if (dir)
        snprintf(path, sizeof(path), "%s\\%s", dir, name);
    else
        snprintf(path, sizeof(path), "%s", name);
    return CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, disp,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

/* Appends the first line of the child's stderr to an error's text: the
 * child's own one-line message says what was wrong better than its code. */
static void add_stderr_line(const char *out_dir, cs_child_result *r)
{
    char path[MAX_PATH], *text, *nl;
    size_t used = strlen(r->text);

    snprintf(path, sizeof(path), "%s\\stderr.txt", out_dir);
    if (!(text = slurp(path)))
        return;
    if ((nl = strpbrk(text, "\r\n")))
        *nl = 0;
    if (*text)
        snprintf(r->text + used, sizeof(r->text) - used, ": %s", text);
    free(text);
}

/* Starts the child with its stdio on files in out_dir. */
static int start_child(const cs_child_spec *spec, const char *exe, PROCESS_INFORMATION *pi,
                       DWORD *error)
{
    STARTUPINFOA si = { sizeof(si) };
    char *cmd;
    size_t len = strlen(exe) + strlen(spec->args ? spec->args : "") + 4;
    BOOL ok = FALSE;
    int attempt;

    *error = ERROR_OUTOFMEMORY;
    if (!(cmd = malloc(len)))
        return -1;
    snprintf(cmd, len, "\"%s\" %s", exe, spec->args ? spec->args : "");
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = open_inheritable(NULL, "NUL", GENERIC_READ, OPEN_EXISTING);
    si.hStdOutput = open_inheritable(spec->out_dir, "stdout.txt", GENERIC_WRITE, CREATE_ALWAYS);
    si.hStdError = open_inheritable(spec->out_dir, "stderr.txt", GENERIC_WRITE, CREATE_ALWAYS);
    /* Process creation under a loaded wineserver failed once in CI-like
     * conditions and worked at once when repeated: try three times. */
    for (attempt = 0; attempt < 3 && !ok; attempt++) {
        if (attempt)
            Sleep(200);
        if (!(ok = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, pi)))
            *error = GetLastError();   /* before any other call resets it */
    }
    CloseHandle(si.hStdInput);
    CloseHandle(si.hStdOutput);
    CloseHandle(si.hStdError);
    free(cmd);
    return ok ? 0 : -1;
}

int cs_isolate_run(const cs_child_spec *spec, cs_child_result *r)
{
    char self[MAX_PATH], path[MAX_PATH], *text;
    const char *exe = spec->exe;
    PROCESS_INFORMATION pi;
    DWORD code = 0, t0, error;
    int threads = -1;

    memset(r, 0, sizeof(*r));
    r->threads_at_kill = -1;
    r->end = CS_END_ERROR;
    if (!exe && cs_isolate_self(self, sizeof(self)) == 0)
        exe = self;
    if (!exe || cs_make_dirs(spec->out_dir)) {
        snprintf(r->text, sizeof(r->text), "error: output directory '%s' cannot be created", spec->out_dir);
        return -1;
    }
    snprintf(path, sizeof(path), "%s\\%s", spec->out_dir, CS_PHASE_FILE);
    DeleteFileA(path);  /* a stale phase from an earlier run would mislead */
    t0 = GetTickCount();
    if (start_child(spec, exe, &pi, &error)) {
        snprintf(r->text, sizeof(r->text), "error: cannot start '%s' (error %lu)", exe, error);
        return -1;
    }
    if (WaitForSingleObject(pi.hProcess, (DWORD)(spec->timeout_s * 1000.0)) == WAIT_TIMEOUT) {
        r->timed_out = 1;
        threads = count_threads(pi.dwProcessId);
        TerminateProcess(pi.hProcess, WAIT_TIMEOUT);
        WaitForSingleObject(pi.hProcess, 10000);
    } else {
        GetExitCodeProcess(pi.hProcess, &code);
    }
    r->seconds = (GetTickCount() - t0) / 1000.0;
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    r->exit_code = r->timed_out ? 0 : code;
    r->threads_at_kill = threads;
    text = slurp(path);
    cs_phase_parse(text, &r->phase);
    free(text);
    cs_classify(r->timed_out, r->exit_code, threads, spec->timeout_s, &r->phase, r);
    if (r->end == CS_END_ERROR)
        add_stderr_line(spec->out_dir, r);
    return 0;
}
