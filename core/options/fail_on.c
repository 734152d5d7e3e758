/*
 * --fail-on: the categories of findings that fail a run, parsed from a
 * comma-separated list and written back (options.h).
 */
#include "options.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int usage(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int usage(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CS_EXIT_USAGE;
}

static const struct { const char *word; unsigned mask; } fail_words[] = {
    { "leak", CS_FAIL_LEAK }, { "leak-any", CS_FAIL_LEAK | CS_FAIL_LEAK_ANY }, { "refs", CS_FAIL_REFS },
    { "objects", CS_FAIL_OBJECTS }, { "blocks", CS_FAIL_BLOCKS }, { "unload", CS_FAIL_UNLOAD },
    { "regression", CS_FAIL_REGRESSION },
    { "all", CS_FAIL_ALL }, { "none", 0 },
};

#define NFAIL_WORDS (sizeof(fail_words) / sizeof(fail_words[0]))
#define FAIL_WORD_LIST "leak, leak-any, refs, objects, blocks, unload, regression, all or none"

int cs_fail_on_parse(const char *text, unsigned *mask, char *err, size_t errlen)
{
    const char *p = text, *end;
    size_t n, i;
    int none = 0, words = 0;

    *mask = 0;
    for (;;) {
        end = strchr(p, ',');
        n = end ? (size_t)(end - p) : strlen(p);
        for (i = 0; i < NFAIL_WORDS; i++)
            if (strlen(fail_words[i].word) == n && !strncmp(p, fail_words[i].word, n))
                break;
        if (i == NFAIL_WORDS && !n)
            return usage(err, errlen, "--fail-on: '%s' has an empty category (a comma-separated list of "
                         FAIL_WORD_LIST ")", text);
        if (i == NFAIL_WORDS)
            return usage(err, errlen, "--fail-on: '%.*s' is not " FAIL_WORD_LIST, (int)(n > 40 ? 40 : n), p);
        none |= !fail_words[i].mask;
        *mask |= fail_words[i].mask;
        words++;
        if (!end)
            break;
        p = end + 1;
    }
    if (none && words > 1)
        return usage(err, errlen, "--fail-on: none cannot be combined with other categories ('%s')", text);
    /* The first version's words (leak, leak-any, none) kept every release
     * category; a list naming no release category still does, and one
     * naming neither those nor regression keeps regression too. */
    if (!(*mask & (CS_FAIL_RELEASE | CS_FAIL_REGRESSION)))
        *mask |= CS_FAIL_REGRESSION;
    if (!(*mask & CS_FAIL_RELEASE))
        *mask |= CS_FAIL_RELEASE;
    return CS_EXIT_OK;
}

char *cs_fail_on_words(unsigned mask, char *buf, size_t len)
{
    static const unsigned order[] = { CS_FAIL_LEAK, CS_FAIL_LEAK_ANY, CS_FAIL_REFS, CS_FAIL_OBJECTS,
                                      CS_FAIL_BLOCKS, CS_FAIL_UNLOAD, CS_FAIL_REGRESSION };
    static const char *const names[] = { "leak", "leak-any", "refs", "objects", "blocks", "unload",
                                         "regression" };
    size_t i, used = 0;

    buf[0] = 0;
    if (!(mask & CS_FAIL_RELEASE))
        return NULL;
    if (mask == (CS_FAIL_RELEASE | CS_FAIL_REGRESSION)) {
        snprintf(buf, len, "none");
        return buf;
    }
    for (i = 0; i < sizeof(order) / sizeof(order[0]) && used < len; i++) {
        if (!(mask & order[i]) || (order[i] == CS_FAIL_LEAK && (mask & CS_FAIL_LEAK_ANY)))
            continue;
        used += snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i]);
    }
    return buf;
}

