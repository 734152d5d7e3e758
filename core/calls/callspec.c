/* The call language: errors, tokens, arguments and calls; see callspec.h
 * for the grammar and contracts. Values (literals, dates, arrays) are in
 * callvalue.c, statements and scripts in callscript.c. */
#include "callspec_internal.h"
#include "say.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_fail_at(cs_parser *p, size_t pos, const char *fmt, ...)
{
    char what[160], prefix[24] = "", shown[CS_ERR_TEXT_MAX * 4 + 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!p->errlen)
        return -1;
    if (p->line)
        snprintf(prefix, sizeof(prefix), "line %d: ", p->line);
    /* The text escaped (a newline or an escape sequence must not break the
     * line) and, when long, shortened around the column it names. */
    cs_say_excerpt(p->text, pos + 1, CS_ERR_TEXT_MAX, shown, sizeof(shown));
    snprintf(p->err, p->errlen, "%s%s: %s at column %u", prefix, shown, what, (unsigned)pos + 1);
    return -1;
}

int cs_fail_unexpected(cs_parser *p)
{
    const unsigned char *s = (const unsigned char *)p->text + p->pos;
    size_t n = *s < 0xC0 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : *s < 0xF8 ? 4 : 1, i;
    char ch[8];

    for (i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            n = 1;                       /* not a whole UTF-8 character */
    if (n == 1 && (*s < 0x20 || *s >= 0x7f))
        return cs_fail_at(p, p->pos, "unexpected byte 0x%02X", *s);
    memcpy(ch, s, n);
    ch[n] = 0;
    return cs_fail_at(p, p->pos, "unexpected '%s'", ch);
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
        cs_fail_unexpected(&p);
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
