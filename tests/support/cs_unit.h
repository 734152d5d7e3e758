/*
 * Portable helpers for the unit suites (tests/unit), which build and run
 * both natively on the host and under Wine: no Windows header here. The
 * Windows suites include cs_check.h, which includes this file.
 */
#ifndef CS_UNIT_H
#define CS_UNIT_H

#include <check.h>
#include <stdio.h>

/* Runs the suite in CK_NOFORK mode and returns the process exit code;
 * a run in which no test ran (CK_RUN_CASE naming no case) fails. */
int cs_run_suite(Suite *s);

/* check's ck_assert_int_eq formats with %jd, which mingw's printf format
 * checking rejects (a -Wformat warning per use): compare as long instead. */
#define ck_int_eq(x, y) ck_assert_msg((long)(x) == (long)(y), "%s is %ld, expected %ld", \
                                      #x, (long)(x), (long)(y))

/* A test defined with START_TEST(name), for a table of tests. */
#define CS_TEST(name) (name)

/* A test case called name holding every test of tests (NULL-terminated),
 * for a suite of several cases. */
TCase *cs_test_case(const char *name, const TTest *const *tests);

/* Runs a suite of one test case: every test of tests (NULL-terminated),
 * each between setup and teardown (either may be NULL: a checked fixture,
 * run around each test). Returns the process exit code. */
int cs_run_tests(const char *suite, void (*setup)(void), void (*teardown)(void),
                 const TTest *const *tests);

/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *cs_read_file(const char *path);

/* A scratch stream, open to write and read back, in the file name of the
 * suite's folder (each suite names its own). Not tmpfile(): Wine's names
 * its file after the clock and opens it after deleting it, and two suites
 * at once once collided (tmpfile returned NULL). cs_scratch_close closes
 * and removes it. */
FILE *cs_scratch_open(const char *name);
void cs_scratch_close(FILE *f, const char *name);

#endif
