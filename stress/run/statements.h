/*
 * The statements of an iteration, parsed before anything is opened: the
 * lines of --script, then every --call; when none are given, the
 * defaults the target allows; and what names each statement in the
 * findings (its text, "line 3: " first for a script line) and each
 * malloc-spy site.
 */
#ifndef CS_STATEMENTS_H
#define CS_STATEMENTS_H

#include <stddef.h>
#include "plan.h"
#include "callspec.h"
#include "mallocspy.h"
#include "target.h"

typedef struct cs_statements {
    cs_script *script;                  /* --script lines, then --call texts */
    char calls[2048];                   /* the statements joined ("Add(1); Echo('x')") */
    char **labels;                      /* per statement: what names it */
    const char *spy_labels[CS_SPY_SITES]; /* per spy site 1..: what it names */
    size_t nspy;
    char shared[64];                    /* the label of the last spy site when
                                         * statements past it share it */
} cs_statements;

/* Parses p's --script file and --call texts into st->script. Returns
 * CS_EXIT_OK, or CS_EXIT_USAGE (CS_EXIT_INTERNAL: out of memory) after
 * one line on stderr naming the file, line and column, or the --call. */
int cs_statements_parse(cs_statements *st, const cs_plan *p);

/* Once the target t is open: the default statements when none were given
 * (the reference server's Add(1), Echo('x'); Consume(@obj) for
 * pass-instance; any other target needs --call: CS_EXIT_USAGE), then the
 * labels. Returns CS_EXIT_OK or the exit code after one line. */
int cs_statements_complete(cs_statements *st, const cs_plan *p, const cs_target *t);

/* Frees what st holds (st zeroed). */
void cs_statements_free(cs_statements *st);

#endif
