/*
 * What a resolve asks of the object (client/lb_resolve.c, the none
 * policy's path in client/dispcache.c): a counting IDispatch in front of
 * a ComStress.Target counts every GetIDsOfNames, every request for type
 * information and every FUNCDESC read through the type information it
 * hands out. Under the none policy a good call costs what a late-binding
 * client without a cache pays, one GetIDsOfNames and one Invoke; the type
 * information is read once, and only, when a call fails.
 */
#include "cs_check.h"
#include "lb.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the counting objects were asked. */
typedef struct counts {
    LONG getidsofnames, gettypeinfo, getfuncdesc, gettypeattr, invoke;
} counts;

/* The counting IDispatch: forwards every call to the wrapped object. */
typedef struct counting_disp {
    IDispatch IDispatch_iface;
    LONG ref;
    IDispatch *inner;
    counts *n;
} counting_disp;

/* The counting ITypeInfo handed out by counting_disp (and by itself for
 * a referenced type): forwards to the wrapped one. It offers no
 * ITypeInfo2, so a resolve that wants a member's description must ask
 * for it here. */
typedef struct counting_ti {
    ITypeInfo ITypeInfo_iface;
    LONG ref;
    ITypeInfo *inner;
    counts *n;
} counting_ti;

static inline counting_ti *impl_from_ITypeInfo(ITypeInfo *iface)
{
    return CONTAINING_RECORD(iface, counting_ti, ITypeInfo_iface);
}

static ITypeInfo *counting_ti_new(ITypeInfo *inner, counts *n);

static HRESULT WINAPI counting_ti_QueryInterface(ITypeInfo *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ITypeInfo))
        return E_NOINTERFACE;
    *out = iface;
    ITypeInfo_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI counting_ti_AddRef(ITypeInfo *iface)
{
    return InterlockedIncrement(&impl_from_ITypeInfo(iface)->ref);
}

static ULONG WINAPI counting_ti_Release(ITypeInfo *iface)
{
    counting_ti *t = impl_from_ITypeInfo(iface);
    ULONG ref = InterlockedDecrement(&t->ref);

    if (!ref) {
        ITypeInfo_Release(t->inner);
        free(t);
    }
    return ref;
}

static HRESULT WINAPI counting_ti_GetTypeAttr(ITypeInfo *iface, TYPEATTR **ta)
{
    counting_ti *t = impl_from_ITypeInfo(iface);

    t->n->gettypeattr++;
    return ITypeInfo_GetTypeAttr(t->inner, ta);
}

static HRESULT WINAPI counting_ti_GetTypeComp(ITypeInfo *iface, ITypeComp **tc)
{
    return ITypeInfo_GetTypeComp(impl_from_ITypeInfo(iface)->inner, tc);
}

static HRESULT WINAPI counting_ti_GetFuncDesc(ITypeInfo *iface, UINT index, FUNCDESC **fd)
{
    counting_ti *t = impl_from_ITypeInfo(iface);

    t->n->getfuncdesc++;
    return ITypeInfo_GetFuncDesc(t->inner, index, fd);
}

static HRESULT WINAPI counting_ti_GetVarDesc(ITypeInfo *iface, UINT index, VARDESC **vd)
{
    return ITypeInfo_GetVarDesc(impl_from_ITypeInfo(iface)->inner, index, vd);
}

static HRESULT WINAPI counting_ti_GetNames(ITypeInfo *iface, MEMBERID id, BSTR *names, UINT max, UINT *count)
{
    return ITypeInfo_GetNames(impl_from_ITypeInfo(iface)->inner, id, names, max, count);
}

static HRESULT WINAPI counting_ti_GetRefTypeOfImplType(ITypeInfo *iface, UINT index, HREFTYPE *href)
{
    return ITypeInfo_GetRefTypeOfImplType(impl_from_ITypeInfo(iface)->inner, index, href);
}

static HRESULT WINAPI counting_ti_GetImplTypeFlags(ITypeInfo *iface, UINT index, INT *flags)
{
    return ITypeInfo_GetImplTypeFlags(impl_from_ITypeInfo(iface)->inner, index, flags);
}

static HRESULT WINAPI counting_ti_GetIDsOfNames(ITypeInfo *iface, LPOLESTR *names, UINT count, MEMBERID *ids)
{
    return ITypeInfo_GetIDsOfNames(impl_from_ITypeInfo(iface)->inner, names, count, ids);
}

