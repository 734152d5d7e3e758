/*
 * Small helpers shared by the report writers: escaping for JSON, XML and
 * HTML, and human-readable numbers. Pure C.
 */
#ifndef CS_REPORT_UTIL_H
#define CS_REPORT_UTIL_H

#include <stdio.h>
#include <stddef.h>

/* Writes s as a JSON string literal, quotes included: quote, backslash
 * and control characters escaped, UTF-8 passed through, each byte of
 * invalid UTF-8 as \ufffd (the file stays valid JSON whatever s holds).
 * NULL is written as null. */
void cs_put_json_string(FILE *f, const char *s);

/* Writes a number as JSON: NaN and infinities as null. Integral values
 * up to 2^53 are written without a fraction. */
void cs_put_json_number(FILE *f, double v);

/* Writes s escaped for XML and HTML text and attribute values (& < > " '
 * as entities; control characters other than tab, LF and CR, which XML
 * 1.0 forbids, and bytes of invalid UTF-8 as U+FFFD). NULL writes nothing. */
void cs_put_xml(FILE *f, const char *s);

/* "512 B", "12.3 KB", "4.00 MB", "1.50 GB" (binary units) up to TB; from
 * 1024 TB on "1.13e+15 B" (no heap is that large: a corrupt figure, shown
 * short); "n/a" for NaN or infinity. Returns buf. */
char *cs_format_bytes(double v, char *buf, size_t len);

/* A whole count for axes and tables: "%.0f" below 1e15, "%.3g" from
 * there (a 300-digit figure helps nobody); "n/a" for NaN or infinity.
 * Returns buf. */
char *cs_format_count(double v, char *buf, size_t len);

/* A report is written under PATH + this suffix and renamed to PATH only
 * when complete: a reader never sees half a report, and a failed write
 * never leaves an older report looking current. */
#define CS_REPORT_PART ".part"

/* Opens a report file for path (UTF-8), under its temporary name; NULL
 * with "cannot write PATH: reason" in err when it cannot be created. */
FILE *cs_report_open(const char *path, char *err, size_t errlen);

/* Closes a report file opened by cs_report_open and renames it to path.
 * write_rc is the writer's result. Returns 0, or -1 with "cannot write
 * PATH: ..." in err when the writer, the close or the rename failed (the
 * temporary file is then removed). */
int cs_report_close(FILE *f, int write_rc, const char *path, char *err, size_t errlen);

/* A figure for tables: "%.2f", "%.3g" from 1e15 on (see
 * cs_format_count), or "n/a" for NaN or infinity. A value that rounds to
 * zero is "0.00", whatever its sign (an interval reads [0.00, 0.01], not
 * [-0.00, 0.01]). Returns buf. */
char *cs_format_figure(double v, char *buf, size_t len);

#endif
