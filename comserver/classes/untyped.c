/*
 * Class "Untyped": the members of IStressTarget behind a plain IDispatch
 * with no type information, names and calls resolved by hand. A per-object
 * DISPID salt turns the same code into class "Shifting" (shifting.c).
 */
#include "untyped.h"

typedef struct untyped {
    IDispatch IDispatch_iface;
    LONG ref;
    LONG value;
    LONG salt;                 /* added to every DISPID handed out */
    cs_class cls;
} untyped;

/* The members, in IStressTarget's DISPID order (id = index + 1). */
typedef struct member {
    const WCHAR *name;
    WORD kinds;                /* DISPATCH_* flags the member accepts */
    UINT nparams;              /* arguments of a call or property get */
    VARTYPE params[2];
} member;

static const member members[] = {
    { L"Add", DISPATCH_METHOD, 1, { VT_I4 } },
    { L"Value", DISPATCH_PROPERTYGET | DISPATCH_PROPERTYPUT, 0, { 0 } },
    { L"Echo", DISPATCH_METHOD, 1, { VT_BSTR } },
    { L"Consume", DISPATCH_METHOD, 1, { VT_VARIANT } },
    { L"CreateChild", DISPATCH_METHOD, 0, { 0 } },
    { L"Divide", DISPATCH_METHOD, 2, { VT_I4, VT_I4 } },
    { L"Swap", DISPATCH_METHOD, 2, { VT_I4 | VT_BYREF, VT_I4 | VT_BYREF } },
    { L"Name", DISPATCH_PROPERTYGET, 0, { 0 } },
};

enum { ID_ADD = 1, ID_VALUE, ID_ECHO, ID_CONSUME, ID_CREATECHILD, ID_DIVIDE, ID_SWAP, ID_NAME };

static inline untyped *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, untyped, IDispatch_iface);
}

static HRESULT WINAPI untyped_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch))
        return E_NOINTERFACE;
    *out = iface;
    IDispatch_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI untyped_AddRef(IDispatch *iface)
{
    untyped *This = impl_from_IDispatch(iface);

    cs_count_addref(This->cls);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI untyped_Release(IDispatch *iface)
{
    untyped *This = impl_from_IDispatch(iface);
    cs_class cls = This->cls;
    LONG ref;

    cs_count_release(cls);
    if ((ref = InterlockedDecrement(&This->ref)))
        return ref;
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(cls);
    return 0;
}

static HRESULT WINAPI untyped_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI untyped_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid,
                                          ITypeInfo **info)
{
    *info = NULL;
    return DISP_E_BADINDEX;
}

/* Resolves the member name (case-insensitive); parameter names are not
 * supported and get DISPID_UNKNOWN. */
