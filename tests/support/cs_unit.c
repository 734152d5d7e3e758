/* Portable helpers of the unit suites: see cs_unit.h. */
#include <stdio.h>
#include <stdlib.h>
#include "cs_unit.h"
#include "utf8.h"
#ifdef _WIN32
#include <windows.h>

/* The last word of a suite that dies: the exception's code and address on
 * stderr (Wine's own report is silenced by WINEDEBUG=-all and its debugger
 * is disabled), before the process ends with the exception's code. */
static LONG WINAPI say_unhandled(EXCEPTION_POINTERS *ep)
{
    fprintf(stderr, "suite died: unhandled exception 0x%08lx at %p\n",
            (unsigned long)ep->ExceptionRecord->ExceptionCode, ep->ExceptionRecord->ExceptionAddress);
    fflush(stderr);
    return EXCEPTION_CONTINUE_SEARCH;
}

/* The suite's first word to the script that started it (wine-run
 * --suite): it creates the file named by COMSTRESS_START_MARK before
 * main, so that a suite that ended without it never reached this code.
 * A constructor, not a line in cs_run_suite: a suite that dies in main
 * before running its tests has started and is not tried again. */
__attribute__((constructor)) static void say_started(void)
{
    const char *mark = getenv("COMSTRESS_START_MARK");
    HANDLE h;

    if (!mark || !*mark)
        return;
    h = CreateFileA(mark, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}
#endif

/*
 * Runs s in this process (no fork, as under Wine). stdout is unbuffered
 * first: check prints through it, and a suite that dies in a test would
 * otherwise take everything printed so far with it (a suite that fails
 * with no output at all says nothing about where).
 */
int cs_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    setvbuf(stdout, NULL, _IONBF, 0);
#ifdef _WIN32
    SetUnhandledExceptionFilter(say_unhandled);
#endif
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    if (srunner_ntests_run(sr) == 0) {
        /* CK_RUN_CASE or CK_RUN_SUITE naming nothing: an empty pass would
         * hide a suite that no longer runs. */
        printf("no test ran (CK_RUN_SUITE=%s, CK_RUN_CASE=%s)\n", getenv("CK_RUN_SUITE") ? getenv("CK_RUN_SUITE") : "",
               getenv("CK_RUN_CASE") ? getenv("CK_RUN_CASE") : "");
        failed = 1;
    }
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

TCase *cs_test_case(const char *name, const TTest *const *tests)
{
    TCase *tc = tcase_create(name);

    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    return tc;
}

int cs_run_tests(const char *suite, void (*setup)(void), void (*teardown)(void),
                 const TTest *const *tests)
{
    Suite *s = suite_create(suite);
    TCase *tc = cs_test_case(suite, tests);

    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}

char *cs_read_file(const char *path)
{
    return cs_read_whole(path);
}

FILE *cs_scratch_open(const char *name)
{
    FILE *f = fopen(name, "w+b");

    ck_assert_msg(f != NULL, "cannot open the scratch file %s", name);
    return f;
}

void cs_scratch_close(FILE *f, const char *name)
{
    fclose(f);
    remove(name);
}
