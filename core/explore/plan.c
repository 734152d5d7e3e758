/*
 * explore's plan: arguments from types, the statements of each member,
 * which members are explored, the plan as a script. See explore.h.
 */
#include "explore.h"
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

/* snprintf that says whether the text fit: 0, or -1 when it was cut. */
static int put(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*used >= len)
        return -1;
    va_start(ap, fmt);
    n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len - *used)
        return -1;
    *used += (size_t)n;
    return 0;
}

const char *cs_xarg_text(cs_xtype t, cs_xtype elem, char *buf, size_t len)
{
    char inner[64];

    switch (t) {
    case CS_XT_INT: snprintf(buf, len, "1"); break;
    case CS_XT_FLOAT: snprintf(buf, len, "1.5"); break;
    case CS_XT_STRING: case CS_XT_VARIANT: snprintf(buf, len, "'x'"); break;
    case CS_XT_BOOL: snprintf(buf, len, "true"); break;
    case CS_XT_DATE: snprintf(buf, len, "#2001-02-03 04:05:06#"); break;
    case CS_XT_OBJECT: snprintf(buf, len, "@obj"); break;
    case CS_XT_ARRAY:
        /* VARIANT elements: a number, which arrays of values are mostly for */
        if (elem == CS_XT_VARIANT)
            elem = CS_XT_INT;
        if (elem == CS_XT_ARRAY || !cs_xarg_text(elem, CS_XT_UNSUPPORTED, inner, sizeof(inner)))
            return NULL;
        snprintf(buf, len, "[%s]", inner);
        break;
    default:
        return NULL;
    }
    return buf;
}

/* The number of arguments written: up to the last one that is not
 * optional (optional ones after it are omitted: their defaults apply). */
static int written_args(const cs_xmember *m)
{
    int n = m->nparams, k;

    if (m->kind == CS_XK_PUT)
        n--;                              /* the value is the put's own */
    for (k = n; k > 0 && m->params[k - 1].optional && !m->params[k - 1].out; k--)
        ;
    return k;
}

int cs_xmember_call(const cs_xmember *m, char *buf, size_t len, char *why, size_t whylen)
{
    char arg[64];
    size_t used = 0;
    int n = written_args(m), k;

    why[0] = 0;
    if (put(buf, len, &used, "%s", m->name))
        goto too_long;
    for (k = 0; k < n; k++) {
        const cs_xparam *p = &m->params[k];

        if (put(buf, len, &used, "%s", k ? ", " : "("))
            goto too_long;
        if (p->out) {
            if (put(buf, len, &used, "out @a%d", k + 1))
                goto too_long;
        } else if (p->optional) {
            continue;                     /* an empty slot: omitted */
        } else if (!cs_xarg_text(p->type, p->elem, arg, sizeof(arg))) {
            snprintf(why, whylen, "argument %d is of a type the call language cannot pass (%s)", k + 1,
                     p->type_text[0] ? p->type_text : "unknown");
            return -1;
        } else if (put(buf, len, &used, "%s", arg)) {
            goto too_long;
        }
    }
    if (n && put(buf, len, &used, ")"))
        goto too_long;
    return 0;
too_long:
    snprintf(why, whylen, "its call text is longer than %u characters", (unsigned)len - 1);
    return -1;
}

/* "@aN = value" lines for the [in, out] arguments of m. */
static int put_inout_values(const cs_xmember *m, char *buf, size_t len, size_t *used, char *why, size_t whylen)
{
    char arg[64];
    int n = written_args(m), k;

    for (k = 0; k < n; k++) {
        const cs_xparam *p = &m->params[k];
        cs_xtype t = p->type;

        if (!p->out || !p->in)
            continue;
        if (!cs_xarg_text(t, p->elem, arg, sizeof(arg))) {
            snprintf(why, whylen, "argument %d is of a type the call language cannot pass (%s)", k + 1,
                     p->type_text[0] ? p->type_text : "unknown");
            return -1;
        }
        if (put(buf, len, used, "@a%d = %s\n", k + 1, arg)) {
            snprintf(why, whylen, "its statements are longer than %u characters", (unsigned)len - 1);
            return -1;
        }
    }
    return 0;
}

/* The statements of an events member: its object named (@obj, or @e for
 * an object down a chain), then advise [weak] and, unless weak, unadvise. */
