/*
 * Portable helpers for the unit suites (tests/unit), which build and run
 * both natively on the host and under Wine: no Windows header here. The
 * Windows suites include cs_check.h, which includes this file.
 */
#ifndef CS_UNIT_H
#define CS_UNIT_H

#include <check.h>

/* Runs the suite in CK_NOFORK mode and returns the process exit code. */
int cs_run_suite(Suite *s);

/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *cs_read_file(const char *path);

#endif
