/*
 * junit.xml for CI systems: one testsuite per run, one testcase per run and
 * metric verdict (a leak is a <failure> carrying the figure and interval,
 * inconclusive is <skipped>), plus a "release" testcase per run when
 * release checks were made and an "run" testcase with an <error> when the
 * run ended on an error. Every string is XML-escaped.
 */
#ifndef CS_REPORT_JUNIT_H
#define CS_REPORT_JUNIT_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

/* "heap_bytes: leak 24.1 bytes/iteration, 95% CI [23.8, 24.5]" */
char *cs_verdict_line(const cs_verdict *v, char *buf, size_t len);

/* Writes the document. Returns 0, or -1 on a write error. */
int cs_junit_write(FILE *f, const cs_run *runs, size_t n);

/* Writes it to path. Returns 0, or -1 with a message naming the file. */
int cs_junit_write_path(const char *path, const cs_run *runs, size_t n,
                        char *err, size_t errlen);

#endif
