/* Phase files read back, and exception names: see phase_text.h. */
#include <stdlib.h>
#include <string.h>
#include "phase_text.h"


const char *cs_exception_name(unsigned long code)
{
    static const struct { unsigned long code; const char *name; } names[] = {
        { 0xc0000005, "access violation" },
        { 0xc00000fd, "stack overflow" },
        { 0xc000001d, "illegal instruction" },
        { 0xc0000096, "privileged instruction" },
        { 0xc0000094, "integer divide by zero" },
        { 0xc0000095, "integer overflow" },
        { 0xc000008c, "array bounds exceeded" },
        { 0xc000008e, "float divide by zero" },
        { 0xc0000090, "float invalid operation" },
        { 0xc0000091, "float overflow" },
        { 0xc0000006, "in-page error" },
        { 0xc0000008, "invalid handle" },
        { 0xc0000025, "noncontinuable exception" },
        { 0xc0000026, "invalid disposition" },
        { 0xc0000374, "heap corruption" },
        { 0xc0000409, "stack buffer overrun (fast fail)" },
        { 0xc0000417, "invalid CRT parameter" },
        { 0xc0000420, "assertion failure" },
        { 0x80000001, "guard page violation" },
        { 0x80000002, "datatype misalignment" },
        { 0x80000003, "breakpoint" },
        { 0xe06d7363, "C++ exception" },
        { 0x0eedfade, "Delphi exception" },
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == code)
            return names[i].name;
    return "unknown exception";
}

/* Copies src (up to the end of its line) into dst of size n. */
static void copy_line(char *dst, size_t n, const char *src, size_t len)
{
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
    while (len && (dst[len - 1] == '\r' || dst[len - 1] == ' '))
        dst[--len] = 0;
}

/* Appends one note to pi->notes, "; "-separated, truncating silently. */
static void add_note(cs_phase_info *pi, const char *src, size_t len)
{
    size_t used = strlen(pi->notes);

    if (used && used + 2 < sizeof(pi->notes)) {
        memcpy(pi->notes + used, "; ", 3);
        used += 2;
    }
    if (used + 1 < sizeof(pi->notes))
        copy_line(pi->notes + used, sizeof(pi->notes) - used, src, len);
}

static int starts(const char *line, size_t len, const char *word)
{
    size_t n = strlen(word);
    return len >= n && !memcmp(line, word, n);
}

void cs_phase_parse(const char *text, cs_phase_info *pi)
{
    const char *line, *nl;

    memset(pi, 0, sizeof(*pi));
    for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
        size_t len;

        nl = strchr(line, '\n');
        len = nl ? (size_t)(nl - line) : strlen(line);
        if (starts(line, len, "phase "))
            copy_line(pi->phase, sizeof(pi->phase), line + 6, len - 6);
        else if (starts(line, len, "summary "))
            copy_line(pi->summary, sizeof(pi->summary), line + 8, len - 8);
        else if (starts(line, len, "note "))
            add_note(pi, line + 5, len - 5);
        else if (starts(line, len, "end ")) {
            pi->ended = 1;
            copy_line(pi->end_status, sizeof(pi->end_status), line + 4, len - 4);
        } else if (starts(line, len, "exception ") && !pi->has_exception) {
            pi->has_exception = 1;
            pi->exception_code = strtoul(line + 10, NULL, 16);
            copy_line(pi->exception, sizeof(pi->exception), line + 10, len - 10);
        }
    }
}
