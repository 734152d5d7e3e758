/*
 * The statements of an iteration: --script and --call parsed before any
 * work, the defaults when none are given, and what names each one in
 * the findings. See statements.h.
 */
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "statements.h"
#include "paths.h"
#include "say.h"
#include "utf8.h"
#include "release_rules.h"

/* The largest --script read (far more than CS_MAX_STATEMENTS lines of
 * ordinary length). */
#define SCRIPT_MAX_BYTES (4u << 20)

/* Prints "comstress: --script 'PATH': WHY" and returns CS_EXIT_USAGE. The
 * path is shown as given (backslashes and all) unless it holds a control
 * character, which must not reach the terminal: then it is escaped. */
static int script_error(const char *path, const char *why)
{
    char shown[CS_PATH_LEN];
    const char *p;

    for (p = path; *p && (unsigned char)*p >= 0x20 && *p != 0x7f; p++)
        ;
    fprintf(stderr, "comstress: --script '%s': %s\n", *p ? cs_say_escaped(path, shown, sizeof(shown)) : path, why);
    return CS_EXIT_USAGE;
}

/*
 * Reads the --script file whole into *text (malloc'd, NUL-terminated, a
 * UTF-8 byte order mark removed). Refused with one line (CS_EXIT_USAGE):
 * a directory, a file that cannot be read, over SCRIPT_MAX_BYTES, holding a NUL byte or
 * text that is not UTF-8.
 */
static int read_script(const char *path, char **text)
{
    char why[CS_ERR_LEN], *buf;
    FILE *f = cs_fopen(path, "rb");
    DWORD attr = cs_file_attributes(path);
    size_t n;

    *text = NULL;
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) {
        if (f)
            fclose(f);
        return script_error(path, "is a directory, not a file");
    }
    if (!f) {
        snprintf(why, sizeof(why), "cannot read it (%s)", strerror(errno));
        return script_error(path, why);
    }
    buf = malloc(SCRIPT_MAX_BYTES + 1);
    n = buf ? fread(buf, 1, SCRIPT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf)
        return script_error(path, "out of memory reading it");
    if (n > SCRIPT_MAX_BYTES) {
        free(buf);
        snprintf(why, sizeof(why), "larger than %u bytes", SCRIPT_MAX_BYTES);
        return script_error(path, why);
    }
    if (memchr(buf, 0, n) || !cs_utf8_valid(buf, n)) {
        why[0] = memchr(buf, 0, n) != NULL;
        free(buf);
        return script_error(path, why[0] ? "holds a NUL byte: not a text file" : "not UTF-8 text");
    }
    buf[n] = 0;
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        memmove(buf, buf + 3, n - 2);
    *text = buf;
    return CS_EXIT_OK;
}

/*
 * The statements of an iteration, parsed before anything is opened or
 * created: the lines of --script (with their line numbers), then every
 * --call as a lone statement. A malformed one is a bad command line (exit
 * 2, one line naming the file, line and column, or the --call), whatever
 * the target. st->script may hold no statement (none given: see
 * cs_statements_complete).
 */
/*
 * The advise and unadvise statements of sc paired as an iteration runs
 * them (advisories end with their iteration): an unadvise of a name not
 * advised before it, or a second advise of a name still advised, would
 * fail at run time; said here instead, before any work. Returns 0, or
 * the index of the statement that does not pair plus one, with why.
 */
static size_t unpaired(const cs_script *sc, char *why, size_t n)
{
    size_t i, k;
    int on;

    for (i = 0; i < sc->count; i++) {
        const cs_stmt *st = &sc->stmts[i];

        if (st->kind != CS_STMT_ADVISE && st->kind != CS_STMT_UNADVISE)
            continue;
        for (k = i, on = 0; k-- > 0 && !on;)    /* the latest statement on the same name */
            if ((sc->stmts[k].kind == CS_STMT_ADVISE || sc->stmts[k].kind == CS_STMT_UNADVISE)
                && !strcmp(sc->stmts[k].root, st->root))
                on = sc->stmts[k].kind == CS_STMT_ADVISE ? 1 : -1;
        if (st->kind == CS_STMT_UNADVISE && on != 1) {
            snprintf(why, n, "@%s is not advised before it (an advise @%s earlier in the iteration pairs "
                     "with it)", st->root, st->root);
            return i + 1;
        }
        if (st->kind == CS_STMT_ADVISE && on == 1) {
            snprintf(why, n, "@%s is advised already (unadvise @%s between the two)", st->root, st->root);
            return i + 1;
        }
    }
    return 0;
}

/* The pairing of advise and unadvise (unpaired) checked: CS_EXIT_OK, or
 * CS_EXIT_USAGE after one line naming the statement (the script's file
 * and line, or the --call). */
