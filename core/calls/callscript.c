/* The call language: statements and scripts; see callspec.h for the
 * grammar and contracts. Values, arguments and calls are in callspec.c. */
#include "callspec_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_note_name(cs_parser *p, size_t pos, const char *name)
{
    cs_script *s = p->script;
    char *copy;
    size_t i;

    if (!s)
        return 0;
    for (i = 0; i < s->nnames; i++)
        if (!strcmp(s->names[i], name))
            return 0;
    if (s->nnames == CS_MAX_NAMES)
        return cs_fail_at(p, pos, "too many names (at most %d)", CS_MAX_NAMES);
    if (!s->names && !(s->names = calloc(CS_MAX_NAMES, sizeof(*s->names))))
        return cs_oom(p);
    if (!(copy = cs_dup_range(name, strlen(name))))
        return cs_oom(p);
    s->names[s->nnames++] = copy;
    return 0;
}

/* Appends one call to a chain, at most CS_MAX_CHAIN of them. */
static int chain_add(cs_parser *p, cs_callspec ***calls, size_t *n)
{
    cs_callspec *c;

    cs_skip_space(p);
    if (*n == CS_MAX_CHAIN)
        return cs_fail_at(p, p->pos, "chain too long (at most %d calls)", CS_MAX_CHAIN);
    if (!*calls && !(*calls = calloc(CS_MAX_CHAIN, sizeof(**calls))))
        return cs_oom(p);
    if (cs_parse_call(p, &c)) {
        cs_callspec_free(c);
        return -1;
    }
    (*calls)[(*n)++] = c;
    return 0;
}

/* "." call { "." call }: the rest of a chain, if any. */
static int chain_rest(cs_parser *p, cs_callspec ***calls, size_t *n)
{
    for (;;) {
        cs_skip_space(p);
        if (p->text[p->pos] != '.')
            return 0;
        p->pos++;
        if (chain_add(p, calls, n))
            return -1;
    }
}

/* chain = ( "@" name | call ) { "." call }. A chain from @name with no
 * call is allowed only where want_call is 0 (each @c, @b = @c). */
static int parse_chain(cs_parser *p, cs_stmt *st, int want_call)
{
    size_t at;

    cs_skip_space(p);
    at = p->pos;
    if (p->text[p->pos] == '@') {
        if (cs_parse_ref(p, &st->root) || chain_rest(p, &st->calls, &st->ncalls))
            return -1;
        if (!st->ncalls && want_call)
            return cs_fail_at(p, p->pos, "expected '.' or '=' after '%.*s'", (int)(p->pos - at), p->text + at);
        return 0;
    }
    if (chain_add(p, &st->calls, &st->ncalls))
        return -1;
    return chain_rest(p, &st->calls, &st->ncalls);
}

/* The word at pos is a statement keyword when blanks follow it and then
 * '@' or a name: "each Items", "advise @c"; not "Each(1)", "Advise". */
static int keyword_at(const cs_parser *p, size_t pos, size_t n, const char *word)
{
    size_t i = pos + n;

    if (!cs_word_is(p, pos, n, word) || !isspace((unsigned char)p->text[i]))
        return 0;
    while (isspace((unsigned char)p->text[i]))
        i++;
    return p->text[i] == '@' || isalpha((unsigned char)p->text[i]) || p->text[i] == '_';
}

/* [ clone ] chain [ ":" call { "." call } ], after the keyword each. */
static int parse_each(cs_parser *p, cs_stmt *st)
{
    size_t n;

    st->kind = CS_STMT_EACH;
    cs_skip_space(p);
    n = cs_ident_len(p, p->pos);
    if (keyword_at(p, p->pos, n, "clone")) {
        st->clone = 1;
        p->pos += n;
    }
    if (parse_chain(p, st, 0))
        return -1;
    cs_skip_space(p);
    if (p->text[p->pos] != ':')
        return 0;
    p->pos++;
    if (chain_add(p, &st->item, &st->nitem))
        return -1;
    return chain_rest(p, &st->item, &st->nitem);
}

/* advise [ weak ] @name, or unadvise @name, after the keyword. */
static int parse_advise(cs_parser *p, cs_stmt *st, cs_stmtkind kind)
{
    size_t n;

    st->kind = kind;
    cs_skip_space(p);
    n = cs_ident_len(p, p->pos);
    if (kind == CS_STMT_ADVISE && keyword_at(p, p->pos, n, "weak")) {
        st->weak = 1;
        p->pos += n;
        cs_skip_space(p);
    }
    if (p->text[p->pos] != '@')
        return cs_fail_at(p, p->pos, "expected '@name' after '%s'", kind == CS_STMT_ADVISE
                          ? (st->weak ? "weak" : "advise") : "unadvise");
    return cs_parse_ref(p, &st->root);
}

/* The right side of "@name =": a chain, or a value (a literal keyword
 * such as true is a value unless a '(' or '.' makes it a call). */
static int parse_bound(cs_parser *p, cs_stmt *st)
{
    static const char *const words[] = { "true", "false", "null", "empty" };
    size_t n, i, j;

    cs_skip_space(p);
    n = cs_ident_len(p, p->pos);
    for (i = 0; n && i < sizeof(words) / sizeof(words[0]); i++) {
        if (!cs_word_is(p, p->pos, n, words[i]))
            continue;
        for (j = p->pos + n; isspace((unsigned char)p->text[j]); j++)
            ;
        if (p->text[j] != '(' && p->text[j] != '.')
            n = 0;
    }
    if (n || p->text[p->pos] == '@')
        return parse_chain(p, st, 0);
    if (!(st->value = calloc(1, sizeof(*st->value))))
        return cs_oom(p);
    return cs_parse_value(p, st->value, 0);
}

