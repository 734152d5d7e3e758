/*
 * The fixture of suite "regress" (test_regress.c), shared with its edge
 * cases (test_regress_edges.c): a run and its baseline, zeroed before each
 * test, the changes found between them and their count.
 */
#ifndef CS_TEST_REGRESS_H
#define CS_TEST_REGRESS_H

#include <stddef.h>
#include "cs_unit.h"
#include "regress.h"

extern cs_run base, now;
extern cs_change ch[24];
extern size_t n;

/* Adds a verdict on metric m to r. */
void verdict(cs_run *r, cs_metric m, cs_verdict_kind k, double slope, double lo, double hi);

/* The edge cases' test case, with the suite's setup. */
TCase *regress_edges_tcase(void (*setup)(void));

#endif
