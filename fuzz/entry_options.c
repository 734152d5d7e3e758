/* Fuzz entry of the option parser; see fuzz_entries.h. */
#include "fuzz_entries.h"
#include <stdlib.h>
#include <string.h>
#include "options.h"

#define MAX_WORDS 64

/* argv words cut from the input, each in its own exact-size allocation
 * (a read past a word's end is seen by AddressSanitizer). */
typedef struct words {
    char *argv[MAX_WORDS + 2];
    int argc;
} words;

/* Appends bytes[0..n) as the next word. Returns 0, or -1 out of memory. */
static int add_word(words *w, const void *bytes, size_t n)
{
    if (!(w->argv[w->argc] = malloc(n + 1)))
        return -1;
    memcpy(w->argv[w->argc], bytes, n);
    w->argv[w->argc++][n] = 0;
    return 0;
}

/* Splits data at LF and NUL after argv[0] = "comstress". At most
 * MAX_WORDS words; the rest is ignored. Returns 0, or -1 out of memory. */
static int split_words(const unsigned char *data, size_t size, words *w)
{
    size_t start = 0, i;

    memset(w, 0, sizeof(*w));
    if (add_word(w, "comstress", 9))
        return -1;
    for (i = 0; i <= size && w->argc <= MAX_WORDS; i++) {
        if (i < size && data[i] != '\n' && data[i] != 0)
            continue;
        if (add_word(w, data + start, i - start))
            return -1;
        start = i + 1;
    }
    return 0;
}

static void free_words(words *w)
{
    int i;

    for (i = 0; i < w->argc; i++)
        free(w->argv[i]);
}

/* Is p inside one of the words (a string the parser took from argv)? */
static int in_words(const words *w, const char *p)
{
    int i;

    for (i = 0; i < w->argc; i++)
        if (p >= w->argv[i] && p <= w->argv[i] + strlen(w->argv[i]))
            return 1;
    return 0;
}

/* The result contract shared by both parsers. */
static const char *check_result(int rc, const char *err)
{
    if (rc != CS_EXIT_OK && rc != CS_EXIT_USAGE)
        return "options: a result other than OK or USAGE";
    if (!memchr(err, 0, CS_ERR_LEN))
        return "options: error message not terminated";
    if (rc == CS_EXIT_USAGE && !err[0])
        return "options: USAGE without a message";
    if (rc == CS_EXIT_USAGE && strchr(err, '\n'))
        return "options: the message is more than one line";
    return NULL;
}

const char *cs_fuzz_options(const unsigned char *data, size_t size)
{
    char *err = malloc(CS_ERR_LEN);
    const char *problem = NULL;
    cs_life_options life;
    cs_options o;
    size_t i;
    words w;
    int rc;

    w.argc = 0;
    if (!err || split_words(data, size, &w)) {
        free(err);
        free_words(&w);
        return NULL;
    }
    rc = cs_options_parse(w.argc, w.argv, &o, err, CS_ERR_LEN);
    problem = check_result(rc, err);
    if (!problem && rc == CS_EXIT_OK) {
        if (o.ncalls > CS_MAX_CALLS)
            problem = "options: more --call texts than CS_MAX_CALLS";
        for (i = 0; !problem && i < o.ncalls; i++)
            if (!o.calls[i] || !in_words(&w, o.calls[i]))
                problem = "options: a --call text that is not an argv word";
    }
    if (!problem && w.argc > 1) {
        /* the first word as the child's scenario name */
        rc = cs_life_parse(w.argc - 1, w.argv + 1, &life, err, CS_ERR_LEN);
        problem = check_result(rc, err);
    }
    free_words(&w);
    free(err);
    return problem;
}