static HRESULT WINAPI counting_ti_Invoke(ITypeInfo *iface, void *obj, MEMBERID id, WORD flags, DISPPARAMS *dp,
                                         VARIANT *res, EXCEPINFO *ei, UINT *argerr)
{
    return ITypeInfo_Invoke(impl_from_ITypeInfo(iface)->inner, obj, id, flags, dp, res, ei, argerr);
}

static HRESULT WINAPI counting_ti_GetDocumentation(ITypeInfo *iface, MEMBERID id, BSTR *name, BSTR *doc,
                                                   DWORD *context, BSTR *file)
{
    return ITypeInfo_GetDocumentation(impl_from_ITypeInfo(iface)->inner, id, name, doc, context, file);
}

static HRESULT WINAPI counting_ti_GetDllEntry(ITypeInfo *iface, MEMBERID id, INVOKEKIND kind, BSTR *dll,
                                              BSTR *name, WORD *ordinal)
{
    return ITypeInfo_GetDllEntry(impl_from_ITypeInfo(iface)->inner, id, kind, dll, name, ordinal);
}

/* The referenced type information, counted too. */
static HRESULT WINAPI counting_ti_GetRefTypeInfo(ITypeInfo *iface, HREFTYPE href, ITypeInfo **out)
{
    counting_ti *t = impl_from_ITypeInfo(iface);
    ITypeInfo *ref = NULL;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = ITypeInfo_GetRefTypeInfo(t->inner, href, &ref)))
        return hr;
    *out = counting_ti_new(ref, t->n);
    ITypeInfo_Release(ref);
    return *out ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI counting_ti_AddressOfMember(ITypeInfo *iface, MEMBERID id, INVOKEKIND kind, void **pv)
{
    return ITypeInfo_AddressOfMember(impl_from_ITypeInfo(iface)->inner, id, kind, pv);
}

static HRESULT WINAPI counting_ti_CreateInstance(ITypeInfo *iface, IUnknown *outer, REFIID riid, void **pv)
{
    return ITypeInfo_CreateInstance(impl_from_ITypeInfo(iface)->inner, outer, riid, pv);
}

static HRESULT WINAPI counting_ti_GetMops(ITypeInfo *iface, MEMBERID id, BSTR *mops)
{
    return ITypeInfo_GetMops(impl_from_ITypeInfo(iface)->inner, id, mops);
}

static HRESULT WINAPI counting_ti_GetContainingTypeLib(ITypeInfo *iface, ITypeLib **lib, UINT *index)
{
    return ITypeInfo_GetContainingTypeLib(impl_from_ITypeInfo(iface)->inner, lib, index);
}

static void WINAPI counting_ti_ReleaseTypeAttr(ITypeInfo *iface, TYPEATTR *ta)
{
    ITypeInfo_ReleaseTypeAttr(impl_from_ITypeInfo(iface)->inner, ta);
}

static void WINAPI counting_ti_ReleaseFuncDesc(ITypeInfo *iface, FUNCDESC *fd)
{
    ITypeInfo_ReleaseFuncDesc(impl_from_ITypeInfo(iface)->inner, fd);
}

static void WINAPI counting_ti_ReleaseVarDesc(ITypeInfo *iface, VARDESC *vd)
{
    ITypeInfo_ReleaseVarDesc(impl_from_ITypeInfo(iface)->inner, vd);
}

static const ITypeInfoVtbl counting_ti_vtbl = {
    .QueryInterface = counting_ti_QueryInterface, .AddRef = counting_ti_AddRef,
    .Release = counting_ti_Release, .GetTypeAttr = counting_ti_GetTypeAttr,
    .GetTypeComp = counting_ti_GetTypeComp, .GetFuncDesc = counting_ti_GetFuncDesc,
    .GetVarDesc = counting_ti_GetVarDesc, .GetNames = counting_ti_GetNames,
    .GetRefTypeOfImplType = counting_ti_GetRefTypeOfImplType, .GetImplTypeFlags = counting_ti_GetImplTypeFlags,
    .GetIDsOfNames = counting_ti_GetIDsOfNames, .Invoke = counting_ti_Invoke,
    .GetDocumentation = counting_ti_GetDocumentation, .GetDllEntry = counting_ti_GetDllEntry,
    .GetRefTypeInfo = counting_ti_GetRefTypeInfo, .AddressOfMember = counting_ti_AddressOfMember,
    .CreateInstance = counting_ti_CreateInstance, .GetMops = counting_ti_GetMops,
    .GetContainingTypeLib = counting_ti_GetContainingTypeLib, .ReleaseTypeAttr = counting_ti_ReleaseTypeAttr,
    .ReleaseFuncDesc = counting_ti_ReleaseFuncDesc, .ReleaseVarDesc = counting_ti_ReleaseVarDesc,
};

