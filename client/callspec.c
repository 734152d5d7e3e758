/* The call language: values, arguments and calls; see callspec.h for the
 * grammar and contracts. Statements and scripts are in callscript.c. */
#include "callspec_internal.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_fail_at(cs_parser *p, size_t pos, const char *fmt, ...)
{
    char what[160], prefix[24] = "";
    size_t len = strlen(p->text);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!p->errlen)
        return -1;
    if (p->line)
        snprintf(prefix, sizeof(prefix), "line %d: ", p->line);
    if (len > CS_ERR_TEXT_MAX)
        snprintf(p->err, p->errlen, "%s%.*s...: %s at column %u", prefix, CS_ERR_TEXT_MAX - 3, p->text, what,
                 (unsigned)pos + 1);
    else
        snprintf(p->err, p->errlen, "%s%s: %s at column %u", prefix, p->text, what, (unsigned)pos + 1);
    return -1;
}

int cs_oom(cs_parser *p)
{
    if (p->errlen)
        snprintf(p->err, p->errlen, "out of memory");
    return -1;
}

void cs_skip_space(cs_parser *p)
{
    while (p->text[p->pos] && isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

int cs_at_end(const cs_parser *p, size_t pos)
{
    return !p->text[pos] || (!p->single && p->text[pos] == '#');
}

static int is_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

size_t cs_ident_len(const cs_parser *p, size_t pos)
{
    size_t n = 0;

    if (!is_ident_start(p->text[pos]))
        return 0;
    while (isalnum((unsigned char)p->text[pos + n]) || p->text[pos + n] == '_')
        n++;
    return n;
}

int cs_word_is(const cs_parser *p, size_t pos, size_t n, const char *word)
{
    size_t i;

    if (n != strlen(word))
        return 0;
    for (i = 0; i < n; i++)
        if (tolower((unsigned char)p->text[pos + i]) != word[i])
            return 0;
    return 1;
}

char *cs_dup_range(const char *s, size_t n)
{
    char *r = malloc(n + 1);

    if (r) {
        memcpy(r, s, n);
        r[n] = 0;
    }
    return r;
}

/* An identifier at the current position, at most CS_MAX_NAME long;
 * returns its length, 0 after recording what (for "expected WHAT"). */
static size_t name_at(cs_parser *p, const char *what)
{
    size_t n = cs_ident_len(p, p->pos);

    if (!n)
        cs_fail_at(p, p->pos, "expected %s", what);
    else if (n > CS_MAX_NAME) {
        cs_fail_at(p, p->pos, "name too long (at most %d characters)", CS_MAX_NAME);
        n = 0;
    }
    return n;
}

int cs_parse_ref(cs_parser *p, char **name)
{
    size_t start = p->pos, n;

    p->pos++;
    if (!(n = name_at(p, "a reference name after '@'")))
        return -1;
    if (!(*name = cs_dup_range(p->text + p->pos, n)))
        return cs_oom(p);
    p->pos += n;
    return cs_note_name(p, start, *name);
}

/* A quoted string: the quote character doubled inside stands for itself. */
static int parse_string(cs_parser *p, cs_arg *a)
{
    char q = p->text[p->pos];
    size_t start = p->pos, i = p->pos + 1, n = 0;
    char *out;

    if (!(out = malloc(strlen(p->text + start) + 1)))
        return cs_oom(p);
    for (;;) {
        if (!p->text[i]) {
            free(out);
            return cs_fail_at(p, start, "unterminated string");
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

/* 0x hex after the sign (n counts the characters read so far). Up to
 * 0xFFFFFFFF a value keeps its 32-bit pattern (0xFFFFFFFF is -1, as VB's
 * &HFFFFFFFF); wider values must fit a signed 64-bit integer. */
static int parse_hex(cs_parser *p, cs_arg *a, size_t n, int neg)
{
    const char *s = p->text + p->pos;
    unsigned long long v;
    char *end;

    n += 2;
    if (!isxdigit((unsigned char)s[n]))
        return cs_fail_at(p, p->pos + n, "expected hex digits");
    errno = 0;
    v = strtoull(s + n, &end, 16);
    if (errno == ERANGE || v > (unsigned long long)LLONG_MAX)
        return cs_fail_at(p, p->pos, "integer out of range");
    if (v <= 0xFFFFFFFFull && v > 0x7FFFFFFFull)
        v = (unsigned long long)(long long)(int)(unsigned)v;
    a->kind = CS_ARG_INT;
    a->i = neg ? -(long long)v : (long long)v;
    p->pos = (size_t)(end - p->text);
    return 0;
}

/* Integer (decimal or 0x hex) or double. */
static int parse_number(cs_parser *p, cs_arg *a)
{
    const char *s = p->text + p->pos;
    size_t n = 0;
    int neg = 0, is_double = 0, digits = 0;
    char *end;

    if (s[n] == '-' || s[n] == '+')
        neg = s[n++] == '-';
    if (s[n] == '0' && (s[n + 1] == 'x' || s[n + 1] == 'X'))
        return parse_hex(p, a, n, neg);
    while (isdigit((unsigned char)s[n]) || s[n] == '.' || s[n] == 'e' || s[n] == 'E'
           || (n && (s[n] == '-' || s[n] == '+') && (s[n - 1] == 'e' || s[n - 1] == 'E'))) {
        if (isdigit((unsigned char)s[n]))
            digits++;
        else
            is_double = 1;
        n++;
    }
    if (!digits)
        return cs_fail_at(p, p->pos, "expected an argument");
    errno = 0;
    if (is_double) {
        a->kind = CS_ARG_DOUBLE;
        a->d = strtod(s, &end);
    } else {
        a->kind = CS_ARG_INT;
        a->i = strtoll(s, &end, 10);
    }
    if (end != s + n)
        return cs_fail_at(p, p->pos, "malformed number");
    if (errno == ERANGE)
        return cs_fail_at(p, p->pos, is_double ? "number out of range" : "integer out of range");
    p->pos += n;
    return 0;
}

/* Reads 1..max decimal digits at *i into *v; 0 when there are none. */
static int digits(const char *s, size_t *i, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && isdigit((unsigned char)s[*i])) {
        *v = *v * 10 + (s[(*i)++] - '0');
        n++;
    }
    return n;
}

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/*
 * "#yyyy-mm-dd#" or "#yyyy-mm-dd hh:mm[:ss]#" (a 'T' may replace the
 * blank) as an OLE automation date: days since 1899-12-30, the time as
 * the fraction. Before that day the fraction counts away from zero (as
 * OLE dates do: -1.25 is 1899-12-29 06:00). Years 100 to 9999, as DATE.
 */
static int parse_date(cs_parser *p, cs_arg *a)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const char *s = p->text;
    size_t i = p->pos + 1;
    int y, mo, d, h = 0, mi = 0, sec = 0, leap;
    long long days;
    double frac;

    if (digits(s, &i, 4, &y) != 4 || s[i++] != '-' || !digits(s, &i, 2, &mo) || s[i++] != '-'
        || !digits(s, &i, 2, &d))
        goto malformed;
    if (s[i] == ' ' || s[i] == 'T') {
        i++;
        if (!digits(s, &i, 2, &h) || s[i++] != ':' || digits(s, &i, 2, &mi) != 2)
            goto malformed;
        if (s[i] == ':' && (i++, digits(s, &i, 2, &sec) != 2))
            goto malformed;
    }
    if (s[i] != '#')
        goto malformed;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap)
        || h > 23 || mi > 59 || sec > 59)
        return cs_fail_at(p, p->pos, "date out of range");
    days = days_from_civil(y, mo, d) - days_from_civil(1899, 12, 30);
    frac = (h * 3600 + mi * 60 + sec) / 86400.0;
    a->kind = CS_ARG_DATE;
    a->d = days >= 0 ? (double)days + frac : (double)days - frac;
    p->pos = i + 1;
    return 0;
malformed:
    return cs_fail_at(p, p->pos, "malformed date (expected #yyyy-mm-dd# or #yyyy-mm-dd hh:mm:ss#)");
}

/* "[" [ value { "," value } ] "]", the '[' current; nesting counts the
 * arrays already open around this one. */
static int parse_array(cs_parser *p, cs_arg *a, int nesting)
{
    size_t cap = 0;
    cs_arg *items;

    if (nesting >= CS_MAX_NESTING)
        return cs_fail_at(p, p->pos, "arrays nested too deeply (at most %d levels)", CS_MAX_NESTING);
    a->kind = CS_ARG_ARRAY;
    p->pos++;
    cs_skip_space(p);
    if (p->text[p->pos] == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        cs_skip_space(p);
        if (a->nitems == CS_MAX_ARRAY)
            return cs_fail_at(p, p->pos, "too many array elements (at most %d)", CS_MAX_ARRAY);
        if (a->nitems == cap) {
            cap = cap ? cap * 2 : 4;
            if (!(items = realloc(a->items, cap * sizeof(*items))))
                return cs_oom(p);
            a->items = items;
        }
        memset(&a->items[a->nitems], 0, sizeof(*a->items));
        if (cs_parse_value(p, &a->items[a->nitems++], nesting + 1))
            return -1;
        cs_skip_space(p);
        if (p->text[p->pos] == ']') {
            p->pos++;
            return 0;
        }
        if (p->text[p->pos] != ',')
            return cs_fail_at(p, p->pos, cs_at_end(p, p->pos) ? "missing ']'" : "expected ',' or ']'");
        p->pos++;
    }
}

/* One keyword (true/false/null/empty, any case) or @ref. */
static int parse_word(cs_parser *p, cs_arg *a)
{
    static const struct { const char *word; cs_argkind kind; int value; } kw[] = {
        { "true", CS_ARG_BOOL, 1 }, { "false", CS_ARG_BOOL, 0 },
        { "null", CS_ARG_NULL, 0 }, { "empty", CS_ARG_EMPTY, 0 },
    };
    size_t n, i;

    if (p->text[p->pos] == '@') {
        a->kind = CS_ARG_REF;
        return cs_parse_ref(p, &a->s);
    }
    n = cs_ident_len(p, p->pos);
    for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
        if (cs_word_is(p, p->pos, n, kw[i].word)) {
            a->kind = kw[i].kind;
            a->i = kw[i].value;
            p->pos += n;
            return 0;
        }
    }
    return cs_fail_at(p, p->pos, "unknown word '%.*s' (strings need quotes)", (int)n, p->text + p->pos);
}

