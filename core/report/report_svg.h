/*
 * memory.svg: heap bytes and working set against iterations, one line per
 * run (one per cache policy in `compare`), the warm-up shaded, the fitted
 * Theil-Sen line drawn per run, readable axes and a legend. Self-contained
 * SVG; every string is XML-escaped.
 */
#ifndef CS_REPORT_SVG_H
#define CS_REPORT_SVG_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

/* A run and its samples, as charted. */
typedef struct cs_chart_run {
    const cs_run *run;
    const cs_sample *samples;
    size_t n;
} cs_chart_run;

/* Writes the <svg> element (no XML prolog, so it also inlines in HTML).
 * Returns 0, or -1 on a write error. */
int cs_svg_write(FILE *f, const cs_chart_run *runs, size_t n);

/* Writes a standalone SVG file. Returns 0, or -1 with a one-line message
 * naming the file in err. */
int cs_svg_write_path(const char *path, const cs_chart_run *runs, size_t n,
                      char *err, size_t errlen);

#endif
