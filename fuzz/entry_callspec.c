/* Fuzz entry of the call-text parser; see fuzz_entries.h. Thin on
 * purpose: it relies only on cs_callspec_parse's contract (a spec on
 * success, NULL and one line in err on failure), not on the parser's
 * insides, so it survives a rewrite of the parser. */
#include "fuzz_entries.h"
#include <stdlib.h>
#include <string.h>
#include "callspec.h"
#include "options.h"

#define SMALL_ERR 8

/* Parses text with an error buffer of exactly errlen bytes (on the heap,
 * so a write past it is seen by AddressSanitizer). Sets *rc. Returns NULL
 * or the broken property. */
static const char *parse_once(const char *text, size_t errlen, int *rc)
{
    char *err = malloc(errlen);
    cs_callspec *spec = (cs_callspec *)&spec;   /* must be overwritten */
    const char *problem = NULL;

    if (!err)
        return NULL;
    memset(err, 0x55, errlen);
    *rc = cs_callspec_parse(text, &spec, err, errlen);
    if (*rc == 0) {
        if (!spec)
            problem = "callspec: success without a spec";
        else
            (void)cs_callspec_refs(spec);
        cs_callspec_free(spec);
    } else if (*rc != -1) {
        problem = "callspec: a result other than 0 or -1";
    } else if (spec) {
        problem = "callspec: failure left *out set";
    } else if (!memchr(err, 0, errlen)) {
        problem = "callspec: error message not terminated within errlen";
    } else if (!err[0] && errlen > 1) {
        problem = "callspec: failure without a message";
    }
    free(err);
    return problem;
}

const char *cs_fuzz_callspec(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    const char *problem;
    int full, small;

    if (!text)
        return NULL;
    memcpy(text, data, size);
    text[size] = 0;
    problem = parse_once(text, CS_ERR_LEN, &full);
    if (!problem)
        problem = parse_once(text, SMALL_ERR, &small);
    if (!problem && full != small)
        problem = "callspec: the result depends on the error buffer's size";
    free(text);
    return problem;
}
