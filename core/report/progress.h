/*
 * The progress line of a long run: what a person watching a terminal or a
 * CI log needs to know (how far, how fast, how big the heap is now, how
 * long it has run and has left). Pure: the run loop hands the figures.
 */
#ifndef CS_PROGRESS_H
#define CS_PROGRESS_H

#include <stddef.h>

typedef struct cs_progress {
    const char *name;         /* the run's ("compare/none"), NULL: none */
    long long done;           /* iterations done */
    long long total;          /* iterations planned; 0 for a --duration run */
    double elapsed_s;
    double duration_s;        /* --duration; 0 for an iteration count */
    double calls_per_second;  /* NaN: not known yet */
    double heap_bytes;        /* the last heap figure; NaN: none yet */
} cs_progress;

/*
 * One line, without a line end: "progress: run/type, 120000/1000000 iterations
 * (12%), 95000 calls/s, heap 1.20 MB, 0:12 elapsed, 1:28 left" (the name
 * left out when there is none), or for a --duration run "progress:
 * run/type, 120000 iterations, 95000 calls/s, heap 1.20
 * MB, 0:12 of 10:00 (2%), 9:48 left". Parts not known yet are left out;
 * time left is estimated from the pace so far (unknown before the first
 * iteration). Returns buf.
 */
char *cs_progress_line(const cs_progress *p, char *buf, size_t len);

/* Whether a progress line is due at now_s, the last one written at
 * last_s (negative: none yet): on a terminal (a line redrawn in place)
 * at most four times a second, else every period_s seconds. */
int cs_progress_due(double now_s, double last_s, int terminal, double period_s);

#endif
