/*
 * The shared typeinfo plumbing (see dispatch.h): the type information
 * cache, IDispatch from the type library, ISupportErrorInfo.
 */
#include "dispatch.h"

/* Most positional arguments coerce_byref_args rewrites. */
#define CS_BYREF_MAX_ARGS 8

static SRWLOCK cache_lock = SRWLOCK_INIT;
static ITypeLib *typelib;
static ITypeInfo *typeinfos[CS_TID_COUNT];
static const GUID *const tid_guids[CS_TID_COUNT] = {
    [CS_TID_STRESS_TARGET] = &IID_IStressTarget,
    [CS_TID_STRESS_PROBE] = &IID_IStressProbe,
    [CS_TID_STRESS_ITEMS] = &IID_IStressItems,
    [CS_TID_STRESS_ITEM] = &IID_IStressItem,
    [CS_TID_STRESS_TARGET_CLASS] = &CLSID_StressTarget,
};

/* Loads the embedded type library; the caller holds cache_lock. The
 * module's path may be longer than the classic 260 characters (a DLL
 * loaded by a long path): oleaut32 looks a path up in a buffer of that
 * size, so a longer one is given in its short (8.3) form. */
static HRESULT load_typelib(void)
{
    static WCHAR path[32768], shortp[32768];
    const WCHAR *use = path;
    DWORD n;

    if (typelib)
        return S_OK;
    if (!cs_module_path(path, ARRAY_SIZE(path)))
        return HRESULT_FROM_WIN32(GetLastError());
    if (wcslen(path) >= MAX_PATH && (n = GetShortPathNameW(path, shortp, ARRAY_SIZE(shortp)))
        && n < ARRAY_SIZE(shortp)) {
        use = shortp;
        if (!wcsncmp(use, L"\\\\?\\", 4) && n - 4 < MAX_PATH)
            use += 4;
    }
    return LoadTypeLibEx(use, REGKIND_NONE, &typelib);
}

HRESULT cs_get_typeinfo(cs_tid tid, ITypeInfo **out)
{
    HRESULT hr = S_OK;

    *out = NULL;
    AcquireSRWLockExclusive(&cache_lock);
    if (!typeinfos[tid]) {
        if (SUCCEEDED(hr = load_typelib()))
            hr = ITypeLib_GetTypeInfoOfGuid(typelib, tid_guids[tid], &typeinfos[tid]);
    }
    if (SUCCEEDED(hr)) {
        *out = typeinfos[tid];
        ITypeInfo_AddRef(*out);
    }
    ReleaseSRWLockExclusive(&cache_lock);
    return hr;
}

BOOL cs_typeinfo_drop_if(BOOL (*idle)(void))
{
    BOOL drop;
    int i;

    AcquireSRWLockExclusive(&cache_lock);
    if ((drop = idle())) {
        for (i = 0; i < CS_TID_COUNT; i++) {
            if (typeinfos[i])
                ITypeInfo_Release(typeinfos[i]);
            typeinfos[i] = NULL;
        }
        if (typelib)
            ITypeLib_Release(typelib);
        typelib = NULL;
    }
    ReleaseSRWLockExclusive(&cache_lock);
    return drop;
}

static inline cs_dispatch *impl_from_ISupportErrorInfo(ISupportErrorInfo *iface)
{
    return CONTAINING_RECORD(iface, cs_dispatch, ISupportErrorInfo_iface);
}

static HRESULT WINAPI errorinfo_QueryInterface(ISupportErrorInfo *iface, REFIID riid, void **out)
{
    cs_dispatch *d = impl_from_ISupportErrorInfo(iface);
    return IUnknown_QueryInterface(d->owner, riid, out);
}

static ULONG WINAPI errorinfo_AddRef(ISupportErrorInfo *iface)
{
    cs_dispatch *d = impl_from_ISupportErrorInfo(iface);
    return IUnknown_AddRef(d->owner);
}

static ULONG WINAPI errorinfo_Release(ISupportErrorInfo *iface)
{
    cs_dispatch *d = impl_from_ISupportErrorInfo(iface);
    return IUnknown_Release(d->owner);
}

static HRESULT WINAPI errorinfo_InterfaceSupportsErrorInfo(ISupportErrorInfo *iface, REFIID riid)
{
    cs_dispatch *d = impl_from_ISupportErrorInfo(iface);
    return IsEqualIID(riid, d->iid) ? S_OK : S_FALSE;
}

static const ISupportErrorInfoVtbl errorinfo_vtbl = {
    .QueryInterface = errorinfo_QueryInterface,
    .AddRef = errorinfo_AddRef,
    .Release = errorinfo_Release,
    .InterfaceSupportsErrorInfo = errorinfo_InterfaceSupportsErrorInfo,
};

HRESULT cs_dispatch_init(cs_dispatch *d, cs_tid tid, IUnknown *owner)
{
    d->ISupportErrorInfo_iface.lpVtbl = &errorinfo_vtbl;
    d->owner = owner;
    d->iid = tid_guids[tid];
    return cs_get_typeinfo(tid, &d->typeinfo);
}

void cs_dispatch_cleanup(cs_dispatch *d)
{
    if (d->typeinfo)
        ITypeInfo_Release(d->typeinfo);
    d->typeinfo = NULL;
}

BOOL cs_dispatch_query(cs_dispatch *d, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, d->iid))
        *out = d->owner;
    else if (IsEqualIID(riid, &IID_ISupportErrorInfo))
        *out = &d->ISupportErrorInfo_iface;
    else
        return FALSE;
    IUnknown_AddRef((IUnknown *)*out);
    return TRUE;
}