int cs_parse_value(cs_parser *p, cs_arg *a, int nesting)
{
    char c;

    cs_skip_space(p);
    c = p->text[p->pos];
    a->column = (int)p->pos + 1;
    if (c == '\'' || c == '"')
        return parse_string(p, a);
    if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.')
        return parse_number(p, a);
    if (c == '#')
        return parse_date(p, a);
    if (c == '[')
        return parse_array(p, a, nesting);
    if (c == '@' || is_ident_start(c))
        return parse_word(p, a);
    return cs_fail_at(p, p->pos, "expected an argument");
}

void cs_arg_clear(cs_arg *a)
{
    size_t i;

    for (i = 0; i < a->nitems; i++)
        cs_arg_clear(&a->items[i]);   /* depth bounded by CS_MAX_NESTING */
    free(a->items);
    free(a->s);
    free(a->name);
    memset(a, 0, sizeof(*a));
}

/* Appends a cleared argument to spec starting at pos; fails past
 * CS_MAX_ARGS arguments. */
static cs_arg *new_arg(cs_parser *p, cs_callspec *spec, size_t pos)
{
    cs_arg *a;

    if (spec->nargs == CS_MAX_ARGS) {
        cs_fail_at(p, pos, "too many arguments (at most %d)", CS_MAX_ARGS);
        return NULL;
    }
    if (!spec->args && !(spec->args = calloc(CS_MAX_ARGS, sizeof(*spec->args)))) {
        cs_oom(p);
        return NULL;
    }
    a = &spec->args[spec->nargs++];
    memset(a, 0, sizeof(*a));
    a->column = (int)pos + 1;
    return a;
}

