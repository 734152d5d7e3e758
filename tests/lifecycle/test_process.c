/*
 * Suite "process": child processes (stress/platform/process.c) whose output
 * is captured through a pipe. A child may start a process that inherits
 * the pipe and outlives it; the capture must then end within its bounds,
 * keep what the child wrote, and never write into the caller's buffer
 * after cs_proc_run has returned (its reader thread once did, into a
 * struct on a stack that was gone: a page fault in a later test).
 *
 * The suite's own executable plays the children: "hold" starts "linger"
 * with every inheritable handle (the pipe among them), says "held" and
 * exits; "linger" waits 4 s, then writes "late" to the pipe.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "cs_check.h"
#include "process.h"

static char self[MAX_PATH];

/* The child modes; returns their exit code, or -1 when argv names none. */
static int child_main(int argc, char **argv)
{
    STARTUPINFOA si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16];
    DWORD n;

    if (argc < 2)
        return -1;
    if (!strcmp(argv[1], "hold")) {
        snprintf(cmd, sizeof(cmd), "\"%s\" linger", self);
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
            return 3;
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "held\n", 5, &n, NULL);
        return 0;
    }
    if (!strcmp(argv[1], "linger")) {
        Sleep(4000);
        WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "late\n", 5, &n, NULL);
        return 0;
    }
    return -1;
}

/* The child exits at once; its grandchild holds the pipe for 4 s: the
 * capture, told to wait 1 s for the pipe (10 s by default), gives up then
 * (about 2 s with the cancelled read), keeps "held", and the grandchild's
 * "late", written after the return, lands nowhere near the caller's
 * buffer. */
START_TEST(a_grandchild_holding_the_pipe_ends_the_capture_within_its_bounds)
{
    char buf[256], cmd[MAX_PATH + 16];
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;
    ULONGLONG t0 = GetTickCount64(), took;

    snprintf(cmd, sizeof(cmd), "\"%s\" hold", self);
    ps.cmdline = cmd;
    ps.capture = buf;
    ps.capture_len = sizeof(buf);
    ps.timeout_ms = 60000;
    ps.drain_ms = 1000;
    ck_assert_int_eq(cs_proc_run(&ps, &pr), 0);
    took = GetTickCount64() - t0;
    ck_assert_int_eq(pr.exit_code, 0);
    ck_assert_str_eq(buf, "held\n");
    ck_assert_msg(took >= 1000 && took < 3500, "the capture took %llu ms", (unsigned long long)took);
    Sleep(3500);                        /* the grandchild writes "late" meanwhile */
    ck_assert_str_eq(buf, "held\n");
}
END_TEST

int main(int argc, char **argv)
{
    const TTest *const tests[] = {
        CS_TEST(a_grandchild_holding_the_pipe_ends_the_capture_within_its_bounds),
        NULL
    };
    int rc;

    GetModuleFileNameA(NULL, self, sizeof(self));
    if ((rc = child_main(argc, argv)) >= 0)
        return rc;
    return cs_run_tests("process", NULL, NULL, tests);
}