/* A counting view of inner (a reference added to it); NULL on OOM. */
static ITypeInfo *counting_ti_new(ITypeInfo *inner, counts *n)
{
    counting_ti *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->ITypeInfo_iface.lpVtbl = &counting_ti_vtbl;
    t->ref = 1;
    t->inner = inner;
    ITypeInfo_AddRef(inner);
    t->n = n;
    return &t->ITypeInfo_iface;
}

static inline counting_disp *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, counting_disp, IDispatch_iface);
}

static HRESULT WINAPI counting_disp_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch))
        return E_NOINTERFACE;
    *out = iface;
    IDispatch_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI counting_disp_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->ref);
}

/* The fixture owns the object: the count is only read by the test. */
static ULONG WINAPI counting_disp_Release(IDispatch *iface)
{
    return InterlockedDecrement(&impl_from_IDispatch(iface)->ref);
}

static HRESULT WINAPI counting_disp_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    return IDispatch_GetTypeInfoCount(impl_from_IDispatch(iface)->inner, count);
}

static HRESULT WINAPI counting_disp_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **out)
{
    counting_disp *c = impl_from_IDispatch(iface);
    ITypeInfo *ti = NULL;
    HRESULT hr;

    *out = NULL;
    c->n->gettypeinfo++;
    if (FAILED(hr = IDispatch_GetTypeInfo(c->inner, index, lcid, &ti)))
        return hr;
    *out = counting_ti_new(ti, c->n);
    ITypeInfo_Release(ti);
    return *out ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI counting_disp_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                                  LCID lcid, DISPID *ids)
{
    counting_disp *c = impl_from_IDispatch(iface);

    c->n->getidsofnames++;
    return IDispatch_GetIDsOfNames(c->inner, riid, names, count, lcid, ids);
}

static HRESULT WINAPI counting_disp_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                           DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *argerr)
{
    counting_disp *c = impl_from_IDispatch(iface);

    c->n->invoke++;
    return IDispatch_Invoke(c->inner, id, riid, lcid, flags, dp, res, ei, argerr);
}

static const IDispatchVtbl counting_disp_vtbl = {
    .QueryInterface = counting_disp_QueryInterface, .AddRef = counting_disp_AddRef,
    .Release = counting_disp_Release, .GetTypeInfoCount = counting_disp_GetTypeInfoCount,
    .GetTypeInfo = counting_disp_GetTypeInfo, .GetIDsOfNames = counting_disp_GetIDsOfNames,
    .Invoke = counting_disp_Invoke,
};

static IDispatch *target;
static counting_disp obj;
static counts n;
static lb_dispatcher *disp;
static lb_error err;

static void setup(void)
{
    CLSID clsid;

    cs_com_sta_setup();
    ck_assert_ok(CLSIDFromProgID(L"ComStress.Target", &clsid));
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&target));
    memset(&n, 0, sizeof(n));
    obj.IDispatch_iface.lpVtbl = &counting_disp_vtbl;
    obj.ref = 1;
    obj.inner = target;
    obj.n = &n;
    disp = NULL;
}

static void teardown(void)
{
    lb_dispatcher_free(disp);
    IDispatch_Release(target);
    cs_com_teardown();
}

/* Calls text `times` times under policy p (a new dispatcher) and returns
 * the last result; fails the test on any failed call. */
static VARIANT call_n(lb_policy p, const char *text, int times)
{
    lb_site *site;
    VARIANT v;
    int i;

    lb_dispatcher_free(disp);
    ck_assert_ptr_nonnull(disp = lb_dispatcher_new(p));
    ck_assert_msg(SUCCEEDED(lb_site_parse(text, &site, &err)), "%s", err.message);
    VariantInit(&v);
    for (i = 0; i < times; i++) {
        VariantClear(&v);
        ck_assert_msg(SUCCEEDED(lb_call(disp, site, &obj.IDispatch_iface, NULL, &v, &err)), "%s: %s", text,
                      err.message);
    }
    lb_site_free(site);
    return v;
}