static HRESULT WINAPI untyped_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names,
                                            UINT count, LCID lcid, DISPID *dispids)
{
    untyped *This = impl_from_IDispatch(iface);
    HRESULT hr = S_OK;
    UINT i, m;

    for (i = 0; i < count; i++) {
        dispids[i] = DISPID_UNKNOWN;
        for (m = 0; i == 0 && names[0] && m < ARRAY_SIZE(members); m++)
            if (!lstrcmpiW(names[0], members[m].name))
                dispids[0] = (DISPID)(m + 1) + This->salt;
        if (dispids[i] == DISPID_UNKNOWN)
            hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

/*
 * Checks the invoke kind and the argument shape for member id. A property
 * put needs exactly one argument named DISPID_PROPERTYPUT; other kinds take
 * no named arguments. Returns S_OK and the expected argument count.
 */
static HRESULT check_call(int id, WORD flags, const DISPPARAMS *params, BOOL *put, UINT *nargs)
{
    const member *m = &members[id - 1];

    *put = (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF)) != 0;
    if (*put) {
        if (!(m->kinds & DISPATCH_PROPERTYPUT))
            return DISP_E_MEMBERNOTFOUND;
        if (params->cNamedArgs != 1 || params->rgdispidNamedArgs[0] != DISPID_PROPERTYPUT)
            return DISP_E_PARAMNOTOPTIONAL;
        *nargs = 1;
    } else {
        if (!(flags & m->kinds & (DISPATCH_METHOD | DISPATCH_PROPERTYGET)))
            return DISP_E_MEMBERNOTFOUND;
        if (params->cNamedArgs)
            return DISP_E_NONAMEDARGS;
        *nargs = m->nparams;
    }
    return params->cArgs == *nargs ? S_OK : DISP_E_BADPARAMCOUNT;
}

/* Gives a LONG* for an [in, out] LONG argument: a VT_I4 reference as is, a
 * variant reference after converting the referenced variant in place. */
static HRESULT byref_long(VARIANT *arg, LONG **out)
{
    VARIANT *inner;
    HRESULT hr;

    if (V_VT(arg) == (VT_BYREF | VT_I4)) {
        *out = V_I4REF(arg);
        return S_OK;
    }
    if (V_VT(arg) != (VT_BYREF | VT_VARIANT) || !(inner = V_VARIANTREF(arg)))
        return DISP_E_TYPEMISMATCH;
    if (FAILED(hr = VariantChangeType(inner, inner, 0, VT_I4)))
        return hr;
    *out = &V_I4(inner);
    return S_OK;
}

/*
 * Converts the arguments to the member's parameter types, in declaration
 * order (rgvarg holds them last to first). conv[] receives by-value
 * conversions the caller clears; refs[] the [in, out] targets. On a failed
 * conversion *argerr is the rgvarg index of the argument.
 */
static HRESULT convert_args(const member *m, BOOL put, DISPPARAMS *params, VARIANT *conv,
                            LONG **refs, UINT *argerr)
{
    UINT i, n = params->cArgs;
    HRESULT hr;

    for (i = 0; i < n; i++) {
        VARIANT *arg = &params->rgvarg[n - 1 - i];
        VARTYPE vt = put ? VT_I4 : m->params[i];

        if (vt == VT_VARIANT)
            hr = VariantCopyInd(&conv[i], arg);
        else if (vt & VT_BYREF)
            hr = byref_long(arg, &refs[i]);
        else
            hr = VariantChangeType(&conv[i], arg, 0, vt);
        if (FAILED(hr)) {
            if (argerr)
                *argerr = n - 1 - i;
            return hr == DISP_E_OVERFLOW ? hr : DISP_E_TYPEMISMATCH;
        }
    }
    return S_OK;
}

/* Fills EXCEPINFO for a failed member (or returns hr itself without one). */
static HRESULT raise(EXCEPINFO *excepinfo, HRESULT hr, const WCHAR *description)
{
    if (!excepinfo)
        return hr;
    memset(excepinfo, 0, sizeof(*excepinfo));
    excepinfo->scode = hr;
    excepinfo->bstrSource = SysAllocString(L"ComStress");
    excepinfo->bstrDescription = SysAllocString(description);
    return DISP_E_EXCEPTION;
}

/* Runs a member whose arguments are converted; the result goes to res. */
static HRESULT run_member(untyped *This, int id, BOOL put, VARIANT *conv, LONG **refs,
                          VARIANT *res, EXCEPINFO *excepinfo)
{
    VARIANT *item;
    LONG t;

    switch (id) {
    case ID_ADD:
        V_VT(res) = VT_I4;
        V_I4(res) = InterlockedAdd(&This->value, V_I4(&conv[0]));
        return S_OK;
    case ID_VALUE:
        if (put)
            InterlockedExchange(&This->value, V_I4(&conv[0]));
        V_VT(res) = VT_I4;
        V_I4(res) = This->value;
        return S_OK;
    case ID_ECHO:
        V_VT(res) = VT_BSTR;
        V_BSTR(res) = SysAllocStringLen(V_BSTR(&conv[0]), SysStringLen(V_BSTR(&conv[0])));
        return V_BSTR(res) ? S_OK : E_OUTOFMEMORY;
    case ID_CONSUME:
        item = &conv[0];
        V_VT(res) = VT_I4;
        V_I4(res) = (V_VT(item) == VT_DISPATCH || V_VT(item) == VT_UNKNOWN) && V_UNKNOWN(item);
        return S_OK;
    case ID_CREATECHILD:
        V_VT(res) = VT_DISPATCH;
        return (This->cls == CS_CLASS_SHIFTING ? shifting_create : untyped_create)(
            NULL, &IID_IDispatch, (void **)&V_DISPATCH(res));
    case ID_DIVIDE:
        if (V_I4(&conv[1]) == 0)
            return raise(excepinfo, DISP_E_DIVBYZERO, L"Divide: division by zero");
        V_VT(res) = VT_R8;
        V_R8(res) = (double)V_I4(&conv[0]) / V_I4(&conv[1]);
        return S_OK;
    case ID_SWAP:
        t = *refs[0];
        *refs[0] = *refs[1];
        *refs[1] = t;
        return S_OK;
    case ID_NAME:
        V_VT(res) = VT_BSTR;
        V_BSTR(res) = SysAllocString(This->cls == CS_CLASS_SHIFTING ? L"Shifting" : L"Untyped");
        return V_BSTR(res) ? S_OK : E_OUTOFMEMORY;
    }
    return DISP_E_MEMBERNOTFOUND;
}

/*
 * Invoke by hand. A DISPID this instance did not hand out (another
 * instance's salt, or no member) is DISP_E_MEMBERNOTFOUND, as is a wrong
 * invoke kind. The result is dropped when the caller passes no VARIANT.
 */
static HRESULT WINAPI untyped_Invoke(IDispatch *iface, DISPID dispid, REFIID riid, LCID lcid,
                                     WORD flags, DISPPARAMS *params, VARIANT *result,
                                     EXCEPINFO *excepinfo, UINT *argerr)
{
    untyped *This = impl_from_IDispatch(iface);
    int id = (int)(dispid - This->salt);
    VARIANT conv[2], res;
    LONG *refs[2] = { NULL, NULL };
    UINT nargs, i;
    BOOL put;
    HRESULT hr;

    if (!IsEqualIID(riid, &IID_NULL))
        return DISP_E_UNKNOWNINTERFACE;
    if (id < 1 || id > (int)ARRAY_SIZE(members))
        return DISP_E_MEMBERNOTFOUND;
    if (!params)
        return E_INVALIDARG;
    if (FAILED(hr = check_call(id, flags, params, &put, &nargs)))
        return hr;
    for (i = 0; i < ARRAY_SIZE(conv); i++)
        VariantInit(&conv[i]);
    VariantInit(&res);
    if (SUCCEEDED(hr = convert_args(&members[id - 1], put, params, conv, refs, argerr)))
        hr = run_member(This, id, put, conv, refs, &res, excepinfo);
    if (SUCCEEDED(hr) && result && !put)
        *result = res;
    else
        VariantClear(&res);
    for (i = 0; i < ARRAY_SIZE(conv); i++)
        VariantClear(&conv[i]);
    return hr;
}

static const IDispatchVtbl untyped_vtbl = {
    .QueryInterface = untyped_QueryInterface,
    .AddRef = untyped_AddRef,
    .Release = untyped_Release,
    .GetTypeInfoCount = untyped_GetTypeInfoCount,
    .GetTypeInfo = untyped_GetTypeInfo,
    .GetIDsOfNames = untyped_GetIDsOfNames,
    .Invoke = untyped_Invoke,
};

HRESULT untyped_create_salted(cs_class cls, LONG salt, REFIID riid, void **out)
{
    untyped *This;
    HRESULT hr;

    *out = NULL;
    if (!(This = HeapAlloc(GetProcessHeap(), 0, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IDispatch_iface.lpVtbl = &untyped_vtbl;
    This->ref = 1;
    This->value = 0;
    This->salt = salt;
    This->cls = cls;
    cs_object_created(cls);
    hr = IDispatch_QueryInterface(&This->IDispatch_iface, riid, out);
    IDispatch_Release(&This->IDispatch_iface);
    return hr;
}

HRESULT untyped_create(IUnknown *outer, REFIID riid, void **out)
{
    *out = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    return untyped_create_salted(CS_CLASS_UNTYPED, 0, riid, out);
}