static int check_pairs(const cs_script *sc, const cs_plan *o)
{
    char why[CS_ERR_LEN], line[CS_ERR_LEN + 300], shown[160];
    size_t bad = unpaired(sc, why, sizeof(why));
    const cs_stmt *st;

    if (!bad)
        return CS_EXIT_OK;
    st = &sc->stmts[bad - 1];
    if (st->line && o->script) {
        snprintf(line, sizeof(line), "line %d: %s: %s", st->line, st->text, why);
        return script_error(o->script, line);
    }
    fprintf(stderr, "comstress: --call '%s': %s\n", cs_say_excerpt(st->text, 0, 60, shown, sizeof(shown)), why);
    return CS_EXIT_USAGE;
}

int cs_statements_parse(cs_statements *st, const cs_plan *o)
{
    cs_script **out = &st->script;
    char err[CS_ERR_LEN], shown[160], *text;
    size_t i;
    int rc;

    *out = NULL;
    if (o->script) {
        if ((rc = read_script(o->script, &text)))
            return rc;
        rc = cs_script_parse(text, out, err, sizeof(err));
        free(text);
        if (rc)
            return script_error(o->script, err);
        if (!(*out)->count)
            return script_error(o->script, "no statement in it (only blank lines and comments)");
    } else if (!(*out = cs_script_new())) {
        fprintf(stderr, "comstress: out of memory\n");
        return CS_EXIT_INTERNAL;
    }
    for (i = 0; i < o->ncalls; i++) {
        if (cs_script_add(*out, o->calls[i], 0, err, sizeof(err))) {
            fprintf(stderr, "comstress: --call '%s': %s\n",
                    cs_say_excerpt(o->calls[i], 0, 60, shown, sizeof(shown)), err);
            return CS_EXIT_USAGE;
        }
    }
    return check_pairs(*out, o);
}

/* Statements used when none are given: only the reference server's
 * members are known in advance; any other target needs --call or
 * --script. */
static int default_calls(cs_script *sc, const cs_plan *o, const cs_target *t)
{
    char err[CS_ERR_LEN];
    int rc = 0;

    if (sc->count)
        return CS_EXIT_OK;
    if (o->scenario == CS_SCEN_PASS_INSTANCE) {
        rc = cs_script_add(sc, "Consume(@obj)", 0, err, sizeof(err));
    } else if (!t->probe) {
        fprintf(stderr, "comstress: --call: give at least one call for target '%s' "
                "(e.g. --call \"Method(1)\", or --script FILE)\n", t->name);
        return CS_EXIT_USAGE;
    } else {
        rc = cs_script_add(sc, "Add(1)", 0, err, sizeof(err)) || cs_script_add(sc, "Echo('x')", 0, err, sizeof(err));
    }
    if (rc) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_INTERNAL;
    }
    return CS_EXIT_OK;
}

/*
 * What names each statement in the findings: its text, "line 3: " first
 * for a script line (labels, one per statement: traced allocations name
 * theirs); and each malloc-spy site (spy_labels: the statement's label,
 * the statements past the last site sharing it, named together). Also
 * the statements joined for the report ("Add(1); Echo('x')"). Returns
 * CS_EXIT_OK or CS_EXIT_INTERNAL (out of memory, said).
 */
static int name_statements(cs_statements *s)
{
    const cs_script *sc = s->script;
    size_t i, used = 0;
    char buf[CS_FINDING_LEN];

    s->calls[0] = 0;
    for (i = 0; i < sc->count && used < sizeof(s->calls); i++)
        used += snprintf(s->calls + used, sizeof(s->calls) - used, "%s%s", i ? "; " : "", sc->stmts[i].text);
    if (!(s->labels = calloc(sc->count + 1, sizeof(*s->labels))))
        goto out_oom;
    for (i = 0; i < sc->count; i++) {
        const cs_stmt *st = &sc->stmts[i];
        if (st->line)
            snprintf(buf, sizeof(buf), "line %d: %s", st->line, st->text);
        else
            snprintf(buf, sizeof(buf), "%s", st->text);
        if (!(s->labels[i] = strdup(buf)))
            goto out_oom;
    }
    s->nspy = sc->count < CS_SPY_SITES - 1 ? sc->count : CS_SPY_SITES - 1;
    for (i = 0; i < s->nspy; i++)
        s->spy_labels[i] = s->labels[i];
    if (sc->count > s->nspy) {
        snprintf(s->shared, sizeof(s->shared), "statements %u to %u (one spy site)", (unsigned)s->nspy,
                 (unsigned)sc->count);
        s->spy_labels[s->nspy - 1] = s->shared;
    }
    return CS_EXIT_OK;
out_oom:
    fprintf(stderr, "comstress: out of memory\n");
    return CS_EXIT_INTERNAL;
}

int cs_statements_complete(cs_statements *st, const cs_plan *p, const cs_target *t)
{
    int rc;

    if ((rc = default_calls(st->script, p, t)))
        return rc;
    return name_statements(st);
}

void cs_statements_free(cs_statements *st)
{
    size_t i;

    for (i = 0; st->labels && st->script && i < st->script->count; i++)
        free(st->labels[i]);
    free(st->labels);
    cs_script_free(st->script);
    memset(st, 0, sizeof(*st));
}
