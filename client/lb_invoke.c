/* Invoke: a binding carried out, through Invoke or the vtable slot. */
#include "lb_internal.h"
#include "dispfast.h"
#include <string.h>

/*
 * 1-based text position of the argument the callee refused, 0 when
 * unknown. puArgErr first (an index into the reversed rgvarg); Wine's
 * DispInvoke leaves it unset, so with type information each argument is
 * tried against its parameter's type with VariantChangeType.
 */
static unsigned bad_arg_position(const lb_site *site, const lb_binding *b, VARIANT *args, UINT argerr)
{
    size_t n = site->spec->nargs, i;
    VARIANT tmp;
    VARTYPE pt;
    HRESULT hr;

    if (argerr < n)
        return (unsigned)(n - argerr);
    for (i = 0; b->typed && i < n && i < (size_t)b->nparams && !site->spec->args[i].name; i++) {
        pt = b->ptypes[i] & ~VT_BYREF;
        if (pt == VT_EMPTY || pt == VT_VARIANT)
            continue;
        VariantInit(&tmp);
        hr = VariantChangeType(&tmp, &args[i], 0, pt);
        VariantClear(&tmp);
        if (FAILED(hr))
            return (unsigned)i + 1;
    }
    return 0;
}

/* The message for a failing hr that carries no rich error information. */
static void plain_error(const lb_site *site, const lb_binding *b, VARIANT *args, HRESULT hr,
                        UINT argerr, lb_error *err)
{
    const cs_callspec *s = site->spec;
    unsigned pos;

    if (hr == DISP_E_TYPEMISMATCH || hr == DISP_E_PARAMNOTFOUND || hr == DISP_E_OVERFLOW) {
        if ((pos = bad_arg_position(site, b, args, argerr)))
            lb_error_set(err, hr, s->member, "argument %u: %s", pos, lb_hr_text(hr));
        else
            lb_error_set(err, hr, s->member, "%s", lb_hr_text(hr));
    } else if (hr == DISP_E_BADPARAMCOUNT) {
        lb_error_set(err, hr, s->member, "wrong number of arguments: %u given", (unsigned)s->nargs);
    } else if (hr == DISP_E_MEMBERNOTFOUND && s->kind == CS_CALL_METHOD && b->flags == DISPATCH_METHOD) {
        lb_error_set(err, hr, s->member, "member not found (if it is a property, write it without parentheses)");
    } else if (hr == DISP_E_MEMBERNOTFOUND && s->kind == CS_CALL_PUT) {
        lb_error_set(err, hr, s->member, "cannot be assigned");
    } else {
        lb_error_set(err, hr, s->member, "%s", lb_hr_text(hr));
    }
}

/* Frees what a failed Invoke left in ei. */
static void excepinfo_clear(EXCEPINFO *ei)
{
    SysFreeString(ei->bstrSource);
    SysFreeString(ei->bstrDescription);
    SysFreeString(ei->bstrHelpFile);
}

HRESULT lb_invoke_error(const lb_site *site, const lb_binding *b, VARIANT *args, HRESULT hr,
                            EXCEPINFO *ei, UINT argerr, lb_error *err)
{
    if (hr == DISP_E_EXCEPTION) {
        if (ei->pfnDeferredFillIn)
            ei->pfnDeferredFillIn(ei);
        if (ei->scode)
            hr = ei->scode;
        lb_error_rich(err, hr, site->spec->member, ei->bstrSource, ei->bstrDescription);
    } else {
        plain_error(site, b, args, hr, argerr, err);
    }
    excepinfo_clear(ei);
    return err->hr = hr;
}

/*
 * Invokes through IDispatch::Invoke, leaving a failure's EXCEPINFO in *ei
 * and puArgErr in *argerr for lb_invoke_error; result is VT_EMPTY after a
 * failure. rgvarg holds the arguments in reverse text order, so the named
 * ones (which follow the positional ones in the text) come first, as
 * DISPPARAMS wants; rgdispidNamedArgs lists their DISPIDs in the same
 * order, after DISPID_PROPERTYPUT for a put (whose value, last in the
 * text, is rgvarg[0]).
 */
