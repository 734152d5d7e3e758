/*
 * samples.csv: the sample stream of every run, one row per sample, written
 * as samples are taken and flushed row by row so a crash or a hang loses
 * nothing already sampled; and the reader that turns the file back into
 * per-run sample arrays for the reports (`comstress report DIR`).
 *
 * Columns: run,iteration,elapsed_s, then cs_metric_name() of every metric
 * in model order. A metric not measured is an empty field.
 */
#ifndef CS_REPORT_CSV_H
#define CS_REPORT_CSV_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

typedef struct cs_csv_writer cs_csv_writer;

/* Creates (truncates) path and writes the header row. NULL when the file
 * cannot be created or written. */
cs_csv_writer *cs_csv_open(const char *path);

/* Writes one sample of run `run` and flushes it. Returns 0, or -1 on a
 * write error (the writer stays usable; later rows are still attempted). */
int cs_csv_write(cs_csv_writer *w, const char *run, const cs_sample *s);

/* Rows written so far (header excluded). */
size_t cs_csv_rows(const cs_csv_writer *w);

/* Closes the file; NULL is accepted. Returns 0, or -1 when a write or the
 * close failed at any point. */
int cs_csv_close(cs_csv_writer *w);

/*
 * Thins the rows of run in the file to half, evenly: its first row (the
 * baseline) and every second one after it are kept, and, with
 * keep_walked, so is every row with a heap figure (when the heap walks
 * are few, each one counts for the heap's verdict); other runs' rows are
 * kept whole. The file is written
 * anew under a temporary name that then replaces it, so a crash leaves
 * the old file or the new one, never half of one; the writer appends to
 * it afterwards. This is how a soak run keeps a fixed budget of rows
 * whatever its length. Returns the rows of run left, or -1 when the file
 * could not be thinned (it is then as it was).
 */
long cs_csv_thin(cs_csv_writer *w, const char *run, int keep_walked);

/* The samples of one run, in file order. */
typedef struct cs_csv_run {
    char *name;
    cs_sample *samples;
    size_t n, cap;
} cs_csv_run;

/* Everything read back from one samples.csv. */
typedef struct cs_csv_data {
    cs_csv_run *runs;      /* in order of first appearance */
    size_t nruns, cap;
    size_t skipped;        /* malformed or partial rows left out */
    size_t first_skipped_line;   /* 1-based line of the first of them, 0: none */
    char first_skipped_why[160]; /* why it was left out, one line:
                                  * "heap_bytes '1e999' is outside the range of a double" */
    size_t *index;         /* runs by name hash: slot = run index + 1, 0 free */
    size_t index_cap;      /* slots, a power of two (0: no index) */
} cs_csv_data;

/* Longest line the reader takes (a real row is well under 2 KB). A longer
 * line is skipped, never held in memory. */
#define CS_CSV_MAX_LINE (1 << 20)

/* Reads path into d (which the caller frees with cs_csv_free, also after
 * a failure). Columns are matched by header name: unknown columns are
 * ignored, missing metrics read as NaN. Rows that do not parse, and a
 * last line without its newline (a crash mid-write), are skipped and
 * counted, the first one with its line and the reason. A row does not
 * parse when a field is not a number, is a number outside the range of
 * a double (1e999) or not finite ("inf", "nan": the writer leaves a
 * metric not measured empty), an iteration is negative or not a whole
 * number, the field count differs from the header's, a line holds a NUL
 * byte or is longer than CS_CSV_MAX_LINE; a line past CS_CSV_MAX_LINE
 * that holds a NUL byte stops the reading there (no text, maybe no end:
 * a device), skipped and counted, or, as the header, refuses the file.
 * A number below the smallest
 * normal double (1e-320) is read as the nearest double. Time and memory
 * are linear in the file's size, whatever the number of runs. Returns 0,
 * or -1 with a one-line message in err naming the file (cannot open, no
 * header, out of memory). */
int cs_csv_read(const char *path, cs_csv_data *d, char *err, size_t errlen);

/* The same from an open stream (read to its end). */
int cs_csv_read_stream(FILE *f, const char *name, cs_csv_data *d, char *err, size_t errlen);

/* The run called name, or NULL. Constant time on data read by the
 * reader (a hash index), a scan on data built by hand. */
const cs_csv_run *cs_csv_find(const cs_csv_data *d, const char *name);

void cs_csv_free(cs_csv_data *d);

#endif
