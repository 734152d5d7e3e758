/* Portable helpers of the unit suites: see cs_unit.h. */
#include <stdio.h>
#include <stdlib.h>
#include "cs_unit.h"
#include "utf8.h"

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

int cs_run_tests(const char *suite, void (*setup)(void), void (*teardown)(void),
                 const TTest *const *tests)
{
    Suite *s = suite_create(suite);
    TCase *tc = tcase_create(suite);

    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}

char *cs_read_file(const char *path)
{
    return cs_read_whole(path);
}
