/* Helpers shared by the check suites; see cs_check.h for the contracts. */
#include "cs_check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

ULONG cs_refcount(IUnknown *unk)
{
    IUnknown_AddRef(unk);
    return IUnknown_Release(unk);
}

void cs_com_sta_setup(void)
{
    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    ck_assert_msg(SUCCEEDED(hr), "CoInitializeEx(STA): 0x%08lx", (unsigned long)hr);
}

void cs_com_mta_setup(void)
{
    HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ck_assert_msg(SUCCEEDED(hr), "CoInitializeEx(MTA): 0x%08lx", (unsigned long)hr);
}

void cs_com_teardown(void)
{
    CoUninitialize();
}

const char *cs_env(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v && *v, "environment variable %s is not set (run through ctest)", name);
    return v;
}

/* Builds a new environment block: the current one plus env_extra. */
static char *make_env_block(const char *const *env_extra)
{
    char *cur = GetEnvironmentStringsA(), *p;
    size_t curlen = 0, extra = 0, i;
    char *block, *w;

    for (p = cur; *p; p += strlen(p) + 1) ;
    curlen = (size_t)(p - cur);
    for (i = 0; env_extra && env_extra[i]; i++)
        extra += strlen(env_extra[i]) + 1;
    block = malloc(curlen + extra + 2);
    if (!block) {
        FreeEnvironmentStringsA(cur);
        return NULL;
    }
    w = block;
    for (i = 0; env_extra && env_extra[i]; i++) {
        strcpy(w, env_extra[i]);
        w += strlen(w) + 1;
    }
    memcpy(w, cur, curlen);
    w += curlen;
    *w = 0;
    FreeEnvironmentStringsA(cur);
    return block;
}

/* Drains the pipe into res->out until the child closes it. */
static void read_all(HANDLE rd, cs_run_result *res)
{
    size_t used = 0, cap = sizeof(res->out) - 1;
    char buf[4096];
    DWORD n;

    while (ReadFile(rd, buf, sizeof(buf), &n, NULL) && n > 0) {
        size_t take = n;
        if (used + take > cap)
            take = cap - used;
        memcpy(res->out + used, buf, take);
        used += take;
    }
    res->out[used] = 0;
}

typedef struct reader_args { HANDLE rd; cs_run_result *res; } reader_args;

static DWORD WINAPI reader_thread(void *arg)
{
    reader_args *a = arg;
    read_all(a->rd, a->res);
    return 0;
}

BOOL cs_spawn(const char *cmdline, const char *const *env_extra,
            DWORD timeout_ms, cs_run_result *res)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    STARTUPINFOA si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    HANDLE rd, wr, reader;
    reader_args ra;
    char *cmd = _strdup(cmdline), *env = make_env_block(env_extra);
    BOOL ok = FALSE;

    memset(res, 0, sizeof(*res));
    if (!cmd || !env || !CreatePipe(&rd, &wr, &sa, 0))
        goto out_free;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = wr;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, env, NULL, &si, &pi)) {
        CloseHandle(rd);
        CloseHandle(wr);
        goto out_free;
    }
    CloseHandle(wr);
    ra.rd = rd;
    ra.res = res;
    reader = CreateThread(NULL, 0, reader_thread, &ra, 0, NULL);
    if (WaitForSingleObject(pi.hProcess, timeout_ms) == WAIT_TIMEOUT) {
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, INFINITE);
        res->exit_code = CS_RUN_TIMEOUT;
    } else {
        GetExitCodeProcess(pi.hProcess, &res->exit_code);
    }
    WaitForSingleObject(reader, 10000);
    CloseHandle(reader);
    CloseHandle(rd);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    ok = TRUE;
out_free:
    free(cmd);
    free(env);
    return ok;
}

/* Deletes a directory tree (best effort). */
static void remove_tree(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA fd;
    HANDLE h;

    snprintf(pattern, sizeof(pattern), "%s\\*", dir);
    h = FindFirstFileA(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!strcmp(fd.cFileName, ".") || !strcmp(fd.cFileName, ".."))
                continue;
            snprintf(path, sizeof(path), "%s\\%s", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(path);
            else
                DeleteFileA(path);
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryA(dir);
}

const char *cs_temp_dir(const char *tag)
{
    static char dir[MAX_PATH];
    char cwd[MAX_PATH];

    GetCurrentDirectoryA(sizeof(cwd), cwd);
    CreateDirectoryA("test-output", NULL);
    snprintf(dir, sizeof(dir), "%s\\test-output\\%s", cwd, tag);
    remove_tree(dir);
    CreateDirectoryA(dir, NULL);
    return dir;
}

char *cs_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = 0;
    fclose(f);
    return buf;
}

int cs_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void cs_comstress(const char *args, cs_run_result *res)
{
    char cmd[4096];

    snprintf(cmd, sizeof(cmd), "\"%s\" %s", cs_env("COMSTRESS_EXE"), args);
    ck_assert_msg(cs_spawn(cmd, NULL, 120000, res), "cannot start %s", cmd);
    ck_assert_msg(res->exit_code != CS_RUN_TIMEOUT, "comstress %s: timed out", args);
}

char *cs_read_out(const char *dir, const char *file)
{
    char path[MAX_PATH];

    snprintf(path, sizeof(path), "%s\\%s", dir, file);
    return cs_read_file(path);
}

double cs_json_number(const char *json, const char *key, int nth)
{
    char pat[128];
    const char *p = json;

    snprintf(pat, sizeof(pat), "\"%s\"", key);
    while (p && (p = strstr(p, pat)) && nth-- > 0)
        p += strlen(pat);
    if (!p)
        return NAN;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    return strtod(p, NULL);
}