static HRESULT invoke_raw(IDispatch *obj, const lb_site *site, const lb_binding *b, VARIANT *args,
                          VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    const cs_callspec *s = site->spec;
    size_t n = s->nargs, i;
    VARIANT rgv[LB_MAX_ARGS];
    DISPID named[LB_MAX_ARGS + 1];
    DISPPARAMS dp = { rgv, named, (UINT)n, 0 };
    HRESULT hr;

    for (i = 0; i < n; i++)
        rgv[n - 1 - i] = args[i];     /* shallow: args keep ownership */
    if (b->flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))
        named[dp.cNamedArgs++] = DISPID_PROPERTYPUT;
    for (i = dp.cNamedArgs; i < n && s->args[n - 1 - i].name; i++)
        named[dp.cNamedArgs++] = b->argids[n - 1 - i];
    if (!dp.cNamedArgs)
        dp.rgdispidNamedArgs = NULL;
    memset(ei, 0, sizeof(*ei));
    *argerr = (UINT)-1;
    V_VT(result) = VT_EMPTY;          /* VariantInit, without the library call */
    hr = IDispatch_Invoke(obj, b->dispid, &IID_NULL, LOCALE_USER_DEFAULT, b->flags, &dp, result, ei, argerr);
    if (FAILED(hr))
        VariantClear(result);
    return hr;
}

HRESULT lb_invoke(IDispatch *obj, const lb_site *site, const lb_binding *b, VARIANT *args,
                  VARIANT *result, lb_error *err)
{
    EXCEPINFO ei;
    UINT argerr;
    HRESULT hr;

    if (SUCCEEDED(hr = invoke_raw(obj, site, b, args, result, &ei, &argerr)))
        return hr;
    return lb_invoke_error(site, b, args, hr, &ei, argerr, err);
}

/*
 * The success path reads no type information: it is what a late-binding
 * client without a cache pays (GetIDsOfNames, then Invoke). A failure the
 * member did not raise itself (an exception is its own message) may be
 * one the typed plan would have refused before calling, with a better
 * message (a property called as a method, a wrong argument count, the
 * position of a mismatched argument): lb_resolve_explain reads the type
 * information then, once.
 */
HRESULT lb_invoke_late(IDispatch *obj, const lb_site *site, lb_binding *b, VARIANT *args, VARIANT *result,
                       lb_error *err, long long *invokes)
{
    EXCEPINFO ei;
    UINT argerr;
    HRESULT hr, why;

    (*invokes)++;
    if (SUCCEEDED(hr = invoke_raw(obj, site, b, args, result, &ei, &argerr)) || hr == DISP_E_EXCEPTION)
        return SUCCEEDED(hr) ? hr : lb_invoke_error(site, b, args, hr, &ei, argerr, err);
    if ((why = lb_resolve_explain(obj, site, b, hr, err)) == S_FALSE)
        return lb_invoke_error(site, b, args, hr, &ei, argerr, err);
    excepinfo_clear(&ei);
    if (FAILED(why))
        return err->hr = why;
    (*invokes)++;                     /* nothing ran: the second plan */
    return lb_invoke(obj, site, b, args, result, err);
}

/* The argument slots of a vtable call: values converted to the parameter
 * types, and VT_BYREF views for pointer parameters. */
typedef struct vt_frame {
    VARIANT conv[LB_MAX_ARGS];
    BOOL owned[LB_MAX_ARGS];
    VARIANT ref[LB_MAX_ARGS + 1];
    VARIANT *pv[LB_MAX_ARGS + 1];
    VARTYPE vts[LB_MAX_ARGS + 1];
} vt_frame;

static void frame_clear(vt_frame *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (f->owned[i])
            VariantClear(&f->conv[i]);
}

/* Fills slot i from args[i]; FALSE when the value does not convert to the
 * parameter's type (the Invoke plan then reports it exactly). By-value
 * arguments of the right type are passed as they are; conversions and
 * by-reference slots get a private copy, so the callee can change it. */
static BOOL frame_arg(vt_frame *f, size_t i, VARTYPE pt, VARIANT *arg)
{
    VARTYPE base = pt & ~VT_BYREF;

    f->owned[i] = FALSE;
    if (base == VT_VARIANT && !(pt & VT_BYREF)) {
        f->vts[i] = VT_VARIANT;
        f->pv[i] = arg;
        return TRUE;
    }
    memset(&f->conv[i], 0, sizeof(f->conv[i]));
    if (V_VT(arg) == base && !(pt & VT_BYREF)) {
        f->conv[i] = *arg;
    } else if (base == VT_VARIANT) {
        if (FAILED(VariantCopy(&f->conv[i], arg)))
            return FALSE;
        f->owned[i] = TRUE;
    } else {
        if (FAILED(VariantChangeType(&f->conv[i], arg, 0, base)))
            return FALSE;
        f->owned[i] = TRUE;
    }
    f->vts[i] = pt;
    f->pv[i] = &f->conv[i];
    if (pt & VT_BYREF) {
        V_VT(&f->ref[i]) = pt;
        V_BYREF(&f->ref[i]) = base == VT_VARIANT ? (void *)&f->conv[i] : (void *)&V_I8(&f->conv[i]);
        f->pv[i] = &f->ref[i];
    }
    return TRUE;
}

