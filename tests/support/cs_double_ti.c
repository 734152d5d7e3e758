/* The counting ITypeInfo double; see cs_double.h. Every method forwards to
 * the real type information when there is one; without one only the
 * canned TYPEATTR is served. */
#include "cs_double.h"
#include <stdlib.h>
#include <string.h>

static inline cs_double_ti *impl_from_ITypeInfo(ITypeInfo *iface)
{
    return CONTAINING_RECORD(iface, cs_double_ti, ITypeInfo_iface);
}

/* The real type information behind iface, or NULL for a canned one. */
static inline ITypeInfo *inner_of(ITypeInfo *iface)
{
    return impl_from_ITypeInfo(iface)->inner;
}

/* It offers no ITypeInfo2, so a caller that wants a member's description
 * must ask for it here, where it is counted. */
static HRESULT WINAPI ti_QueryInterface(ITypeInfo *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ITypeInfo))
        return E_NOINTERFACE;
    *out = iface;
    ITypeInfo_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI ti_AddRef(ITypeInfo *iface)
{
    return InterlockedIncrement(&impl_from_ITypeInfo(iface)->ref);
}

/* A spy is freed (and lets its real one go) at zero; a canned one lives
 * in the test's storage and only counts down. */
static ULONG WINAPI ti_Release(ITypeInfo *iface)
{
    cs_double_ti *t = impl_from_ITypeInfo(iface);
    LONG ref = InterlockedDecrement(&t->ref);

    if (!ref && t->heap) {
        if (t->inner)
            ITypeInfo_Release(t->inner);
        free(t);
    }
    return ref;
}

static HRESULT WINAPI ti_GetTypeAttr(ITypeInfo *iface, TYPEATTR **ta)
{
    cs_double_ti *t = impl_from_ITypeInfo(iface);

    t->tally->type_attr++;
    if (t->inner)
        return ITypeInfo_GetTypeAttr(t->inner, ta);
    *ta = &t->attr;
    return S_OK;
}

