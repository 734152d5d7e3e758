/* Helpers shared by the tracer's suite (test_trace*.c). */
#ifndef TEST_TRACE_H
#define TEST_TRACE_H

#include "cs_check.h"
#include "trace.h"

/* The test cases, one file each. */
TCase *trace_engine_tcase(void);
TCase *trace_server_tcase(void);

/* An environment path (COMSTRESS_SERVER_DLL...) as UTF-16, static buffer
 * per slot (0 or 1). */
const WCHAR *trace_env_path(const char *name, int slot);

/* Starts tracing the module at path; fails the test otherwise. */
void trace_start_module(const WCHAR *path);

/* Collects over [first, last] (first > last: no range given), symbols on. */
cs_trace_report *trace_collect(int64_t first, int64_t last);

/* Number of sites of class cls; *first gets the first one (may be NULL). */
size_t trace_count_class(const cs_trace_report *r, cs_trace_class cls,
                         const cs_trace_site **first);

/* The 1-based number of the first line of the source file rel (from the
 * source tree's root) that contains text, at or after the first line that
 * contains after (NULL: from the top). Fails the test when not found. */
unsigned trace_source_line(const char *rel, const char *after, const char *text);

/* The file part of a frame's source path. */
const char *trace_file_name(const cs_trace_frame *f);

#endif
