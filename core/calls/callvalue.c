/* The call language: values (numbers, strings, dates, arrays, keywords,
 * @names); see callspec.h for the grammar. */
#include "callspec_internal.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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
    if (c == '@' || cs_ident_len(p, p->pos))
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

