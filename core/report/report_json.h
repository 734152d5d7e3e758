/*
 * run.json, schema version 1 (google/benchmark style): a context block and
 * one entry per run with its figures, verdicts and release checks. Keys are
 * written in a fixed order; NaN and infinities are null.
 */
#ifndef CS_REPORT_JSON_H
#define CS_REPORT_JSON_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

#define CS_JSON_SCHEMA_VERSION 1

/* Writes the whole document to f. Returns 0, or -1 on a write error. */
int cs_json_write(FILE *f, const cs_context *ctx, const cs_run *runs, size_t n);

/* Writes the document to path. Returns 0, or -1 with a one-line message
 * naming the file in err. */
int cs_json_write_path(const char *path, const cs_context *ctx, const cs_run *runs, size_t n,
                       char *err, size_t errlen);

#endif
