/* Call sites and policy names of the late-binding layer (see lb.h). */
#include "lb_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const policy_names[] = { "none", "type", "instance", "instance-unbounded" };

BOOL lb_policy_from_name(const char *name, lb_policy *out)
{
    size_t i;

    for (i = 0; name && i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
        if (!strcmp(name, policy_names[i])) {
            *out = (lb_policy)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *lb_policy_name(lb_policy p)
{
    return (unsigned)p < sizeof(policy_names) / sizeof(policy_names[0]) ? policy_names[p] : "unknown";
}

/* Site serials: unique per process, so a dispatcher never mistakes a new
 * site at a freed site's address for the old one, and a serial alone
 * names its site. They start at 1: a dispatcher's empty slot has 0. */
static volatile LONG64 site_serial;

/* A new wide copy of UTF-8 text; NULL when out of memory. */
static WCHAR *wide(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));

    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, (int)n + 1);
    return w;
}

/* Appends name in lower case to the signature (COM names are
 * case-insensitive); returns the new length. */
static size_t sig_name(unsigned char *sig, size_t len, const char *name)
{
    while (*name)
        sig[len++] = (unsigned char)tolower((unsigned char)*name++);
    return len;
}

/* Whether the site's arguments are values of its own: numbers, booleans,
 * null and empty, none named (no string to allocate, no object or output
 * to look up). */
static BOOL site_plain(const cs_callspec *spec)
{
    size_t i;

    for (i = 0; i < spec->nargs; i++) {
        cs_argkind k = spec->args[i].kind;
        if (spec->args[i].name
            || (k != CS_ARG_INT && k != CS_ARG_DOUBLE && k != CS_ARG_BOOL && k != CS_ARG_NULL && k != CS_ARG_EMPTY))
            return FALSE;
    }
    return TRUE;
}

/* Converts a plain site's arguments once: a client holds its values, it
 * does not parse them again for every call (the none policy resolves
 * every call, its values are the same every time). FALSE on OOM. */
static BOOL site_ready(lb_site *s)
{
    size_t i, n = s->spec->nargs;

    s->plain = !s->rich && site_plain(s->spec);
    if (!s->plain || !n)
        return TRUE;
    if (!(s->ready = calloc(n, sizeof(*s->ready))))
        return FALSE;
    for (i = 0; i < n; i++)
        if (FAILED(lb_arg_value(&s->spec->args[i], NULL, &s->ready[i])))
            return FALSE;
    return TRUE;
}

/* Builds the site: its wide names (member, then each named argument) and
 * its signature (call kind, argument count, member and argument names).
 * A named argument's name is part of the signature because the binding
 * holds its DISPID. */
static lb_site *site_new(cs_callspec *spec, BOOL borrowed)
{
    size_t size = 2 + strlen(spec->member), i;
    lb_site *s;

    for (i = 0; i < spec->nargs; i++)
        if (spec->args[i].name)
            size += 1 + strlen(spec->args[i].name);
    if (!(s = calloc(1, sizeof(*s) + size)))
        return NULL;
    if (!(s->wnames = calloc(1 + spec->nnamed, sizeof(*s->wnames))) || !(s->wnames[0] = wide(spec->member)))
        goto out_free;
    s->nnames = 1;
    for (i = 0; i < spec->nargs; i++)
        if (spec->args[i].name && !(s->wnames[s->nnames++] = wide(spec->args[i].name)))
            goto out_free;
    s->spec = spec;
    s->borrowed = borrowed;
    s->rich = cs_callspec_rich(spec) != 0;
    if (!site_ready(s))
        goto out_free;
    s->serial = (unsigned long long)InterlockedIncrement64(&site_serial);
    s->sig[0] = (unsigned char)(spec->kind | (s->rich ? 0x80 : 0));
    s->sig[1] = (unsigned char)spec->nargs;
    s->siglen = sig_name(s->sig, 2, spec->member);
    for (i = 0; i < spec->nargs; i++) {
        if (spec->args[i].name) {
            s->sig[s->siglen++] = 0;
            s->siglen = sig_name(s->sig, s->siglen, spec->args[i].name);
        }
    }
    return s;
out_free:
    s->spec = NULL;
    lb_site_free(s);
    return NULL;
}

/* The site for spec, taking it over unless borrowed; refuses more than
 * LB_MAX_ARGS arguments (the parser's own limit is the same). */
static HRESULT site_make(cs_callspec *spec, BOOL borrowed, lb_site **out, lb_error *err)
{
    if (spec->nargs > LB_MAX_ARGS) {
        snprintf(err->message, sizeof(err->message), "%s: too many arguments (at most %d) at column %d",
                 spec->text, LB_MAX_ARGS, spec->args[LB_MAX_ARGS].column);
        return err->hr = E_INVALIDARG;
    }
    if (!(*out = site_new(spec, borrowed))) {
        snprintf(err->message, sizeof(err->message), "out of memory");
        return err->hr = E_OUTOFMEMORY;
    }
    return S_OK;
}

HRESULT lb_site_parse(const char *text, lb_site **out, lb_error *err)
{
    cs_callspec *spec;
    HRESULT hr;

    *out = NULL;
    err->hr = S_OK;
    err->message[0] = 0;
    if (cs_callspec_parse(text, &spec, err->message, sizeof(err->message))) {
        err->hr = strcmp(err->message, "out of memory") ? E_INVALIDARG : E_OUTOFMEMORY;
        return err->hr;
    }
    if (FAILED(hr = site_make(spec, FALSE, out, err)))
        cs_callspec_free(spec);
    return hr;
}

HRESULT lb_site_from_spec(const cs_callspec *spec, lb_site **out, lb_error *err)
{
    *out = NULL;
    err->hr = S_OK;
    err->message[0] = 0;
    return site_make((cs_callspec *)spec, TRUE, out, err);
}

const char *lb_site_text(const lb_site *s)
{
    return s->spec->text;
}

const char *lb_site_member(const lb_site *s)
{
    return s->spec->member;
}

void lb_site_free(lb_site *s)
{
    UINT i;

    if (!s)
        return;
    if (!s->borrowed)
        cs_callspec_free(s->spec);
    for (i = 0; s->wnames && i < s->nnames; i++)
        free(s->wnames[i]);
    free(s->wnames);
    free(s->ready);                   /* scalars: nothing of theirs to free */
    free(s);
}