/* "name :=" at pos: the name's length, else 0. */
static size_t named_at(const cs_parser *p, size_t pos)
{
    size_t n = cs_ident_len(p, pos), i = pos + n;

    if (!n)
        return 0;
    while (p->text[i] == ' ' || p->text[i] == '\t')
        i++;
    return p->text[i] == ':' && p->text[i + 1] == '=' ? n : 0;
}

/* "out @name" at pos: 1 when the word "out" is followed by blanks and '@'. */
static int out_at(const cs_parser *p, size_t pos)
{
    size_t i = pos + 3;

    if (!cs_word_is(p, pos, cs_ident_len(p, pos), "out") || !isspace((unsigned char)p->text[i]))
        return 0;
    while (isspace((unsigned char)p->text[i]))
        i++;
    return p->text[i] == '@';
}

/* One slot of an argument list: [ name ":=" ] ( value | "out" "@" name ),
 * or nothing (an omitted argument) outside the first-version rules. */
static int parse_slot(cs_parser *p, cs_callspec *spec)
{
    size_t start, n;
    cs_arg *a;
    char c;

    cs_skip_space(p);
    start = p->pos;
    c = p->text[start];
    if (!(a = new_arg(p, spec, start)))
        return -1;
    if ((n = named_at(p, start))) {
        if (n > CS_MAX_NAME)
            return cs_fail_at(p, start, "name too long (at most %d characters)", CS_MAX_NAME);
        if (!(a->name = cs_dup_range(p->text + start, n)))
            return cs_oom(p);
        p->pos = strchr(p->text + start + n, ':') - p->text + 2;
        spec->nnamed++;
        cs_skip_space(p);
    } else if (spec->nnamed) {
        return cs_fail_at(p, start, "positional argument after a named one");
    } else if ((c == ',' || c == ')') && !p->single) {
        a->kind = CS_ARG_MISSING;
        return 0;
    }
    c = p->text[p->pos];
    if (!c || c == ',' || c == ')' || c == '(' || c == '=')
        return cs_fail_at(p, p->pos, "expected an argument");
    if (cs_word_is(p, p->pos, cs_ident_len(p, p->pos), "out") && isspace((unsigned char)p->text[p->pos + 3])
        && !out_at(p, p->pos)) {
        p->pos += 3;
        cs_skip_space(p);
        return cs_fail_at(p, p->pos, "expected '@name' after 'out'");
    }
    if (out_at(p, p->pos)) {
        p->pos += 3;
        cs_skip_space(p);
        a->kind = CS_ARG_OUT;
        return cs_parse_ref(p, &a->s);
    }
    if (cs_parse_value(p, a, 0))
        return -1;
    a->column = (int)start + 1;     /* a named argument starts at its name */
    return 0;
}

