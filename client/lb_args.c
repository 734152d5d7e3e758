/* Call text arguments to VARIANTs (see lb_internal.h). */
#include "lb_internal.h"
#include <string.h>

HRESULT lb_args_refs(const lb_site *site, const lb_refs *refs, IDispatch **objs, lb_error *err)
{
    const cs_callspec *spec = site->spec;
    size_t i, j, k = 0;

    for (i = 0; i < spec->nargs; i++) {
        if (spec->args[i].kind != CS_ARG_REF)
            continue;
        objs[k] = NULL;
        for (j = 0; refs && j < refs->count && !objs[k]; j++)
            if (!strcmp(refs->items[j].name, spec->args[i].s))
                objs[k] = refs->items[j].disp;
        if (!objs[k]) {
            lb_error_set(err, E_INVALIDARG, spec->member, "argument %u: unknown object reference '@%s'",
                         (unsigned)i + 1, spec->args[i].s);
            return E_INVALIDARG;
        }
        k++;
    }
    return S_OK;
}

/* A new BSTR from UTF-8 text; NULL when out of memory. */
static BSTR bstr_from_utf8(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    BSTR b = SysAllocStringLen(NULL, n > 0 ? (UINT)n - 1 : 0);

    if (b && n > 1)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, b, n);
    return b;
}

/* Integers take VT_I4 when they fit, VT_I8 otherwise. */
static void int_variant(VARIANT *v, long long i)
{
    if (i >= -2147483647LL - 1 && i <= 2147483647LL) {
        V_VT(v) = VT_I4;
        V_I4(v) = (LONG)i;
    } else {
        V_VT(v) = VT_I8;
        V_I8(v) = i;
    }
}

HRESULT lb_args_build(const lb_site *site, IDispatch *const *objs, VARIANT *v, lb_error *err)
{
    const cs_callspec *spec = site->spec;
    size_t i, k = 0;

    for (i = 0; i < spec->nargs; i++) {
        const cs_arg *a = &spec->args[i];
        VariantInit(&v[i]);
        switch (a->kind) {
        case CS_ARG_INT:    int_variant(&v[i], a->i); break;
        case CS_ARG_DOUBLE: V_VT(&v[i]) = VT_R8; V_R8(&v[i]) = a->d; break;
        case CS_ARG_BOOL:   V_VT(&v[i]) = VT_BOOL; V_BOOL(&v[i]) = a->i ? VARIANT_TRUE : VARIANT_FALSE; break;
        case CS_ARG_NULL:   V_VT(&v[i]) = VT_NULL; break;
        case CS_ARG_EMPTY:  break;
        case CS_ARG_REF:    V_VT(&v[i]) = VT_DISPATCH; V_DISPATCH(&v[i]) = objs[k++]; break;
        case CS_ARG_STRING:
            if (!(V_BSTR(&v[i]) = bstr_from_utf8(a->s))) {
                lb_args_clear(v, i);
                lb_error_set(err, E_OUTOFMEMORY, spec->member, "argument %u: out of memory", (unsigned)i + 1);
                return E_OUTOFMEMORY;
            }
            V_VT(&v[i]) = VT_BSTR;
            break;
        }
    }
    return S_OK;
}

void lb_args_clear(VARIANT *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (V_VT(&v[i]) == VT_DISPATCH)   /* borrowed from the harness */
            VariantInit(&v[i]);
        else
            VariantClear(&v[i]);
    }
}
