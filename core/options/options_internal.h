/*
 * Shared by the option parser's files (options.c reads the words,
 * checks.c checks the whole); not part of the interface.
 */
#ifndef CS_OPTIONS_INTERNAL_H
#define CS_OPTIONS_INTERNAL_H

#include <stddef.h>
#include "options.h"

#define LIFE_SCENARIO_LIST "tls-unload, unload-deadlock, unload-race, crash, hang, pascal-tls"
#define LIST_WORDS "faults, policies, classes, members"

/* Writes the message into err (size errlen); returns CS_EXIT_USAGE. */
int cs_opt_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * What must hold once every word of o's command line is read (a report
 * without DIR, --duration with --iterations, a --warmup not below the
 * iterations, a variant the scenario lacks ...), and the defaults that
 * depend on the command (the target, --fail-on, a soak run's iterations)
 * settled. Returns CS_EXIT_OK or CS_EXIT_USAGE with err set.
 */
int cs_options_check(cs_options *o, char *err, size_t errlen);

#endif