/* "(" [ slot { "," slot } ] ")", the '(' current. */
static int parse_arglist(cs_parser *p, cs_callspec *spec)
{
    p->pos++;
    cs_skip_space(p);
    if (p->text[p->pos] == ')') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (parse_slot(p, spec))
            return -1;
        cs_skip_space(p);
        if (p->text[p->pos] == ')') {
            p->pos++;
            return 0;
        }
        if (p->text[p->pos] != ',')
            return cs_fail_at(p, p->pos, cs_at_end(p, p->pos) ? "missing ')'" : "expected ',' or ')'");
        p->pos++;
    }
}

/* ASCII case-insensitive comparison (COM names), 0 when equal. */
static int ascii_casecmp(const char *a, const char *b)
{
    while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b))
        a++, b++;
    return tolower((unsigned char)*a) - tolower((unsigned char)*b);
}

/* The first named argument whose name an earlier one already used, or
 * NULL. */
static const cs_arg *repeated_name(const cs_callspec *spec)
{
    size_t i, j;

    for (i = 0; i < spec->nargs; i++)
        for (j = 0; spec->args[i].name && j < i; j++)
            if (spec->args[j].name && !ascii_casecmp(spec->args[i].name, spec->args[j].name))
                return &spec->args[i];
    return NULL;
}

