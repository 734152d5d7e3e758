/* The client suites' stub IDispatch: see cs_stub.h. */
#include "cs_stub.h"

static inline cs_stub_disp *stub_from(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, cs_stub_disp, IDispatch_iface);
}

static HRESULT WINAPI stub_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch))
        return E_NOINTERFACE;
    *out = iface;
    IDispatch_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI stub_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&stub_from(iface)->ref);
}

static ULONG WINAPI stub_Release(IDispatch *iface)
{
    return InterlockedDecrement(&stub_from(iface)->ref);
}

static HRESULT WINAPI stub_GetTypeInfoCount(IDispatch *iface, UINT *n)
{
    *n = stub_from(iface)->typeinfo_count;
    return S_OK;
}

static HRESULT WINAPI stub_GetTypeInfo(IDispatch *iface, UINT i, LCID l, ITypeInfo **ti)
{
    *ti = NULL;
    return stub_from(iface)->typeinfo_hr;
}

static HRESULT WINAPI stub_GetIDsOfNames(IDispatch *iface, REFIID r, LPOLESTR *names, UINT n, LCID l,
                                         DISPID *ids)
{
    if (lstrcmpiW(names[0], L"Add"))
        return DISP_E_UNKNOWNNAME;
    ids[0] = stub_from(iface)->add_id;
    return S_OK;
}

static HRESULT WINAPI stub_Invoke(IDispatch *iface, DISPID id, REFIID r, LCID l, WORD f, DISPPARAMS *p,
                                  VARIANT *res, EXCEPINFO *ei, UINT *ae)
{
    cs_stub_disp *s = stub_from(iface);

    if (id != s->add_id)
        return DISP_E_MEMBERNOTFOUND;
    if (s->returns_id) {
        V_VT(res) = VT_I4;
        V_I4(res) = (LONG)id;
        return S_OK;
    }
    if (p->cArgs != 1)
        return DISP_E_BADPARAMCOUNT;
    return res ? VariantChangeType(res, &p->rgvarg[0], 0, VT_I4) : S_OK;
}

static const IDispatchVtbl stub_vtbl = {
    .QueryInterface = stub_QueryInterface, .AddRef = stub_AddRef, .Release = stub_Release,
    .GetTypeInfoCount = stub_GetTypeInfoCount, .GetTypeInfo = stub_GetTypeInfo,
    .GetIDsOfNames = stub_GetIDsOfNames, .Invoke = stub_Invoke,
};

void cs_stub_disp_init(cs_stub_disp *s, UINT typeinfo_count, HRESULT typeinfo_hr, DISPID add_id,
                       BOOL returns_id)
{
    s->IDispatch_iface.lpVtbl = &stub_vtbl;
    s->ref = 1;
    s->typeinfo_count = typeinfo_count;
    s->typeinfo_hr = typeinfo_hr;
    s->add_id = add_id;
    s->returns_id = returns_id;
}