HRESULT cs_dispatch_GetTypeInfoCount(UINT *count)
{
    *count = 1;
    return S_OK;
}

HRESULT cs_dispatch_GetTypeInfo(cs_dispatch *d, UINT index, ITypeInfo **info)
{
    *info = NULL;
    if (index != 0)
        return DISP_E_BADINDEX;
    *info = d->typeinfo;
    ITypeInfo_AddRef(*info);
    return S_OK;
}

HRESULT cs_dispatch_GetIDsOfNames(cs_dispatch *d, LPOLESTR *names, UINT count, DISPID *dispids)
{
    return ITypeInfo_GetIDsOfNames(d->typeinfo, names, count, dispids);
}

/* TRUE for the scalar types a by-reference variable is coerced to. */
static BOOL is_plain_scalar(VARTYPE vt)
{
    switch (vt) {
    case VT_I1: case VT_I2: case VT_I4: case VT_I8: case VT_INT:
    case VT_UI1: case VT_UI2: case VT_UI4: case VT_UI8: case VT_UINT:
    case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BOOL: case VT_BSTR:
        return TRUE;
    }
    return FALSE;
}

/*
 * The function description of dispid for a call with flags (a method, or
 * failing that a property get), or NULL. A linear walk: it runs only for
 * calls with by-reference variants (Wine's GetFuncIndexOfMemId gives an
 * index that GetFuncDesc read as another member on this dual interface).
 */
static FUNCDESC *find_funcdesc(ITypeInfo *ti, DISPID dispid, WORD flags)
{
    TYPEATTR *attr;
    FUNCDESC *fd, *found = NULL;
    UINT i, count;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &attr)))
        return NULL;
    count = attr->cFuncs;
    ITypeInfo_ReleaseTypeAttr(ti, attr);
    for (i = 0; i < count && !found; i++) {
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd)))
            continue;
        if (fd->memid == dispid && (fd->invkind == INVOKE_FUNC
                                    || (fd->invkind == INVOKE_PROPERTYGET
                                        && (flags & DISPATCH_PROPERTYGET))))
            found = fd;
        else
            ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    return found;
}

/*
 * Script engines pass variables by reference as VT_BYREF|VT_VARIANT.
 * Wine's ITypeInfo::Invoke rejects those for a parameter declared as a
 * pointer to a scalar (an [in, out] LONG*, where Windows coerces), so each
 * such argument is converted in place in the variable it references and
 * passed as VT_BYREF|scalar into it. A pointer to VARIANT is left alone (it
 * matches as is). copy and fixed[] (CS_BYREF_MAX_ARGS) receive the
 * rewritten arguments; returns params itself when nothing needs rewriting:
 * no by-reference variant, named arguments, too many arguments, or no
 * description for the member.
 */
static DISPPARAMS *coerce_byref_args(ITypeInfo *ti, DISPID dispid, WORD flags,
                                     DISPPARAMS *params, DISPPARAMS *copy, VARIANT *fixed)
{
    FUNCDESC *fd;
    VARIANT *inner;
    TYPEDESC *td;
    UINT i, p;

    if (!params || params->cNamedArgs || params->cArgs > CS_BYREF_MAX_ARGS)
        return params;
    for (i = 0; i < params->cArgs; i++)
        if (V_VT(&params->rgvarg[i]) == (VT_BYREF | VT_VARIANT))
            break;
    if (i == params->cArgs || !(fd = find_funcdesc(ti, dispid, flags)))
        return params;
    *copy = *params;
    copy->rgvarg = fixed;
    for (i = 0; i < params->cArgs; i++) {
        fixed[i] = params->rgvarg[i];
        p = params->cArgs - 1 - i;          /* rgvarg holds the arguments last to first */
        if (p >= (UINT)fd->cParams || V_VT(&fixed[i]) != (VT_BYREF | VT_VARIANT)
            || !(inner = V_VARIANTREF(&fixed[i])))
            continue;
        td = &fd->lprgelemdescParam[p].tdesc;
        if (td->vt != VT_PTR || !is_plain_scalar(td->lptdesc->vt)
            || FAILED(VariantChangeType(inner, inner, 0, td->lptdesc->vt)))
            continue;
        V_VT(&fixed[i]) = VT_BYREF | td->lptdesc->vt;
        V_BYREF(&fixed[i]) = &V_I4(inner);  /* every scalar of the union starts here */
    }
    ITypeInfo_ReleaseFuncDesc(ti, fd);
    return copy;
}

HRESULT cs_dispatch_Invoke(cs_dispatch *d, DISPID dispid, REFIID riid, WORD flags,
                           DISPPARAMS *params, VARIANT *result, EXCEPINFO *excepinfo,
                           UINT *argerr)
{
    DISPPARAMS copy;
    VARIANT fixed[CS_BYREF_MAX_ARGS];

    if (!IsEqualIID(riid, &IID_NULL))
        return DISP_E_UNKNOWNINTERFACE;
    /* _NewEnum is a property get; Wine's JScript Enumerator asks for it
     * as a plain method call, which ITypeInfo::Invoke would not match. */
    if (dispid == DISPID_NEWENUM && flags == DISPATCH_METHOD)
        flags |= DISPATCH_PROPERTYGET;
    params = coerce_byref_args(d->typeinfo, dispid, flags, params, &copy, fixed);
    return ITypeInfo_Invoke(d->typeinfo, d->owner, dispid, flags, params, result, excepinfo,
                            argerr);
}
