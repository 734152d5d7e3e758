/*
 * report.html: one self-contained page (no external resources, readable
 * offline): a summary table per run with its verdicts, the release
 * findings, memory.svg inline, and the exact command line and context.
 * Every string from the target, the calls or the command line is
 * HTML-escaped.
 */
#ifndef CS_REPORT_HTML_H
#define CS_REPORT_HTML_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"
#include "report_svg.h"

/* Writes the page. Returns 0, or -1 on a write error. */
int cs_html_write(FILE *f, const cs_context *ctx, const cs_chart_run *runs, size_t n);

/* Writes it to path. Returns 0, or -1 with a message naming the file. */
int cs_html_write_path(const char *path, const cs_context *ctx, const cs_chart_run *runs,
                       size_t n, char *err, size_t errlen);

#endif
