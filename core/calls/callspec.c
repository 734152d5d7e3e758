/* The call text parser; see callspec.h for the grammar and contracts. */
#include "callspec.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *text;
    size_t pos;
    char *err;
    size_t errlen;
    cs_callspec *spec;
    size_t cap;          /* allocated slots in spec->args */
} parser;

/* Records "TEXT: WHAT at column N" (the first error only) and returns -1. */
static int fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (p->errlen)
        snprintf(p->err, p->errlen, "%s: %s at column %u", p->text, what, (unsigned)pos + 1);
    return -1;
}

static int oom(parser *p)
{
    if (p->errlen)
        snprintf(p->err, p->errlen, "out of memory");
    return -1;
}

static void skip_space(parser *p)
{
    while (p->text[p->pos] && isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static int is_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Length of the identifier at pos (0 when none starts there). */
static size_t ident_len(const parser *p, size_t pos)
{
    size_t n = 0;

    if (!is_ident_start(p->text[pos]))
        return 0;
    while (is_ident_char(p->text[pos + n]))
        n++;
    return n;
}

static char *dup_range(const char *s, size_t n)
{
    char *r = malloc(n + 1);

    if (r) {
        memcpy(r, s, n);
        r[n] = 0;
    }
    return r;
}

/* Appends a cleared argument starting at column pos; NULL when out of memory. */
static cs_arg *new_arg(parser *p, size_t pos)
{
    cs_arg *a;

    if (p->spec->nargs == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        cs_arg *n = realloc(p->spec->args, cap * sizeof(*n));
        if (!n)
            return NULL;
        p->spec->args = n;
        p->cap = cap;
    }
    a = &p->spec->args[p->spec->nargs++];
    memset(a, 0, sizeof(*a));
    a->column = (int)pos + 1;
    return a;
}

/* A quoted string: the quote character doubled inside stands for itself. */
static int parse_string(parser *p, cs_arg *a)
{
    char q = p->text[p->pos];
    size_t start = p->pos, i = p->pos + 1, n = 0;
    char *out;

    out = malloc(strlen(p->text + start) + 1);
    if (!out)
        return oom(p);
    for (;;) {
        if (!p->text[i]) {
            free(out);
            return fail_at(p, start, "unterminated string");
        }
        if (p->text[i] == q) {
            if (p->text[i + 1] != q)
                break;
            i++;
        }
        out[n++] = p->text[i++];
    }
    out[n] = 0;
    a->kind = CS_ARG_STRING;
    a->s = out;
    p->pos = i + 1;
    return 0;
}

/* Integer (decimal or 0x hex) or double. Hex up to 0xFFFFFFFF keeps its
 * 32-bit pattern (0xFFFFFFFF is -1, as in VB's &HFFFFFFFF); wider values
 * must fit a signed 64-bit integer. */
static int parse_number(parser *p, cs_arg *a)
{
    const char *s = p->text + p->pos;
    size_t n = 0;
    int neg = 0, is_double = 0, digits = 0;
    char *end;

    if (s[n] == '-' || s[n] == '+')
        neg = s[n++] == '-';
    if (s[n] == '0' && (s[n + 1] == 'x' || s[n + 1] == 'X')) {
        unsigned long long v;
        n += 2;
        if (!isxdigit((unsigned char)s[n]))
            return fail_at(p, p->pos + n, "expected hex digits");
        errno = 0;
        v = strtoull(s + n, &end, 16);
        if (errno == ERANGE || v > (unsigned long long)LLONG_MAX)
            return fail_at(p, p->pos, "integer out of range");
        if (v <= 0xFFFFFFFFull && v > 0x7FFFFFFFull)
            v = (unsigned long long)(long long)(int)(unsigned)v;
        a->kind = CS_ARG_INT;
        a->i = neg ? -(long long)v : (long long)v;
        p->pos = (size_t)(end - p->text);
        return 0;
    }
    while (isdigit((unsigned char)s[n]) || s[n] == '.' || s[n] == 'e' || s[n] == 'E'
           || ((s[n] == '-' || s[n] == '+') && (s[n - 1] == 'e' || s[n - 1] == 'E'))) {
        if (isdigit((unsigned char)s[n]))
            digits++;
        else
            is_double = 1;
        n++;
    }
    if (!digits)
        return fail_at(p, p->pos, "expected an argument");
    errno = 0;
    if (is_double) {
        a->kind = CS_ARG_DOUBLE;
        a->d = strtod(s, &end);
    } else {
        a->kind = CS_ARG_INT;
        a->i = strtoll(s, &end, 10);
    }
    if (end != s + n)
        return fail_at(p, p->pos, "malformed number");
    if (errno == ERANGE)
        return fail_at(p, p->pos, is_double ? "number out of range" : "integer out of range");
    p->pos += n;
    return 0;
}

/* One keyword (true/false/null/empty, any case) or @ref. */
static int parse_word(parser *p, cs_arg *a)
{
    static const struct { const char *word; cs_argkind kind; int value; } kw[] = {
        { "true", CS_ARG_BOOL, 1 }, { "false", CS_ARG_BOOL, 0 },
        { "null", CS_ARG_NULL, 0 }, { "empty", CS_ARG_EMPTY, 0 },
    };
    size_t n, i;

    if (p->text[p->pos] == '@') {
        if (!(n = ident_len(p, p->pos + 1)))
            return fail_at(p, p->pos + 1, "expected a reference name after '@'");
        if (!(a->s = dup_range(p->text + p->pos + 1, n)))
            return oom(p);
        a->kind = CS_ARG_REF;
        p->pos += n + 1;
        return 0;
    }
    n = ident_len(p, p->pos);
    for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
        if (n == strlen(kw[i].word) && !strncasecmp(p->text + p->pos, kw[i].word, n)) {
            a->kind = kw[i].kind;
            a->i = kw[i].value;
            p->pos += n;
            return 0;
        }
    }
    return fail_at(p, p->pos, "unknown word '%.*s' (strings need quotes)", (int)n, p->text + p->pos);
}

/* One argument at the current position (after skipping blanks). */
static int parse_arg(parser *p)
{
    cs_arg *a;
    char c;

    skip_space(p);
    c = p->text[p->pos];
    if (!c || c == ',' || c == ')' || c == '(' || c == '=')
        return fail_at(p, p->pos, "expected an argument");
    if (!(a = new_arg(p, p->pos)))
        return oom(p);
    if (c == '\'' || c == '"')
        return parse_string(p, a);
    if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.')
        return parse_number(p, a);
    if (c == '@' || is_ident_start(c))
        return parse_word(p, a);
    return fail_at(p, p->pos, "expected an argument");
}

/* "(" [arg {"," arg}] ")", the opening parenthesis already current. */
static int parse_arglist(parser *p)
{
    p->pos++;
    skip_space(p);
    if (p->text[p->pos] == ')') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (parse_arg(p))
            return -1;
        skip_space(p);
        if (p->text[p->pos] == ')') {
            p->pos++;
            return 0;
        }
        if (p->text[p->pos] != ',')
            return fail_at(p, p->pos, p->text[p->pos] ? "expected ',' or ')'" : "missing ')'");
        p->pos++;
    }
}