static int events_statements(const cs_xmember *m, char *buf, size_t len, char *why, size_t whylen)
{
    const char *name = m->prefix[0] ? "@e" : "@obj";
    size_t used = 0;

    if ((m->prefix[0] && put(buf, len, &used, "@e = %s\n", m->prefix))
        || put(buf, len, &used, "advise %s%s\n", m->kind == CS_XK_ADVISE_WEAK ? "weak " : "", name)
        || (m->kind == CS_XK_ADVISE && put(buf, len, &used, "unadvise %s\n", name))) {
        snprintf(why, whylen, "its statements are longer than %u characters", (unsigned)len - 1);
        return -1;
    }
    return 0;
}

int cs_xmember_statements(const cs_xmember *m, char *buf, size_t len, char *why, size_t whylen)
{
    char call[CS_XTEXT_LEN], chain[2 * CS_XTEXT_LEN], val[64];
    const char *dot = m->prefix[0] ? "." : "";
    size_t used = 0;

    buf[0] = 0;
    if (m->kind == CS_XK_NEWENUM || m->kind == CS_XK_EACH_CLONE) {
        if (put(buf, len, &used, "each %s%s\n", m->kind == CS_XK_EACH_CLONE ? "clone " : "",
                m->prefix[0] ? m->prefix : "@obj"))
            goto too_long;
        return 0;
    }
    if (m->kind == CS_XK_ADVISE || m->kind == CS_XK_ADVISE_WEAK)
        return events_statements(m, buf, len, why, whylen);
    if (cs_xmember_call(m, call, sizeof(call), why, whylen))
        return -1;
    snprintf(chain, sizeof(chain), "%s%s%s", m->prefix, dot, call);
    if (put_inout_values(m, buf, len, &used, why, whylen))
        return -1;
    if (m->kind != CS_XK_PUT) {
        if (put(buf, len, &used, "%s\n", chain))
            goto too_long;
        return 0;
    }
    if (m->has_get) {
        if (put(buf, len, &used, "@v = %s\n%s = @v\n", chain, chain))
            goto too_long;
        return 0;
    }
    if (m->nparams < 1 || !cs_xarg_text(m->params[m->nparams - 1].type, m->params[m->nparams - 1].elem,
                                        val, sizeof(val))) {
        snprintf(why, whylen, "its value is of a type the call language cannot pass (%s)",
                 m->nparams ? m->params[m->nparams - 1].type_text : "none");
        return -1;
    }
    if (put(buf, len, &used, "%s = %s\n", chain, val))
        goto too_long;
    return 0;
too_long:
    snprintf(why, whylen, "its statements are longer than %u characters", (unsigned)len - 1);
    return -1;
}

const char *cs_xmember_label(const cs_xmember *m, char *buf, size_t len)
{
    static const char *const tails[] = {
        [CS_XK_PUT] = " (put)", [CS_XK_EACH_CLONE] = " (clone)", [CS_XK_ADVISE] = " (advise, unadvise)",
        [CS_XK_ADVISE_WEAK] = " (advise weak, never unadvised)",
    };

    snprintf(buf, len, "%s%s", m->path, (unsigned)m->kind <= CS_XK_ADVISE_WEAK && tails[m->kind] ? tails[m->kind] : "");
    return buf;
}

int cs_xglob(const char *p, const char *t)
{
    const char *star = NULL, *resume = NULL;

    while (*t) {
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*t))) {
            p++;
            t++;
        } else if (star) {
            p = star + 1;
            t = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return !*p;
}

static const char *const default_skip[] = {
    "Delete*", "Remove*", "Kill*", "Format*", "Shutdown*", "Reboot*", "Quit", "Exit*", "Terminate*",
    "Run", "Exec*", "Shell*", "Save*", "Write*", "Copy*", "Move*", "Send*", "Print*", "Create*File*",
    "Create*Folder*", "Open*File*", NULL
};

const char *cs_xdefault_skip(const char *name)
{
    size_t i;

    for (i = 0; default_skip[i]; i++)
        if (cs_xglob(default_skip[i], name))
            return default_skip[i];
    return NULL;
}

const char *cs_xdefault_skip_text(void)
{
    static char text[400];
    size_t i, used = 0;

    if (!text[0])
        for (i = 0; default_skip[i]; i++)
            put(text, sizeof(text), &used, "%s%s", i ? ", " : "", default_skip[i]);
    return text;
}
