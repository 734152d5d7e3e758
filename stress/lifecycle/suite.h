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
 * Both command lines are parsed by cs_options_parse (options.h); `child`
 * runs cs_life_run (lifecycle.h) on the parsed cs_life_options.
 */
#ifndef CS_SUITE_H
#define CS_SUITE_H

#include "options.h"

/* Runs the suite as opt says (parsed by cs_options_parse). Returns 0 when
 * every scenario ended as expected, 1 when one did not, 2 when --only
 * names no scenario, 5 when the output directory cannot be written. */
int cs_suite_main(const cs_suite_options *opt);

#endif