static int parse_call(parser *p)
{
    size_t n;

    skip_space(p);
    if (!(n = ident_len(p, p->pos)))
        return fail_at(p, p->pos, "expected a member name");
    if (!(p->spec->member = dup_range(p->text + p->pos, n)))
        return oom(p);
    p->pos += n;
    p->spec->kind = CS_CALL_GET;
    skip_space(p);
    if (p->text[p->pos] == '(') {
        p->spec->kind = CS_CALL_METHOD;
        if (parse_arglist(p))
            return -1;
        skip_space(p);
    }
    if (p->text[p->pos] == '=') {
        p->spec->kind = CS_CALL_PUT;
        p->pos++;
        if (parse_arg(p))
            return -1;
        skip_space(p);
    }
    if (p->text[p->pos])
        return fail_at(p, p->pos, "unexpected '%c'", p->text[p->pos]);
    return 0;
}

int cs_callspec_parse(const char *text, cs_callspec **out, char *err, size_t errlen)
{
    parser p = { text ? text : "", 0, err, errlen, NULL, 0 };

    *out = NULL;
    if (errlen)
        err[0] = 0;
    if (!(p.spec = calloc(1, sizeof(*p.spec))) || !(p.spec->text = dup_range(p.text, strlen(p.text)))) {
        free(p.spec);
        return oom(&p);
    }
    if (parse_call(&p)) {
        cs_callspec_free(p.spec);
        return -1;
    }
    *out = p.spec;
    return 0;
}

void cs_callspec_free(cs_callspec *spec)
{
    size_t i;

    if (!spec)
        return;
    for (i = 0; i < spec->nargs; i++)
        free(spec->args[i].s);
    free(spec->args);
    free(spec->member);
    free(spec->text);
    free(spec);
}

size_t cs_callspec_refs(const cs_callspec *spec)
{
    size_t i, n = 0;

    for (i = 0; i < spec->nargs; i++)
        n += spec->args[i].kind == CS_ARG_REF;
    return n;
}
