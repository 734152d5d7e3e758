/* Call text arguments to VARIANTs (see lb_internal.h). */
#include "lb_internal.h"
#include <string.h>

/* What @name stands for: an object (*disp) or a value (*value); FALSE
 * when refs names neither. */
static BOOL find_ref(const lb_refs *refs, const char *name, IDispatch **disp, VARIANT **value)
{
    size_t j;

    *disp = NULL;
    *value = NULL;
    for (j = 0; refs && j < refs->count; j++) {
        if (!strcmp(refs->items[j].name, name)) {
            *disp = refs->items[j].disp;
            return TRUE;
        }
    }
    for (j = 0; refs && refs->values && j < refs->nvalues; j++) {
        if (!strcmp(refs->values[j].name, name)) {
            *value = refs->values[j].value;
            return TRUE;
        }
    }
    return FALSE;
}

HRESULT lb_args_refs(const lb_site *site, const lb_refs *refs, IDispatch **objs, lb_error *err)
{
    const cs_callspec *spec = site->spec;
    IDispatch *disp;
    VARIANT *value;
    size_t i, k = 0;

    for (i = 0; i < spec->nargs; i++) {
        const cs_arg *a = &spec->args[i];
        if (a->kind != CS_ARG_REF && a->kind != CS_ARG_OUT)
            continue;
        if (!find_ref(refs, a->s, &disp, &value)) {
            lb_error_set(err, E_INVALIDARG, spec->member, "argument %u: unknown object reference '@%s'",
                         (unsigned)i + 1, a->s);
            return E_INVALIDARG;
        }
        if (a->kind == CS_ARG_OUT && !value) {
            lb_error_set(err, E_INVALIDARG, spec->member, "argument %u: '@%s' cannot receive an output",
                         (unsigned)i + 1, a->s);
            return E_INVALIDARG;
        }
        if (a->kind == CS_ARG_REF)      /* the object, NULL for a value that is none */
            objs[k++] = value ? (V_VT(value) == VT_DISPATCH ? V_DISPATCH(value) : NULL) : disp;
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

static HRESULT value_variant(const cs_arg *a, const lb_refs *refs, VARIANT *v);

/* An array as a SAFEARRAY of VARIANT (lower bound 0) owned by v. Its
 * @object elements are AddRef'd: SafeArrayDestroy releases them. Nesting
 * is bounded by the parser (CS_MAX_NESTING). */
static HRESULT array_variant(const cs_arg *a, const lb_refs *refs, VARIANT *v)
{
    SAFEARRAY *sa = SafeArrayCreateVector(VT_VARIANT, 0, (ULONG)a->nitems);
    VARIANT *data;
    size_t i;
    HRESULT hr = S_OK;

    if (!sa)
        return E_OUTOFMEMORY;
    if (a->nitems && FAILED(hr = SafeArrayAccessData(sa, (void **)&data))) {
        SafeArrayDestroy(sa);
        return hr;
    }
    for (i = 0; i < a->nitems && SUCCEEDED(hr); i++) {
        hr = value_variant(&a->items[i], refs, &data[i]);
        if (SUCCEEDED(hr) && V_VT(&data[i]) == VT_DISPATCH && V_DISPATCH(&data[i]))
            IDispatch_AddRef(V_DISPATCH(&data[i]));
    }
    if (a->nitems)
        SafeArrayUnaccessData(sa);
    if (FAILED(hr)) {
        SafeArrayDestroy(sa);
        return hr;
    }
    V_VT(v) = VT_ARRAY | VT_VARIANT;
    V_ARRAY(v) = sa;
    return S_OK;
}

/*
 * One value into v (VariantInit'ed here). A reference to an object gives
 * a borrowed VT_DISPATCH (lb_args_clear leaves it alone); a reference to
 * any other value gives a copy. E_INVALIDARG for an unknown reference
 * (inside an array: lb_args_refs checks only the top level).
 */
static HRESULT value_variant(const cs_arg *a, const lb_refs *refs, VARIANT *v)
{
    IDispatch *disp;
    VARIANT *value;

    V_VT(v) = VT_EMPTY;               /* VariantInit, without the library call */
    switch (a->kind) {
    case CS_ARG_INT:     int_variant(v, a->i); break;
    case CS_ARG_DOUBLE:  V_VT(v) = VT_R8; V_R8(v) = a->d; break;
    case CS_ARG_DATE:    V_VT(v) = VT_DATE; V_DATE(v) = a->d; break;
    case CS_ARG_BOOL:    V_VT(v) = VT_BOOL; V_BOOL(v) = a->i ? VARIANT_TRUE : VARIANT_FALSE; break;
    case CS_ARG_NULL:    V_VT(v) = VT_NULL; break;
    case CS_ARG_EMPTY:   break;
    case CS_ARG_MISSING: V_VT(v) = VT_ERROR; V_ERROR(v) = DISP_E_PARAMNOTFOUND; break;
    case CS_ARG_ARRAY:   return array_variant(a, refs, v);
    case CS_ARG_STRING:
        if (!(V_BSTR(v) = bstr_from_utf8(a->s)))
            return E_OUTOFMEMORY;
        V_VT(v) = VT_BSTR;
        break;
    case CS_ARG_REF:
        if (!find_ref(refs, a->s, &disp, &value))
            return E_INVALIDARG;
        if (!value || V_VT(value) == VT_DISPATCH) {
            V_VT(v) = VT_DISPATCH;
            V_DISPATCH(v) = value ? V_DISPATCH(value) : disp;
            break;
        }
        return VariantCopy(v, value);
    case CS_ARG_OUT:
        if (!find_ref(refs, a->s, &disp, &value) || !value)
            return E_INVALIDARG;
        V_VT(v) = VT_BYREF | VT_VARIANT;
        V_VARIANTREF(v) = value;
        break;
    }
    return S_OK;
}

HRESULT lb_args_build(const lb_site *site, IDispatch *const *objs, const lb_refs *refs, VARIANT *v,
                      lb_error *err)
{
    const cs_callspec *spec = site->spec;
    size_t i, k = 0;
    HRESULT hr;

    for (i = 0; i < spec->nargs; i++) {
        const cs_arg *a = &spec->args[i];
        if (a->kind == CS_ARG_REF && objs[k]) {     /* the object lb_args_refs found */
            VariantInit(&v[i]);
            V_VT(&v[i]) = VT_DISPATCH;
            V_DISPATCH(&v[i]) = objs[k++];
            continue;
        }
        k += a->kind == CS_ARG_REF;
        if (FAILED(hr = value_variant(a, refs, &v[i]))) {
            lb_args_clear(v, i);
            if (hr == E_INVALIDARG)
                lb_error_set(err, hr, spec->member, "argument %u: unknown object reference in an array",
                             (unsigned)i + 1);
            else
                lb_error_set(err, hr, spec->member, "argument %u: cannot be converted", (unsigned)i + 1);
            return hr;
        }
    }
    return S_OK;
}

/* Whether clearing v frees something: a string, an array, an interface
 * or a record held by value. A by-reference slot, a scalar or a borrowed
 * object is only marked empty, without a call into oleaut32 (the none
 * policy clears its arguments on every call). */
static BOOL owns_memory(const VARIANT *v)
{
    VARTYPE vt = V_VT(v);

    if (vt & VT_BYREF)
        return FALSE;
    return (vt & VT_ARRAY) || vt == VT_BSTR || vt == VT_UNKNOWN || vt == VT_RECORD || vt == VT_VARIANT;
}

void lb_args_clear(VARIANT *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (V_VT(&v[i]) != VT_DISPATCH && owns_memory(&v[i]))   /* VT_DISPATCH: borrowed from the harness */
            VariantClear(&v[i]);
        else
            V_VT(&v[i]) = VT_EMPTY;
    }
}

HRESULT lb_arg_value(const cs_arg *a, const lb_refs *refs, VARIANT *v)
{
    HRESULT hr = value_variant(a, refs, v);

    if (SUCCEEDED(hr) && V_VT(v) == VT_DISPATCH && V_DISPATCH(v))
        IDispatch_AddRef(V_DISPATCH(v));
    return hr;
}