static HRESULT WINAPI ti_GetTypeComp(ITypeInfo *iface, ITypeComp **tc)
{
    *tc = NULL;
    return inner_of(iface) ? ITypeInfo_GetTypeComp(inner_of(iface), tc) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetFuncDesc(ITypeInfo *iface, UINT index, FUNCDESC **fd)
{
    cs_double_ti *t = impl_from_ITypeInfo(iface);

    t->tally->func_desc++;
    *fd = NULL;
    return t->inner ? ITypeInfo_GetFuncDesc(t->inner, index, fd) : TYPE_E_ELEMENTNOTFOUND;
}

static HRESULT WINAPI ti_GetVarDesc(ITypeInfo *iface, UINT index, VARDESC **vd)
{
    *vd = NULL;
    return inner_of(iface) ? ITypeInfo_GetVarDesc(inner_of(iface), index, vd) : TYPE_E_ELEMENTNOTFOUND;
}

static HRESULT WINAPI ti_GetNames(ITypeInfo *iface, MEMBERID id, BSTR *names, UINT max, UINT *count)
{
    return inner_of(iface) ? ITypeInfo_GetNames(inner_of(iface), id, names, max, count) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetRefTypeOfImplType(ITypeInfo *iface, UINT index, HREFTYPE *href)
{
    return inner_of(iface) ? ITypeInfo_GetRefTypeOfImplType(inner_of(iface), index, href) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetImplTypeFlags(ITypeInfo *iface, UINT index, INT *flags)
{
    return inner_of(iface) ? ITypeInfo_GetImplTypeFlags(inner_of(iface), index, flags) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetIDsOfNames(ITypeInfo *iface, LPOLESTR *names, UINT count, MEMBERID *ids)
{
    return inner_of(iface) ? ITypeInfo_GetIDsOfNames(inner_of(iface), names, count, ids) : E_NOTIMPL;
}

static HRESULT WINAPI ti_Invoke(ITypeInfo *iface, void *obj, MEMBERID id, WORD flags, DISPPARAMS *dp,
                                VARIANT *res, EXCEPINFO *ei, UINT *argerr)
{
    return inner_of(iface) ? ITypeInfo_Invoke(inner_of(iface), obj, id, flags, dp, res, ei, argerr)
                           : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetDocumentation(ITypeInfo *iface, MEMBERID id, BSTR *name, BSTR *doc,
                                          DWORD *context, BSTR *file)
{
    return inner_of(iface) ? ITypeInfo_GetDocumentation(inner_of(iface), id, name, doc, context, file)
                           : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetDllEntry(ITypeInfo *iface, MEMBERID id, INVOKEKIND kind, BSTR *dll, BSTR *name,
                                     WORD *ordinal)
{
    return inner_of(iface) ? ITypeInfo_GetDllEntry(inner_of(iface), id, kind, dll, name, ordinal) : E_NOTIMPL;
}

/* The referenced type information, behind a view counting in the same
 * place. */
static HRESULT WINAPI ti_GetRefTypeInfo(ITypeInfo *iface, HREFTYPE href, ITypeInfo **out)
{
    cs_double_ti *t = impl_from_ITypeInfo(iface);
    ITypeInfo *ref = NULL;
    HRESULT hr;

    *out = NULL;
    if (!t->inner)
        return E_NOTIMPL;
    if (FAILED(hr = ITypeInfo_GetRefTypeInfo(t->inner, href, &ref)))
        return hr;
    *out = cs_double_ti_spy(ref, t->tally);
    ITypeInfo_Release(ref);
    return *out ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI ti_AddressOfMember(ITypeInfo *iface, MEMBERID id, INVOKEKIND kind, void **pv)
{
    return inner_of(iface) ? ITypeInfo_AddressOfMember(inner_of(iface), id, kind, pv) : E_NOTIMPL;
}

static HRESULT WINAPI ti_CreateInstance(ITypeInfo *iface, IUnknown *outer, REFIID riid, void **pv)
{
    return inner_of(iface) ? ITypeInfo_CreateInstance(inner_of(iface), outer, riid, pv) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetMops(ITypeInfo *iface, MEMBERID id, BSTR *mops)
{
    return inner_of(iface) ? ITypeInfo_GetMops(inner_of(iface), id, mops) : E_NOTIMPL;
}

static HRESULT WINAPI ti_GetContainingTypeLib(ITypeInfo *iface, ITypeLib **lib, UINT *index)
{
    return inner_of(iface) ? ITypeInfo_GetContainingTypeLib(inner_of(iface), lib, index) : E_NOTIMPL;
}

static void WINAPI ti_ReleaseTypeAttr(ITypeInfo *iface, TYPEATTR *ta)
{
    if (inner_of(iface))
        ITypeInfo_ReleaseTypeAttr(inner_of(iface), ta);
}

static void WINAPI ti_ReleaseFuncDesc(ITypeInfo *iface, FUNCDESC *fd)
{
    if (inner_of(iface))
        ITypeInfo_ReleaseFuncDesc(inner_of(iface), fd);
}

static void WINAPI ti_ReleaseVarDesc(ITypeInfo *iface, VARDESC *vd)
{
    if (inner_of(iface))
        ITypeInfo_ReleaseVarDesc(inner_of(iface), vd);
}

static const ITypeInfoVtbl ti_vtbl = {
    .QueryInterface = ti_QueryInterface,
    .AddRef = ti_AddRef,
    .Release = ti_Release,
    .GetTypeAttr = ti_GetTypeAttr,
    .GetTypeComp = ti_GetTypeComp,
    .GetFuncDesc = ti_GetFuncDesc,
    .GetVarDesc = ti_GetVarDesc,
    .GetNames = ti_GetNames,
    .GetRefTypeOfImplType = ti_GetRefTypeOfImplType,
    .GetImplTypeFlags = ti_GetImplTypeFlags,
    .GetIDsOfNames = ti_GetIDsOfNames,
    .Invoke = ti_Invoke,
    .GetDocumentation = ti_GetDocumentation,
    .GetDllEntry = ti_GetDllEntry,
    .GetRefTypeInfo = ti_GetRefTypeInfo,
    .AddressOfMember = ti_AddressOfMember,
    .CreateInstance = ti_CreateInstance,
    .GetMops = ti_GetMops,
    .GetContainingTypeLib = ti_GetContainingTypeLib,
    .ReleaseTypeAttr = ti_ReleaseTypeAttr,
    .ReleaseFuncDesc = ti_ReleaseFuncDesc,
    .ReleaseVarDesc = ti_ReleaseVarDesc,
};

void cs_double_ti_init(cs_double_ti *t, const GUID *guid, TYPEKIND kind)
{
    memset(t, 0, sizeof(*t));
    t->ITypeInfo_iface.lpVtbl = &ti_vtbl;
    t->ref = 1;
    t->tally = &t->asked;
    t->attr.guid = *guid;
    t->attr.typekind = kind;
}

ITypeInfo *cs_double_ti_spy(ITypeInfo *inner, cs_double_asked *tally)
{
    cs_double_ti *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->ITypeInfo_iface.lpVtbl = &ti_vtbl;
    t->ref = 1;
    t->inner = inner;
    ITypeInfo_AddRef(inner);
    t->tally = tally;
    t->heap = TRUE;
    return &t->ITypeInfo_iface;
}