START_TEST(none_asks_one_getidsofnames_and_no_type_information_per_call)
{
    VARIANT v = call_n(LB_CACHE_NONE, "Add(1)", 10);

    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 10);
    ck_assert_int_eq(n.getidsofnames, 10);
    ck_assert_int_eq(n.invoke, 10);
    ck_assert_int_eq(n.getfuncdesc, 0);
    ck_assert_int_eq(n.gettypeinfo, 0);
    ck_assert_int_eq(n.gettypeattr, 0);
}
END_TEST

START_TEST(none_resolves_named_arguments_in_the_same_getidsofnames)
{
    /* Range(first, last = 10, step = 1): 1, 3, 5, 7 */
    VARIANT v = call_n(LB_CACHE_NONE, "Range(1, step:=2, last:=7)", 5);

    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 4);
    ck_assert_int_eq(n.getidsofnames, 5);
    ck_assert_int_eq(n.invoke, 5);
    ck_assert_int_eq(n.getfuncdesc, 0);
    ck_assert_int_eq(n.gettypeinfo, 0);
}
END_TEST

START_TEST(none_property_get_and_put_ask_no_type_information)
{
    VARIANT v = call_n(LB_CACHE_NONE, "Value=41", 3);

    ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    v = call_n(LB_CACHE_NONE, "Value", 3);
    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 41);
    ck_assert_int_eq(n.getidsofnames, 6);
    ck_assert_int_eq(n.gettypeinfo, 0);
    ck_assert_int_eq(n.getfuncdesc, 0);
}
END_TEST

/* A failed call reads the type information once, for the message the
 * typed plan gives; nothing is called a second time. */
START_TEST(none_reads_type_information_once_to_explain_a_failed_call)
{
    lb_site *site;
    VARIANT v;

    ck_assert_ptr_nonnull(disp = lb_dispatcher_new(LB_CACHE_NONE));
    ck_assert_ok(lb_site_parse("Value()", &site, &err));
    ck_assert_hr(lb_call(disp, site, &obj.IDispatch_iface, NULL, &v, &err), DISP_E_MEMBERNOTFOUND);
    lb_site_free(site);
    ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    ck_assert_str_eq(err.message, "Value: is a property, not a method: write 'Value' without parentheses "
                                  "(DISP_E_MEMBERNOTFOUND, 0x80020003)");
    ck_assert_int_eq(n.getidsofnames, 1);
    ck_assert_int_eq(n.invoke, 1);
    ck_assert_int_eq(n.gettypeinfo, 1);
    ck_assert_int_gt(n.getfuncdesc, 0);
}
END_TEST

/* The type policy reads the type information at its one bind, then never
 * again: the cost none no longer pays per call. */
START_TEST(type_reads_type_information_at_its_bind_only)
{
    counts after_first;
    VARIANT v = call_n(LB_CACHE_TYPE, "Add(2)", 1);

    after_first = n;
    ck_assert_int_eq(V_I4(&v), 2);
    ck_assert_int_eq(after_first.getidsofnames, 1);
    ck_assert_int_gt(after_first.gettypeinfo, 0);
    v = call_n(LB_CACHE_TYPE, "Add(2)", 1);     /* a new dispatcher: binds again */
    ck_assert_int_eq(n.getidsofnames, 2);
    ck_assert_int_eq(V_I4(&v), 4);
    lb_dispatcher_free(disp);
    disp = NULL;
    memset(&n, 0, sizeof(n));
    v = call_n(LB_CACHE_TYPE, "Add(1)", 20);
    ck_assert_int_eq(V_I4(&v), 24);
    ck_assert_int_eq(n.getidsofnames, 1);
    ck_assert_int_eq(n.invoke, 20);
    ck_assert_int_eq(n.getfuncdesc, after_first.getfuncdesc);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(none_asks_one_getidsofnames_and_no_type_information_per_call),
        CS_TEST(none_resolves_named_arguments_in_the_same_getidsofnames),
        CS_TEST(none_property_get_and_put_ask_no_type_information),
        CS_TEST(none_reads_type_information_once_to_explain_a_failed_call),
        CS_TEST(type_reads_type_information_at_its_bind_only), NULL
    };

    return cs_run_tests("resolve", setup, teardown, tests);
}