#if defined(__x86_64__)
/* Calls slot ovft of iface with up to six integer-class arguments. */
static HRESULT call_slot(void *iface, SHORT ovft, const ULONG_PTR *a, size_t count)
{
    typedef ULONG_PTR P;
    void *fn = (*(void ***)iface)[ovft / (SHORT)sizeof(void *)];

    switch (count) {
    case 0: return ((HRESULT (WINAPI *)(void *))fn)(iface);
    case 1: return ((HRESULT (WINAPI *)(void *, P))fn)(iface, a[0]);
    case 2: return ((HRESULT (WINAPI *)(void *, P, P))fn)(iface, a[0], a[1]);
    case 3: return ((HRESULT (WINAPI *)(void *, P, P, P))fn)(iface, a[0], a[1], a[2]);
    case 4: return ((HRESULT (WINAPI *)(void *, P, P, P, P))fn)(iface, a[0], a[1], a[2], a[3]);
    case 5: return ((HRESULT (WINAPI *)(void *, P, P, P, P, P))fn)(iface, a[0], a[1], a[2], a[3], a[4]);
    default: return ((HRESULT (WINAPI *)(void *, P, P, P, P, P, P))fn)(iface, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}
#endif

/*
 * The common case without DispCallFunc's generic marshalling: on x86-64
 * every argument that is not floating point travels in an integer register
 * or stack slot, in the form DispCallFunc would give it (the value, or a
 * pointer for by-reference and VARIANT parameters), so up to six of them
 * can be passed through a function pointer of ULONG_PTR parameters.
 * Returns FALSE when the frame has a float (R4, R8, DATE) or more than six
 * slots.
 */
static BOOL call_direct(void *iface, SHORT ovft, const vt_frame *f, size_t count, HRESULT *hr)
{
#if defined(__x86_64__)
    ULONG_PTR a[6] = { 0 };
    size_t i;

    if (count > 6)
        return FALSE;
    for (i = 0; i < count; i++) {
        /* floating point goes in XMM registers: DispCallFunc handles it */
        if (f->vts[i] == VT_R4 || f->vts[i] == VT_R8 || f->vts[i] == VT_DATE)
            return FALSE;
        a[i] = f->vts[i] == VT_VARIANT ? (ULONG_PTR)f->pv[i] : (ULONG_PTR)V_UI8(f->pv[i]);
    }
    *hr = call_slot(iface, ovft, a, count);
    return TRUE;
#else
    return FALSE;
#endif
}

/* Parameter types whose value travels in an integer register and which a
 * scalar from the call text converts to without allocating anything. */
static BOOL native_type(VARTYPE pt)
{
    switch (pt) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4:
    case VT_INT: case VT_UINT: case VT_I8: case VT_UI8: case VT_BOOL: case VT_ERROR: case VT_CY:
        return TRUE;
    default:
        return FALSE;
    }
}

/*
 * Converts the site's arguments (args, built by lb_args_build) once into
 * the register values of b's vtable slot, so a repeated call skips the
 * conversion. FALSE, with nothing allocated, unless every argument is a
 * scalar (no string, no object) going by value to a native_type()
 * parameter and the slots, retval included, number at most six; callers
 * then take the general path. Meant to be declared in lb_internal.h.
 */
BOOL lb_native_args(const lb_site *site, const lb_binding *b, const VARIANT *args, ULONG_PTR *a)
{
    size_t n = site->spec->nargs, i;
    VARIANT conv;

#if !defined(__x86_64__)
    return FALSE;
#endif
    if (!b->vtable || n + (b->retval != VT_EMPTY) > 6)
        return FALSE;
    for (i = 0; i < n; i++) {
        if (!native_type(b->ptypes[i]) || V_VT(&args[i]) == VT_BSTR || V_VT(&args[i]) == VT_DISPATCH)
            return FALSE;
        memset(&conv, 0, sizeof(conv));
        if (V_VT(&args[i]) == b->ptypes[i])
            conv = args[i];
        else if (FAILED(VariantChangeType(&conv, (VARIANT *)&args[i], 0, b->ptypes[i])))
            return FALSE;
        a[i] = (ULONG_PTR)V_UI8(&conv);
    }
    return TRUE;
}

/*
 * The vtable call of b with register values from lb_native_args: the same
 * result and error handling as lb_invoke_vtable, without the per-call
 * argument conversion. Meant to be declared in lb_internal.h.
 */
HRESULT lb_invoke_native(void *iface, const lb_site *site, const lb_binding *b, const ULONG_PTR *a,
                         VARIANT *result, lb_error *err)
{
#if defined(__x86_64__)
    size_t n = site->spec->nargs;
    ULONG_PTR p[6];
    HRESULT hr;

    memcpy(p, a, n * sizeof(*a));
    memset(result, 0, sizeof(*result));
    if (b->retval != VT_EMPTY)
        p[n++] = b->retval == VT_VARIANT ? (ULONG_PTR)result : (ULONG_PTR)&V_I8(result);
    if (FAILED(hr = call_slot(iface, b->ovft, p, n))) {
        VariantInit(result);
        lb_error_from_errorinfo(err, hr, site->spec->member);
        return hr;
    }
    if (b->retval != VT_EMPTY && b->retval != VT_VARIANT)
        V_VT(result) = b->retval;
    return hr;
#else
    lb_error_set(err, E_NOTIMPL, site->spec->member, "vtable call failed");
    return E_NOTIMPL;
#endif
}

HRESULT lb_invoke_vtable(void *iface, const lb_site *site, const lb_binding *b, VARIANT *args,
                         VARIANT *result, lb_error *err, BOOL *fallback)
{
    size_t n = site->spec->nargs, i, count = n;
    vt_frame f;
    VARIANT ret;
    HRESULT hr;

    *fallback = FALSE;
    for (i = 0; i < n; i++) {
        if (!frame_arg(&f, i, b->ptypes[i], &args[i])) {
            frame_clear(&f, i);
            *fallback = TRUE;
            return S_OK;
        }
    }
    memset(result, 0, sizeof(*result));
    if (b->retval != VT_EMPTY) {
        V_VT(&f.ref[n]) = VT_BYREF | b->retval;
        V_BYREF(&f.ref[n]) = b->retval == VT_VARIANT ? (void *)result : (void *)&V_I8(result);
        f.vts[n] = VT_BYREF | b->retval;
        f.pv[n] = &f.ref[n];
        count++;
    }
    VariantInit(&ret);
    if (call_direct(iface, b->ovft, &f, count, &hr)) {
        V_VT(&ret) = VT_ERROR;
        V_ERROR(&ret) = hr;
        hr = S_OK;
    } else {
        hr = DispCallFunc(iface, (ULONG_PTR)b->ovft, CC_STDCALL, VT_ERROR, (UINT)count, f.vts, f.pv, &ret);
    }
    frame_clear(&f, n);
    if (FAILED(hr)) {
        VariantInit(result);
        lb_error_set(err, hr, site->spec->member, "vtable call failed");
        return hr;
    }
    if (FAILED(hr = V_ERROR(&ret))) {
        VariantInit(result);
        lb_error_from_errorinfo(err, hr, site->spec->member);
        return hr;
    }
    if (b->retval != VT_EMPTY && b->retval != VT_VARIANT)
        V_VT(result) = b->retval;
    return hr;
}

#if defined(__x86_64__)
/* The out-of-line parts of a repeated vtable call: see dispfast.h. */
HRESULT lb_native_failed(const lb_site *site, VARIANT *res, lb_error *err, HRESULT hr)
{
    V_VT(res) = VT_EMPTY;
    lb_error_from_errorinfo(err, hr, site->spec->member);
    return hr;
}

HRESULT lb_native_wide(IDispatch *obj, const lb_site *site, const fast_call *f, VARIANT *res, lb_error *err,
                       ULONG_PTR ret)
{
    typedef ULONG_PTR P;
    void *fn = (*(void ***)obj)[f->vslot];
    P a[6] = { f->a[0], f->a[1], f->a[2], f->a[3], f->a[4], f->a[5] };
    HRESULT hr;

    if (f->nslots > f->nargs)
        a[f->nargs] = ret;
    hr = ((HRESULT (WINAPI *)(void *, P, P, P, P, P, P))fn)(obj, a[0], a[1], a[2], a[3], a[4], a[5]);
    return FAILED(hr) ? lb_native_failed(site, res, err, hr) : hr;
}
#endif
