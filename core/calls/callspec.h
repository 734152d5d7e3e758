/*
 * The call text of one --call, parsed: pure C, no Windows headers.
 *
 * Grammar (whitespace allowed between tokens):
 *   call   := member [ "(" [ arg { "," arg } ] ")" ] [ "=" arg ]
 *   member := letter-or-underscore { letter | digit | underscore }
 *   arg    := integer | double | string | true | false | null | empty | @name
 *   integer: decimal or 0x hex, optionally negative ("-12", "0x1F")
 *   double : digits with a '.' and/or an exponent ("1.5", "-2e3", ".5")
 *   string : '...' or "..." ; the quote doubled inside escapes it ('it''s')
 *
 * "Value" is a property get (or a method called without arguments),
 * "Add(1)" a method call, "Value=5" and "Item('k')=5" property puts.
 * The keywords true/false/null/empty are case-insensitive.
 */
#ifndef CS_CALLSPEC_H
#define CS_CALLSPEC_H

#include <stddef.h>

typedef enum cs_argkind {
    CS_ARG_INT,     /* i */
    CS_ARG_DOUBLE,  /* d */
    CS_ARG_STRING,  /* s: UTF-8, quotes removed, escapes resolved */
    CS_ARG_BOOL,    /* i: 0 or 1 */
    CS_ARG_NULL,
    CS_ARG_EMPTY,
    CS_ARG_REF      /* s: the name after '@' */
} cs_argkind;

typedef struct cs_arg {
    cs_argkind kind;
    long long i;
    double d;
    char *s;
    int column;     /* 1-based column where the argument starts */
} cs_arg;

typedef enum cs_callkind {
    CS_CALL_GET,    /* bare name: property get or argument-less method */
    CS_CALL_METHOD, /* name(...) */
    CS_CALL_PUT     /* name=value or name(...)=value */
} cs_callkind;

typedef struct cs_callspec {
    char *text;     /* the original text */
    char *member;
    cs_callkind kind;
    cs_arg *args;   /* nargs arguments; for a put the value is the last one */
    size_t nargs;
} cs_callspec;

/*
 * Parses text into a new callspec (*out, free with cs_callspec_free).
 * Returns 0 on success. On bad text returns -1, leaves *out NULL and writes
 * one line to err naming the problem and its 1-based column, e.g.
 * "Add(1,: expected an argument at column 7". Out of memory: -1 with
 * "out of memory".
 */
int cs_callspec_parse(const char *text, cs_callspec **out, char *err, size_t errlen);

void cs_callspec_free(cs_callspec *spec);

/* Number of CS_ARG_REF arguments. */
size_t cs_callspec_refs(const cs_callspec *spec);

#endif