/* "@name = ..." at pos: 1 when a binding starts there. */
static int binding_at(const cs_parser *p)
{
    size_t i = p->pos + 1 + cs_ident_len(p, p->pos + 1);

    if (p->text[p->pos] != '@' || i == p->pos + 1)
        return 0;
    while (isspace((unsigned char)p->text[i]))
        i++;
    return p->text[i] == '=';
}

/* One statement, the first token current; the end is checked by caller. */
static int parse_statement(cs_parser *p, cs_stmt *st)
{
    size_t n = cs_ident_len(p, p->pos);

    if (keyword_at(p, p->pos, n, "each")) {
        p->pos += n;
        return parse_each(p, st);
    }
    if (keyword_at(p, p->pos, n, "advise") || keyword_at(p, p->pos, n, "unadvise")) {
        p->pos += n;
        return parse_advise(p, st, n == 6 ? CS_STMT_ADVISE : CS_STMT_UNADVISE);
    }
    st->kind = CS_STMT_CALL;
    if (binding_at(p)) {
        if (cs_parse_ref(p, &st->bind))
            return -1;
        cs_skip_space(p);
        p->pos++;   /* '=' */
        return parse_bound(p, st);
    }
    if (parse_chain(p, st, 1))
        return -1;
    cs_skip_space(p);
    if (p->text[p->pos] == '=') {
        p->pos++;
        return cs_parse_put(p, st->calls[st->ncalls - 1]);
    }
    return 0;
}

static void stmt_clear(cs_stmt *st)
{
    size_t i;

    for (i = 0; i < st->ncalls; i++)
        cs_callspec_free(st->calls[i]);
    for (i = 0; i < st->nitem; i++)
        cs_callspec_free(st->item[i]);
    if (st->value)
        cs_arg_clear(st->value);
    free(st->value);
    free(st->calls);
    free(st->item);
    free(st->text);
    free(st->bind);
    free(st->root);
    memset(st, 0, sizeof(*st));
}

cs_script *cs_script_new(void)
{
    return calloc(1, sizeof(cs_script));
}

/* Fails with "[line N: ]statement too long" (no text: it would not fit). */
static int too_long(cs_parser *p)
{
    if (p->errlen && p->line)
        snprintf(p->err, p->errlen, "line %d: statement too long (at most %d characters)", p->line, CS_MAX_STATEMENT);
    else if (p->errlen)
        snprintf(p->err, p->errlen, "statement too long (at most %d characters)", CS_MAX_STATEMENT);
    return -1;
}

/* Stores the statement's text: from its first token to where it ends
 * (end of line or comment), trailing blanks removed. */
static int keep_text(cs_parser *p, cs_stmt *st, size_t start)
{
    size_t end = p->pos;

    while (end > start && isspace((unsigned char)p->text[end - 1]))
        end--;
    return (st->text = cs_dup_range(p->text + start, end - start)) ? 0 : cs_oom(p);
}

int cs_script_add(cs_script *script, const char *text, int line, char *err, size_t errlen)
{
    cs_parser p = { text ? text : "", 0, line, 0, err, errlen, script };
    size_t names = script->nnames, start;
    cs_stmt st, *grown;

    if (errlen)
        err[0] = 0;
    memset(&st, 0, sizeof(st));
    if (strlen(p.text) > CS_MAX_STATEMENT)
        return too_long(&p);
    cs_skip_space(&p);
    if (cs_at_end(&p, p.pos))
        return 0;
    if (script->count == CS_MAX_STATEMENTS)
        return cs_fail_at(&p, p.pos, "too many statements (at most %d)", CS_MAX_STATEMENTS);
    start = p.pos;
    st.line = line;
    if (parse_statement(&p, &st))
        goto out_fail;
    cs_skip_space(&p);
    if (!cs_at_end(&p, p.pos)) {
        cs_fail_unexpected(&p);
        goto out_fail;
    }
    if (keep_text(&p, &st, start))
        goto out_fail;
    if (!(grown = realloc(script->stmts, (script->count + 1) * sizeof(*grown)))) {
        cs_oom(&p);
        goto out_fail;
    }
    script->stmts = grown;
    script->stmts[script->count++] = st;
    return 0;
out_fail:
    stmt_clear(&st);
    while (script->nnames > names)
        free(script->names[--script->nnames]);
    return -1;
}

int cs_script_parse(const char *text, cs_script **out, char *err, size_t errlen)
{
    cs_script *s = cs_script_new();
    const char *line = text ? text : "", *nl;
    char *buf;
    size_t n, raw;
    int no = 1, rc = 0;

    *out = NULL;
    if (!s || !(buf = malloc(CS_MAX_STATEMENT + 2))) {
        free(s);
        if (errlen)
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (; rc == 0 && *line; no++) {
        nl = strchr(line, '\n');
        n = raw = nl ? (size_t)(nl - line) : strlen(line);
        if (n && line[n - 1] == '\r')
            n--;
        /* one character over the limit is enough for cs_script_add to refuse */
        memcpy(buf, line, n > CS_MAX_STATEMENT ? CS_MAX_STATEMENT + 1 : n);
        buf[n > CS_MAX_STATEMENT ? CS_MAX_STATEMENT + 1 : n] = 0;
        rc = cs_script_add(s, buf, no, err, errlen);
        line = nl ? nl + 1 : line + raw;
    }
    free(buf);
    if (rc) {
        cs_script_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void cs_script_free(cs_script *script)
{
    size_t i;

    if (!script)
        return;
    for (i = 0; i < script->count; i++)
        stmt_clear(&script->stmts[i]);
    for (i = 0; i < script->nnames; i++)
        free(script->names[i]);
    free(script->names);
    free(script->stmts);
    free(script);
}