int cs_parse_call(cs_parser *p, cs_callspec **out)
{
    cs_callspec *spec;
    const cs_arg *dup;
    size_t start, n;

    *out = NULL;
    cs_skip_space(p);
    start = p->pos;
    if (!(n = name_at(p, "a member name")))
        return -1;
    if (!(spec = calloc(1, sizeof(*spec))) || !(spec->member = cs_dup_range(p->text + start, n))) {
        free(spec);
        return cs_oom(p);
    }
    *out = spec;
    spec->column = (int)start + 1;
    spec->kind = CS_CALL_GET;
    p->pos += n;
    cs_skip_space(p);
    if (p->text[p->pos] == '(') {
        spec->kind = CS_CALL_METHOD;
        if (parse_arglist(p, spec))
            return -1;
        if ((dup = repeated_name(spec)))
            return cs_fail_at(p, (size_t)dup->column - 1, "argument '%s' named twice", dup->name);
    }
    if (!(spec->text = cs_dup_range(p->text + start, p->pos - start)))
        return cs_oom(p);
    while (spec->text[0] && isspace((unsigned char)spec->text[strlen(spec->text) - 1]))
        spec->text[strlen(spec->text) - 1] = 0;
    return 0;
}

int cs_parse_put(cs_parser *p, cs_callspec *spec)
{
    size_t start;
    cs_arg *a;
    char *text;

    cs_skip_space(p);
    start = p->pos;
    spec->kind = CS_CALL_PUT;
    if (!(a = new_arg(p, spec, start)))
        return -1;
    if (cs_parse_value(p, a, 0))
        return -1;
    /* the link's text grows to cover "= value" */
    if (!(text = malloc(strlen(spec->text) + 3 + (p->pos - start) + 1)))
        return cs_oom(p);
    sprintf(text, "%s = %.*s", spec->text, (int)(p->pos - start), p->text + start);
    free(spec->text);
    spec->text = text;
    return 0;
}

int cs_callspec_parse(const char *text, cs_callspec **out, char *err, size_t errlen)
{
    cs_parser p = { text ? text : "", 0, 0, 1, err, errlen, NULL };
    cs_callspec *spec = NULL;

    *out = NULL;
    if (errlen)
        err[0] = 0;
    if (cs_parse_call(&p, &spec))
        goto out_free;
    cs_skip_space(&p);
    if (p.text[p.pos] == '=') {
        p.pos++;
        if (cs_parse_put(&p, spec))
            goto out_free;
        cs_skip_space(&p);
    }
    if (p.text[p.pos]) {
        cs_fail_at(&p, p.pos, "unexpected '%c'", p.text[p.pos]);
        goto out_free;
    }
    free(spec->text);
    if (!(spec->text = cs_dup_range(p.text, strlen(p.text)))) {
        cs_oom(&p);
        goto out_free;
    }
    *out = spec;
    return 0;
out_free:
    cs_callspec_free(spec);
    return -1;
}

void cs_callspec_free(cs_callspec *spec)
{
    size_t i;

    if (!spec)
        return;
    for (i = 0; i < spec->nargs; i++)
        cs_arg_clear(&spec->args[i]);
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

int cs_callspec_rich(const cs_callspec *spec)
{
    size_t i;

    for (i = 0; i < spec->nargs; i++) {
        const cs_arg *a = &spec->args[i];
        if (a->name || a->kind == CS_ARG_MISSING || a->kind == CS_ARG_DATE || a->kind == CS_ARG_ARRAY
            || a->kind == CS_ARG_OUT)
            return 1;
    }
    return 0;
}
