/*
 * `comstress suite` and `comstress child`.
 *
 * The suite runs every lifecycle scenario (lifecycle.h) and the clean
 * create/call/release runs, each in its own child process under the
 * watchdog (isolate.h), compares each end with what the scenario is meant
 * to show (tls-unload leaky must be a leak, unload-deadlock must be the
 * deadlock, ...), prints a table and keeps OUT/suite.json and
 * OUT/junit.xml current after every child, so a later crash loses nothing.
 *
 *   comstress suite [--timeout SECONDS] [--out DIR] [--only NAME] [--exe PATH]
 *   comstress child SCENARIO [options]          (see lifecycle.h)
 *
 * Both take main()'s argv unchanged: argv[0] the program, argv[1] the
 * command word ("suite" or "child").
 */
#ifndef CS_SUITE_H
#define CS_SUITE_H

/* Returns 0 when every scenario ended as expected, 1 when one did not,
 * 2 for a usage error, 5 when DIR cannot be written. */
int cs_suite_main(int argc, char **argv);

/* Runs one scenario in this process; returns its exit code (lifecycle.h). */
int cs_child_main(int argc, char **argv);

#endif
