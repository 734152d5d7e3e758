/* Memory streams for the fuzz entries; see fuzz_io.h. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE     /* fmemopen, open_memstream */
#endif
#include "fuzz_io.h"
#include <stdlib.h>
#include <string.h>

#if defined(__GLIBC__)
#define HAVE_MEMSTREAM 1
#else
#define HAVE_MEMSTREAM 0
#endif

/* The fallback: the bytes written to an anonymous temporary file. */
static FILE *input_tmpfile(const unsigned char *data, size_t size)
{
    FILE *f = tmpfile();

    if (!f)
        return NULL;
    if ((size && fwrite(data, 1, size, f) != size) || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    return f;
}

FILE *cs_fuzz_input(const unsigned char *data, size_t size)
{
#if HAVE_MEMSTREAM
    /* fmemopen refuses an empty buffer on older C libraries */
    FILE *f = size ? fmemopen((void *)data, size, "rb") : NULL;

    if (f)
        return f;
#endif
    return input_tmpfile(data, size);
}

int cs_fuzz_sink_open(cs_fuzz_sink *s)
{
    memset(s, 0, sizeof(*s));
#if HAVE_MEMSTREAM
    s->f = open_memstream(&s->text, &s->len);
#else
    s->f = tmpfile();
#endif
    return s->f ? 0 : -1;
}

const char *cs_fuzz_sink_text(cs_fuzz_sink *s)
{
#if HAVE_MEMSTREAM
    /* open_memstream keeps text NUL-terminated at len after a flush */
    return fflush(s->f) ? NULL : s->text;
#else
    long n;

    if (fflush(s->f) || (n = ftell(s->f)) < 0 || fseek(s->f, 0, SEEK_SET))
        return NULL;
    free(s->text);
    s->len = 0;
    if (!(s->text = malloc((size_t)n + 1)))
        return NULL;
    s->len = fread(s->text, 1, (size_t)n, s->f);
    s->text[s->len] = 0;
    fseek(s->f, 0, SEEK_END);
    return s->text;
#endif
}

void cs_fuzz_sink_close(cs_fuzz_sink *s)
{
    if (s->f)
        fclose(s->f);
    free(s->text);
    memset(s, 0, sizeof(*s));
}
