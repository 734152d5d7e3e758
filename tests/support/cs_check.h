/*
 * Shared helpers for comstress's check suites (all run under Wine, with
 * CK_FORK=no: a failed assertion ends the test at once and skips its own
 * cleanup, so fixtures own the resources).
 */
#ifndef CS_CHECK_H
#define CS_CHECK_H

#include <windows.h>
#include <objbase.h>
#include <check.h>
#include "cs_unit.h"

/* Asserts an HRESULT equals the expected one, printing both in hex. */
#define ck_assert_hr(expr, expected) do { \
    HRESULT ck_hr_ = (expr); HRESULT ck_exp_ = (expected); \
    ck_assert_msg(ck_hr_ == ck_exp_, "%s: got 0x%08lx, expected 0x%08lx", \
                  #expr, (unsigned long)ck_hr_, (unsigned long)ck_exp_); \
} while (0)

#define ck_assert_ok(expr) ck_assert_hr((expr), S_OK)

/* The refcount of unk as seen through AddRef then Release (the probe
 * leaves the count unchanged). Meaningful for in-process objects only. */
ULONG cs_refcount(IUnknown *unk);

/* Fixtures: COM for the test's thread (STA or MTA). */
void cs_com_sta_setup(void);
void cs_com_mta_setup(void);
void cs_com_teardown(void);

/* Value of an environment variable the CTest entry sets (COMSTRESS_EXE,
 * COMSTRESS_SERVER_DLL, COMSTRESS_SOURCE_DIR); fails the test if unset. */
const char *cs_env(const char *name);

/* Result of running a child process. out holds stdout+stderr (truncated to
 * the buffer, always NUL-terminated). exit_code is the child's code, or
 * CS_RUN_TIMEOUT when it was killed after the timeout. */
#define CS_RUN_TIMEOUT 0x7fffffffUL
typedef struct cs_run_result {
    DWORD exit_code;
    char out[65536];
} cs_run_result;

/* Runs cmdline (a full Windows command line) with the extra environment
 * variables in env_extra ("NAME=value" strings, NULL-terminated list, may be
 * NULL), waits up to timeout_ms, captures its output. Returns TRUE when the
 * process could be started. */
BOOL cs_spawn(const char *cmdline, const char *const *env_extra,
            DWORD timeout_ms, cs_run_result *res);

/* A fresh empty directory under the build tree's temp area, named after tag
 * (removed first if present). Returns a static buffer. */
const char *cs_temp_dir(const char *tag);

/* Runs "comstress.exe <args>" (COMSTRESS_EXE) and waits up to two
 * minutes; fails the test when it cannot start or times out. */
void cs_comstress(const char *args, cs_run_result *res);

/* Asserts the exit code of res, printing its output otherwise. */
#define ck_assert_exit_of(res, code) \
    ck_assert_msg((res).exit_code == (DWORD)(code), "exit %lu, expected %d; output:\n%s", \
                  (unsigned long)(res).exit_code, (code), (res).out)

/* dir\file read whole (malloc'd), or NULL. */
char *cs_read_out(const char *dir, const char *file);

/* The number after the n-th (0-based) "key": in a JSON text; NaN when
 * absent. Enough for run.json's flat figures. */
double cs_json_number(const char *json, const char *key, int nth);

#endif
