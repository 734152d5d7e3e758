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
 * site at a freed site's address for the old one. */
static volatile LONG64 site_serial;

/* Builds the site: its wide member name and its signature (call kind,
 * argument count, member in lower case: COM names are case-insensitive). */
static lb_site *site_new(cs_callspec *spec)
{
    size_t mlen = strlen(spec->member), i;
    lb_site *s = calloc(1, sizeof(*s) + 2 + mlen);

    if (!s)
        return NULL;
    if (!(s->wmember = calloc(mlen + 1, sizeof(WCHAR)))) {
        free(s);
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, 0, spec->member, -1, s->wmember, (int)mlen + 1);
    s->spec = spec;
    s->serial = (unsigned long long)InterlockedIncrement64(&site_serial);
    s->sig[0] = (unsigned char)spec->kind;
    s->sig[1] = (unsigned char)spec->nargs;
    for (i = 0; i < mlen; i++)
        s->sig[2 + i] = (unsigned char)tolower((unsigned char)spec->member[i]);
    s->siglen = 2 + mlen;
    return s;
}

HRESULT lb_site_parse(const char *text, lb_site **out, lb_error *err)
{
    cs_callspec *spec;

    *out = NULL;
    err->hr = S_OK;
    err->message[0] = 0;
    if (cs_callspec_parse(text, &spec, err->message, sizeof(err->message))) {
        err->hr = strcmp(err->message, "out of memory") ? E_INVALIDARG : E_OUTOFMEMORY;
        return err->hr;
    }
    if (spec->nargs > LB_MAX_ARGS) {
        snprintf(err->message, sizeof(err->message), "%s: too many arguments (at most %d) at column %d",
                 spec->text, LB_MAX_ARGS, spec->args[LB_MAX_ARGS].column);
        cs_callspec_free(spec);
        return err->hr = E_INVALIDARG;
    }
    if (!(*out = site_new(spec))) {
        cs_callspec_free(spec);
        snprintf(err->message, sizeof(err->message), "out of memory");
        return err->hr = E_OUTOFMEMORY;
    }
    return S_OK;
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
    if (!s)
        return;
    cs_callspec_free(s->spec);
    free(s->wmember);
    free(s);
}
