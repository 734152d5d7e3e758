/*
 * Memory streams for the fuzz entries: the input bytes as a FILE to read,
 * and a FILE that collects what a report writer writes. glibc has
 * fmemopen and open_memstream; elsewhere (mingw) both fall back to
 * tmpfile(), slower but the same contract.
 */
#ifndef CS_FUZZ_IO_H
#define CS_FUZZ_IO_H

#include <stdio.h>
#include <stddef.h>

/* A stream reading exactly data[0..size) (binary), or NULL. Close it with
 * fclose. data must stay valid until then. */
FILE *cs_fuzz_input(const unsigned char *data, size_t size);

/* An output stream collected in memory. */
typedef struct cs_fuzz_sink {
    FILE *f;
    char *text;      /* what was written, NUL-terminated (cs_fuzz_sink_text) */
    size_t len;
} cs_fuzz_sink;

/* Opens s. Returns 0, or -1 (nothing to close). */
int cs_fuzz_sink_open(cs_fuzz_sink *s);

/* Flushes s and returns everything written so far, NUL-terminated (bytes
 * in s->len), or NULL when out of memory. Valid until the next write or
 * cs_fuzz_sink_close. */
const char *cs_fuzz_sink_text(cs_fuzz_sink *s);

/* Closes s and frees its text. */
void cs_fuzz_sink_close(cs_fuzz_sink *s);

#endif
