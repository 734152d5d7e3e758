/*
 * Helpers of the CLI suites (cli_objects.c): comstress.exe runs as a
 * child process; res holds its exit code and output.
 */
#ifndef CS_CLI_OBJECTS_H
#define CS_CLI_OBJECTS_H

#include "cs_check.h"
#include "options.h"

extern cs_run_result res;

#define ck_assert_out_has(needle) \
    ck_assert_msg(strstr(res.out, needle) != NULL, "output lacks '%s':\n%s", needle, res.out)

#define ck_assert_exit(code) ck_assert_exit_of(res, code)

/* Writes text (bytes as given) to dir\name; returns the path (static). */
const char *write_script(const char *dir, const char *name, const char *text);

/* Lines of the output starting with "comstress: " (its error lines). */
int error_lines(void);

/* Runs `run` for 300 iterations (sampled every 10) with extra args and
 * --out DIR\out in a fresh DIR named after tag (leak verdicts of such a
 * short run are not gated: --fail-on none keeps every release category);
 * returns DIR. */
const char *run_with(const char *tag, const char *extra);

/* run_with, then exit 1 and exactly this classified line. */
void expect_finding(const char *tag, const char *extra, const char *line);

/* The same with a script written to the run's folder first. */
void expect_script_finding(const char *tag, const char *script, const char *extra, const char *line);

/* Whether junit.xml in dir holds a <failure> element; -1: no file. */
int junit_failures(const char *dir);

/* The reference server copied to dir under another name: only --dll
 * reaches it (the registry names the original). Returns its path. */
const char *server_copy(const char *dir);

/* The reference server's object model as a careful client walks it: a
 * chain, names, an each (and one through a Clone of the enumerator),
 * events on the object and on a child, out, optional and array arguments,
 * an array result. 17 statements. */
extern const char clean_model[];

#endif
