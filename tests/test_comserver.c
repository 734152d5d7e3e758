/*
 * The reference server (comserver/): every class through its vtable and
 * through IDispatch::Invoke, the counters behind the probe, DllCanUnloadNow,
 * registration, and each fault of the catalogue observed through counters
 * or heap growth.
 */
#include "cs_check.h"
#include "comstress.h"
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef HRESULT (WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);
typedef HRESULT (WINAPI *can_unload_fn)(void);

static HMODULE server;
static get_class_object_fn get_class_object;
static can_unload_fn can_unload_now;

/* Loads the server DLL the CTest entry names (once per process). */
static void load_server(void)
{
    const char *path;

    if (server)
        return;
    path = cs_env("COMSTRESS_SERVER_DLL");
    server = LoadLibraryA(path);
    ck_assert_msg(server != NULL, "LoadLibrary(%s) failed: %lu", path, GetLastError());
    get_class_object = (get_class_object_fn)(void *)GetProcAddress(server, "DllGetClassObject");
    can_unload_now = (can_unload_fn)(void *)GetProcAddress(server, "DllCanUnloadNow");
    ck_assert_ptr_nonnull(get_class_object);
    ck_assert_ptr_nonnull(can_unload_now);
}

/* Creates an object straight from the DLL's class factory. */
static void *create_direct(REFCLSID clsid, REFIID iid)
{
    IClassFactory *factory;
    void *obj = NULL;

    ck_assert_ok(get_class_object(clsid, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_CreateInstance(factory, NULL, iid, &obj));
    IClassFactory_Release(factory);
    return obj;
}

static LONG live(IStressProbe *probe, const WCHAR *cls)
{
    BSTR name = SysAllocString(cls);
    LONG n = -1;

    ck_assert_ok(IStressProbe_LiveObjects(probe, name, &n));
    SysFreeString(name);
    return n;
}

static HRESULT set_fault(IStressProbe *probe, const WCHAR *fault, LONG param)
{
    BSTR name = SysAllocString(fault);
    HRESULT hr = IStressProbe_SetFault(probe, name, param);

    SysFreeString(name);
    return hr;
}

/* Late-bound call by name: args in call order (at most 4). A property put
 * passes its value as the single argument. */
static HRESULT call(IDispatch *disp, const WCHAR *name, WORD flags, VARIANT *args, UINT nargs,
                    VARIANT *res, EXCEPINFO *ei, UINT *argerr)
{
    DISPID id, put = DISPID_PROPERTYPUT;
    VARIANT rev[4];
    DISPPARAMS dp = { rev, NULL, nargs, 0 };
    LPOLESTR n = (LPOLESTR)name;
    UINT i;
    HRESULT hr;

    if (FAILED(hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, &n, 1, 0, &id)))
        return hr;
    for (i = 0; i < nargs; i++)
        rev[nargs - 1 - i] = args[i];
    if (flags & DISPATCH_PROPERTYPUT) {
        dp.cNamedArgs = 1;
        dp.rgdispidNamedArgs = &put;
    }
    if (res)
        VariantInit(res);
    return IDispatch_Invoke(disp, id, &IID_NULL, 0, flags, &dp, res, ei, argerr);
}

static VARIANT vi4(LONG v) { VARIANT x; V_VT(&x) = VT_I4; V_I4(&x) = v; return x; }
static VARIANT vstr(BSTR b) { VARIANT x; V_VT(&x) = VT_BSTR; V_BSTR(&x) = b; return x; }
static VARIANT vdisp(IDispatch *d) { VARIANT x; V_VT(&x) = VT_DISPATCH; V_DISPATCH(&x) = d; return x; }

/* Calls an integer member and returns its VT_I4 result. */
static LONG call_long(IDispatch *disp, const WCHAR *name, VARIANT *args, UINT nargs)
{
    VARIANT res;

    ck_assert_ok(call(disp, name, DISPATCH_METHOD, args, nargs, &res, NULL, NULL));
    ck_assert_ok(VariantChangeType(&res, &res, 0, VT_I4));
    return V_I4(&res);
}

static void setup(void)
{
    cs_com_sta_setup();
    load_server();
}

/* ---- direct ---------------------------------------------------------- */

START_TEST(target_refcounts)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ISupportErrorInfo *sei;

    ck_assert_uint_eq(cs_refcount((IUnknown *)t), 1);
    ck_assert_ok(IStressTarget_QueryInterface(t, &IID_ISupportErrorInfo, (void **)&sei));
    ck_assert_uint_eq(cs_refcount((IUnknown *)t), 2);
    ck_assert_hr(ISupportErrorInfo_InterfaceSupportsErrorInfo(sei, &IID_IStressTarget), S_OK);
    ISupportErrorInfo_Release(sei);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
}
END_TEST

START_TEST(target_vtable)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    IDispatch *child;
    IErrorInfo *info;
    BSTR in = SysAllocString(L"h\xe9llo"), out = NULL, desc;
    VARIANT v;
    LONG r, a = 1, b = 2, base = live(probe, L"Target");
    DOUBLE d;

    ck_assert_ok(IStressTarget_Add(t, 5, &r));
    ck_assert_int_eq(r, 5);
    ck_assert_ok(IStressTarget_Add(t, -2, &r));
    ck_assert_int_eq(r, 3);
    ck_assert_ok(IStressTarget_put_Value(t, 10));
    ck_assert_ok(IStressTarget_get_Value(t, &r));
    ck_assert_int_eq(r, 10);
    ck_assert_ok(IStressTarget_Echo(t, in, &out));
    ck_assert(out != in && !wcscmp(out, in));
    SysFreeString(out);
    v = vdisp((IDispatch *)probe);
    ck_assert_ok(IStressTarget_Consume(t, v, &r));
    ck_assert_int_eq(r, 1);
    ck_assert_uint_eq(cs_refcount((IUnknown *)probe), 1);
    ck_assert_ok(IStressTarget_Consume(t, vi4(7), &r));
    ck_assert_int_eq(r, 0);
    ck_assert_ok(IStressTarget_CreateChild(t, &child));
    ck_assert_int_eq(live(probe, L"Target"), base + 1);
    ck_assert_uint_eq(cs_refcount((IUnknown *)child), 1);
    IDispatch_Release(child);
    ck_assert_int_eq(live(probe, L"Target"), base);
    ck_assert_ok(IStressTarget_Divide(t, 7, 2, &d));
    ck_assert_double_eq(d, 3.5);
    ck_assert_hr(IStressTarget_Divide(t, 1, 0, &d), DISP_E_DIVBYZERO);
    ck_assert_ok(GetErrorInfo(0, &info));
    ck_assert_ok(IErrorInfo_GetDescription(info, &desc));
    ck_assert_msg(!wcscmp(desc, L"Divide: division by zero"), "description %ls", desc);
    SysFreeString(desc);
    IErrorInfo_Release(info);
    ck_assert_ok(IStressTarget_Swap(t, &a, &b));
    ck_assert(a == 2 && b == 1);
    ck_assert_ok(IStressTarget_get_Name(t, &out));
    ck_assert(!wcscmp(out, L"Target"));
    SysFreeString(out);
    SysFreeString(in);
    IStressTarget_Release(t);
    ck_assert_int_eq(live(probe, L"Target"), base - 1);
    IStressProbe_Release(probe);
}
END_TEST

/* Every IStressTarget member by name through IDispatch (Target, Untyped and
 * Shifting alike); name is the class name the object reports. */
static void check_members_by_name(IDispatch *d, const WCHAR *name, IDispatch *other)
{
    VARIANT args[2], res;
    EXCEPINFO ei;
    LONG a = 1, b = 2;
    BSTR text = SysAllocString(L"hello");

    args[0] = vi4(5);
    ck_assert_int_eq(call_long(d, L"Add", args, 1), 5);
    args[0] = vi4(40);
    ck_assert_ok(call(d, L"Value", DISPATCH_PROPERTYPUT, args, 1, NULL, NULL, NULL));
    ck_assert_ok(call(d, L"value", DISPATCH_PROPERTYGET, NULL, 0, &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_I4 && V_I4(&res) == 40);
    args[0] = vstr(text);
    ck_assert_ok(call(d, L"Echo", DISPATCH_METHOD, args, 1, &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_BSTR && !wcscmp(V_BSTR(&res), L"hello"));
    VariantClear(&res);
    args[0] = vdisp(other);
    ck_assert_int_eq(call_long(d, L"Consume", args, 1), 1);
    ck_assert_uint_eq(cs_refcount((IUnknown *)other), 1);
    args[0] = vstr(text);
    ck_assert_int_eq(call_long(d, L"Consume", args, 1), 0);
    ck_assert_ok(call(d, L"CreateChild", DISPATCH_METHOD, NULL, 0, &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_DISPATCH && V_DISPATCH(&res));
    ck_assert_uint_eq(cs_refcount((IUnknown *)V_DISPATCH(&res)), 1);
    VariantClear(&res);
    args[0] = vi4(7), args[1] = vi4(2);
    ck_assert_ok(call(d, L"Divide", DISPATCH_METHOD, args, 2, &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_R8 && V_R8(&res) == 3.5);
    args[1] = vi4(0);
    memset(&ei, 0, sizeof(ei));
    ck_assert_hr(call(d, L"Divide", DISPATCH_METHOD, args, 2, &res, &ei, NULL), DISP_E_EXCEPTION);
    ck_assert_hr(ei.scode, DISP_E_DIVBYZERO);
    ck_assert_msg(ei.bstrDescription && !wcscmp(ei.bstrDescription, L"Divide: division by zero"),
                  "EXCEPINFO description %ls", ei.bstrDescription);
    SysFreeString(ei.bstrSource), SysFreeString(ei.bstrDescription), SysFreeString(ei.bstrHelpFile);
    V_VT(&args[0]) = VT_BYREF | VT_I4, V_I4REF(&args[0]) = &a;
    V_VT(&args[1]) = VT_BYREF | VT_I4, V_I4REF(&args[1]) = &b;
    ck_assert_ok(call(d, L"Swap", DISPATCH_METHOD, args, 2, NULL, NULL, NULL));
    ck_assert(a == 2 && b == 1);
    ck_assert_ok(call(d, L"Name", DISPATCH_PROPERTYGET, NULL, 0, &res, NULL, NULL));
    ck_assert_msg(V_VT(&res) == VT_BSTR && !wcscmp(V_BSTR(&res), name), "Name %ls", V_BSTR(&res));
    VariantClear(&res);
    args[0] = vi4(1);
    ck_assert_hr(call(d, L"Name", DISPATCH_PROPERTYPUT, args, 1, NULL, NULL, NULL),
                 DISP_E_MEMBERNOTFOUND);
    ck_assert_hr(call(d, L"Add", DISPATCH_METHOD, NULL, 0, &res, NULL, NULL), DISP_E_BADPARAMCOUNT);
    ck_assert_hr(call(d, L"NoSuchMember", DISPATCH_METHOD, NULL, 0, &res, NULL, NULL),
                 DISP_E_UNKNOWNNAME);
    SysFreeString(text);
}

START_TEST(members_by_name)
{
    static const CLSID *const clsids[] = { &CLSID_StressTarget, &CLSID_StressUntyped,
                                           &CLSID_StressShifting };
    static const WCHAR *const names[] = { L"Target", L"Untyped", L"Shifting" };
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    LONG base = live(probe, L"");
    int i;

    for (i = 0; i < 3; i++) {
        IDispatch *d = create_direct(clsids[i], &IID_IDispatch);
        check_members_by_name(d, names[i], (IDispatch *)probe);
        ck_assert_uint_eq(IDispatch_Release(d), 0);
    }
    ck_assert_int_eq(live(probe, L""), base);
    IStressProbe_Release(probe);
}
END_TEST

START_TEST(untyped_by_hand)
{
    IDispatch *d = create_direct(&CLSID_StressUntyped, &IID_IDispatch);
    ITypeInfo *ti = (ITypeInfo *)1;
    VARIANT args[2], res;
    UINT count = 1, argerr = 99;
    BSTR junk = SysAllocString(L"junk");
    DISPPARAMS none = { NULL, NULL, 0, 0 };

    ck_assert_ok(IDispatch_GetTypeInfoCount(d, &count));
    ck_assert_uint_eq(count, 0);
    ck_assert(FAILED(IDispatch_GetTypeInfo(d, 0, 0, &ti)) && ti == NULL);
    args[0] = vstr(junk);
    ck_assert_hr(call(d, L"ADD", DISPATCH_METHOD, args, 1, &res, NULL, &argerr),
                 DISP_E_TYPEMISMATCH);
    ck_assert_uint_eq(argerr, 0);
    args[0] = vi4(1), args[1] = vstr(junk);
    ck_assert_hr(call(d, L"Divide", DISPATCH_METHOD, args, 2, &res, NULL, &argerr),
                 DISP_E_TYPEMISMATCH);
    ck_assert_uint_eq(argerr, 0);
    args[0] = vstr(junk), args[1] = vi4(1);
    ck_assert_hr(call(d, L"Divide", DISPATCH_METHOD, args, 2, &res, NULL, &argerr),
                 DISP_E_TYPEMISMATCH);
    ck_assert_uint_eq(argerr, 1);
    ck_assert_hr(IDispatch_Invoke(d, 99, &IID_NULL, 0, DISPATCH_METHOD, &none, &res, NULL, NULL),
                 DISP_E_MEMBERNOTFOUND);
    args[0] = vi4(1);
    ck_assert_hr(call(d, L"Add", DISPATCH_PROPERTYPUT, args, 1, NULL, NULL, NULL),
                 DISP_E_MEMBERNOTFOUND);
    SysFreeString(junk);
    IDispatch_Release(d);
}
END_TEST

static DISPID dispid_of(IDispatch *d, const WCHAR *name)
{
    LPOLESTR n = (LPOLESTR)name;
    DISPID id;

    ck_assert_ok(IDispatch_GetIDsOfNames(d, &IID_NULL, &n, 1, 0, &id));
    return id;
}

START_TEST(shifting_dispids_are_per_instance)
{
    IDispatch *a = create_direct(&CLSID_StressShifting, &IID_IDispatch);
    IDispatch *b = create_direct(&CLSID_StressShifting, &IID_IDispatch), *c;
    VARIANT arg = vi4(1), res;
    DISPPARAMS dp = { &arg, NULL, 1, 0 };
    DISPID ida = dispid_of(a, L"Add"), idb = dispid_of(b, L"Add");
    void *old;
    int tries;

    ck_assert_int_ne(ida, idb);
    ck_assert_ok(IDispatch_Invoke(a, ida, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL, NULL));
    ck_assert_hr(IDispatch_Invoke(b, ida, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL, NULL),
                 DISP_E_MEMBERNOTFOUND);
    /* A new object at a freed object's address still rejects its DISPID. */
    old = a;
    IDispatch_Release(a);
    for (tries = 0; tries < 50; tries++) {
        c = create_direct(&CLSID_StressShifting, &IID_IDispatch);
        if ((void *)c == old)
            break;
        IDispatch_Release(c);
        c = NULL;
    }
    ck_assert_msg(c != NULL, "no address reuse in 50 creations");
    ck_assert_hr(IDispatch_Invoke(c, ida, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL, NULL),
                 DISP_E_MEMBERNOTFOUND);
    IDispatch_Release(c);
    IDispatch_Release(b);
}
END_TEST

START_TEST(probe_counters)
{
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    IUnknown *objs[5];
    LONG base_all = live(probe, L""), base_t = live(probe, L"Target"), adds, rels, adds0, rels0;
    LONG peak;
    BSTR bogus = SysAllocString(L"Bogus"), names;
    int i;

    ck_assert_int_ge(live(probe, L"Probe"), 1);
    ck_assert_ok(IStressProbe_get_AddRefCalls(probe, &adds0));
    ck_assert_ok(IStressProbe_get_ReleaseCalls(probe, &rels0));
    for (i = 0; i < 5; i++)
        objs[i] = create_direct(i < 3 ? &CLSID_StressTarget : &CLSID_StressUntyped, &IID_IUnknown);
    ck_assert_int_eq(live(probe, L"target"), base_t + 3);
    ck_assert_int_eq(live(probe, L"Untyped"), 2);
    ck_assert_int_eq(live(probe, L""), base_all + 5);
    ck_assert_ok(IStressProbe_PeakObjects(probe, NULL, &peak));
    ck_assert_int_ge(peak, base_all + 5);
    ck_assert_ok(IStressProbe_get_AddRefCalls(probe, &adds));
    ck_assert_ok(IStressProbe_get_ReleaseCalls(probe, &rels));
    ck_assert_int_eq(adds - rels, adds0 - rels0 + 5);
    for (i = 0; i < 5; i++)
        IUnknown_Release(objs[i]);
    ck_assert_int_eq(live(probe, L""), base_all);
    ck_assert_ok(IStressProbe_get_AddRefCalls(probe, &adds));
    ck_assert_ok(IStressProbe_get_ReleaseCalls(probe, &rels));
    ck_assert_int_eq(adds - rels, adds0 - rels0);
    ck_assert_int_gt(adds, adds0);
    ck_assert_hr(IStressProbe_LiveObjects(probe, bogus, &peak), E_INVALIDARG);
    ck_assert_ok(IStressProbe_get_ClassNames(probe, &names));
    ck_assert(!wcscmp(names, L"Target,Untyped,Shifting,Probe"));
    SysFreeString(names);
    SysFreeString(bogus);
    IStressProbe_Release(probe);
}
END_TEST

START_TEST(can_unload_follows_objects_and_locks)
{
    IClassFactory *factory;
    IStressTarget *t;
    VARIANT res;

    ck_assert_hr(can_unload_now(), S_OK);
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_hr(can_unload_now(), S_FALSE);
    /* The type information was dropped at S_OK and reloads on demand. */
    ck_assert_ok(call((IDispatch *)t, L"Name", DISPATCH_PROPERTYGET, NULL, 0, &res, NULL, NULL));
    VariantClear(&res);
    IStressTarget_Release(t);
    ck_assert_hr(can_unload_now(), S_OK);
    ck_assert_ok(get_class_object(&CLSID_StressTarget, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_LockServer(factory, TRUE));
    IClassFactory_Release(factory);
    ck_assert_hr(can_unload_now(), S_FALSE);
    ck_assert_ok(get_class_object(&CLSID_StressTarget, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_LockServer(factory, FALSE));
    IClassFactory_Release(factory);
    ck_assert_hr(can_unload_now(), S_OK);
}
END_TEST

/* ---- registered ------------------------------------------------------ */

START_TEST(progids_create_registered_classes)
{
    static const struct { const WCHAR *progid; const CLSID *clsid; const WCHAR *name; } classes[] = {
        { L"ComStress.Target", &CLSID_StressTarget, L"Target" },
        { L"ComStress.Untyped", &CLSID_StressUntyped, L"Untyped" },
        { L"ComStress.Shifting", &CLSID_StressShifting, L"Shifting" },
        { L"ComStress.Probe", &CLSID_StressProbe, NULL },
    };
    HMODULE owner;
    IDispatch *d;
    CLSID clsid;
    VARIANT res;
    int i;

    for (i = 0; i < 4; i++) {
        ck_assert_ok(CLSIDFromProgID(classes[i].progid, &clsid));
        ck_assert_msg(IsEqualCLSID(&clsid, classes[i].clsid), "%ls: wrong CLSID", classes[i].progid);
        ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d));
        /* The object's vtable lives in the DLL this suite loaded. */
        ck_assert(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                                     | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                     *(LPCWSTR *)d, &owner));
        ck_assert_ptr_eq(owner, server);
        ck_assert_ok(call(d, classes[i].name ? L"Name" : L"ClassNames", DISPATCH_PROPERTYGET,
                          NULL, 0, &res, NULL, NULL));
        ck_assert(V_VT(&res) == VT_BSTR);
        if (classes[i].name)
            ck_assert_msg(!wcscmp(V_BSTR(&res), classes[i].name), "Name %ls", V_BSTR(&res));
        VariantClear(&res);
        ck_assert_uint_eq(IDispatch_Release(d), 0);
    }
}
END_TEST

START_TEST(inproc_server_is_both_threaded)
{
    WCHAR key[100], clsid[40], value[32];
    DWORD size = sizeof(value);

    StringFromGUID2(&CLSID_StressTarget, clsid, 40);
    swprintf(key, 100, L"CLSID\\%ls\\InprocServer32", clsid);
    ck_assert_int_eq(RegGetValueW(HKEY_CLASSES_ROOT, key, L"ThreadingModel", RRF_RT_REG_SZ,
                                  NULL, value, &size), ERROR_SUCCESS);
    ck_assert(!wcscmp(value, L"Both"));
}
END_TEST

typedef struct mta_call { IStream *stream; LONG result; HRESULT hr; } mta_call;

/* Unmarshals an IStressTarget in a new MTA and calls Add(2) on the proxy. */
static DWORD WINAPI mta_thread(void *arg)
{
    mta_call *c = arg;
    IStressTarget *t;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (SUCCEEDED(c->hr = CoGetInterfaceAndReleaseStream(c->stream, &IID_IStressTarget,
                                                         (void **)&t))) {
        c->hr = IStressTarget_Add(t, 2, &c->result);
        IStressTarget_Release(t);
    }
    CoUninitialize();
    return 0;
}

START_TEST(typelib_marshaller_crosses_apartments)
{
    IStressTarget *t;
    mta_call c = { NULL, 0, E_FAIL };
    HANDLE thread;
    MSG msg;

    ck_assert_ok(CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_IStressTarget, (void **)&t));
    ck_assert_ok(CoMarshalInterThreadInterfaceInStream(&IID_IStressTarget, (IUnknown *)t,
                                                       &c.stream));
    thread = CreateThread(NULL, 0, mta_thread, &c, 0, NULL);
    /* The STA must pump messages while the MTA calls back into it. */
    while (MsgWaitForMultipleObjects(1, &thread, FALSE, 10000, QS_ALLINPUT) == WAIT_OBJECT_0 + 1)
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
            DispatchMessageW(&msg);
    CloseHandle(thread);
    ck_assert_ok(c.hr);
    ck_assert_int_eq(c.result, 2);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
}
END_TEST

/* ---- registration-free ------------------------------------------------ */

/* Copies the DLL and its generated manifest (next to it in the build) into
 * a fresh folder; returns the copy's DLL path in dll_copy. */
static const char *copy_server(char *dll_copy, char *manifest_copy)
{
    const char *dll = cs_env("COMSTRESS_SERVER_DLL"), *dir = cs_temp_dir("regfree");
    char manifest[MAX_PATH], *slash;

    snprintf(manifest, sizeof(manifest), "%s", dll);
    slash = strrchr(manifest, '/') > strrchr(manifest, '\\') ? strrchr(manifest, '/')
                                                              : strrchr(manifest, '\\');
    ck_assert_ptr_nonnull(slash);
    snprintf(slash + 1, sizeof(manifest) - (size_t)(slash + 1 - manifest), "comstress_server.manifest");
    snprintf(dll_copy, MAX_PATH, "%s\\comstress_server.dll", dir);
    snprintf(manifest_copy, MAX_PATH, "%s\\comstress_server.manifest", dir);
    ck_assert_msg(CopyFileA(dll, dll_copy, FALSE), "copy %s: %lu", dll, GetLastError());
    ck_assert_msg(CopyFileA(manifest, manifest_copy, FALSE), "copy %s: %lu", manifest, GetLastError());
    return dir;
}

START_TEST(manifest_activates_the_copy)
{
    char dll_copy[MAX_PATH], manifest_copy[MAX_PATH], loaded[MAX_PATH];
    const char *dir = copy_server(dll_copy, manifest_copy);
    ACTCTXA actctx;
    HANDLE ctx;
    ULONG_PTR cookie;
    IStressTarget *t;
    HMODULE owner;
    LONG r;

    memset(&actctx, 0, sizeof(actctx));
    actctx.cbSize = sizeof(actctx);
    actctx.dwFlags = ACTCTX_FLAG_ASSEMBLY_DIRECTORY_VALID;
    actctx.lpSource = manifest_copy;
    actctx.lpAssemblyDirectory = dir;
    ctx = CreateActCtxA(&actctx);
    ck_assert_msg(ctx != INVALID_HANDLE_VALUE, "CreateActCtx(%s): %lu", manifest_copy, GetLastError());
    ck_assert(ActivateActCtx(ctx, &cookie));
    /* CLSIDFromProgID is not checked here: under Wine 8 it returns a
     * different GUID for a manifest's progid. */
    ck_assert_ok(CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_IStressTarget, (void **)&t));
    DeactivateActCtx(0, cookie);
    ReleaseActCtx(ctx);
    ck_assert(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                                 | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                 *(LPCWSTR *)t, &owner));
    GetModuleFileNameA(owner, loaded, MAX_PATH);
    ck_assert_msg(owner != server && !lstrcmpiA(loaded, dll_copy),
                  "object served by %s, expected the copy %s", loaded, dll_copy);
    ck_assert_ok(IStressTarget_Add(t, 3, &r));
    ck_assert_int_eq(r, 3);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
}
END_TEST

/* ---- faults ---------------------------------------------------------- */

static IStressProbe *fault_probe;

static void faults_setup(void)
{
    setup();
    fault_probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
}

/* Clears the fault even when the test failed half-way. */
static void faults_teardown(void)
{
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);

    set_fault(probe, L"", 0);
    IStressProbe_Release(probe);
    if (fault_probe)
        IStressProbe_Release(fault_probe);
    fault_probe = NULL;
    cs_com_teardown();
}

/* Live bytes in the process heap, by walking it (exact under Wine). */
static SIZE_T heap_bytes(void)
{
    PROCESS_HEAP_ENTRY e;
    HANDLE heap = GetProcessHeap();
    SIZE_T total = 0;

    memset(&e, 0, sizeof(e));
    HeapLock(heap);
    while (HeapWalk(heap, &e))
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY)
            total += e.cbData;
    HeapUnlock(heap);
    return total;
}

START_TEST(catalogue_lists_every_fault)
{
    BSTR text, name;
    char line[64];
    cs_fault f;
    long param = -1;
    int lines = 0;
    const WCHAR *p;

    ck_assert_ok(IStressProbe_get_FaultCatalogue(fault_probe, &text));
    for (p = text; *p; p++)
        lines += *p == L'\n';
    ck_assert_int_eq(lines, CS_FAULT_COUNT - 1);
    for (f = CS_FAULT_NONE + 1; f < CS_FAULT_COUNT; f++) {
        WCHAR wide[64];
        snprintf(line, sizeof(line), "%s\t", cs_fault_name(f));
        MultiByteToWideChar(CP_ACP, 0, line, -1, wide, 64);
        ck_assert_msg(wcsstr(text, wide) != NULL, "catalogue lacks %s", line);
    }
    SysFreeString(text);
    ck_assert_int_eq(cs_fault_parse(" leak-bytes:100 ", &f, &param), 0);
    ck_assert(f == CS_FAULT_LEAK_BYTES && param == 100);
    ck_assert_int_eq(cs_fault_parse("", &f, &param), 0);
    ck_assert(f == CS_FAULT_NONE && param == 0);
    ck_assert_int_eq(cs_fault_parse("leak-bytes:", &f, &param), -1);
    ck_assert_int_eq(cs_fault_parse("leak-bytes:12x", &f, &param), -1);
    ck_assert_int_eq(cs_fault_parse("no-such-fault", &f, &param), -1);
    ck_assert_hr(set_fault(fault_probe, L"no-such-fault", 0), E_INVALIDARG);
    ck_assert_ok(set_fault(fault_probe, L"lock-leak", 0));
    ck_assert_ok(IStressProbe_get_Fault(fault_probe, &name));
    ck_assert(!wcscmp(name, L"lock-leak"));
    SysFreeString(name);
}
END_TEST

START_TEST(fault_extra_addref_keeps_object)
{
    LONG base = live(fault_probe, L"Target"), r;
    IStressTarget *t;

    ck_assert_ok(set_fault(fault_probe, L"extra-addref", 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_ok(IStressTarget_Add(t, 1, &r));
    ck_assert_uint_eq(IStressTarget_Release(t), 1);
    ck_assert_int_eq(live(fault_probe, L"Target"), base + 1);
    IStressTarget_Release(t);    /* the leaked reference, to clean up */
    ck_assert_int_eq(live(fault_probe, L"Target"), base);
}
END_TEST

START_TEST(fault_child_extra_ref)
{
    LONG base = live(fault_probe, L"Target");
    IStressTarget *t;
    IDispatch *child;

    ck_assert_ok(set_fault(fault_probe, L"child-extra-ref", 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_ok(IStressTarget_CreateChild(t, &child));
    IStressTarget_Release(t);
    ck_assert_uint_eq(IDispatch_Release(child), 1);
    ck_assert_int_eq(live(fault_probe, L"Target"), base + 1);
    IDispatch_Release(child);
    ck_assert_int_eq(live(fault_probe, L"Target"), base);
}
END_TEST

START_TEST(fault_variant_leak_keeps_argument)
{
    IStressTarget *t;
    IUnknown *arg = create_direct(&CLSID_StressUntyped, &IID_IUnknown);
    LONG r;

    ck_assert_ok(set_fault(fault_probe, L"variant-leak", 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_ok(IStressTarget_Consume(t, vdisp((IDispatch *)arg), &r));
    ck_assert_ok(IStressTarget_Consume(t, vdisp((IDispatch *)arg), &r));
    IStressTarget_Release(t);
    ck_assert_uint_eq(cs_refcount(arg), 3);
    IUnknown_Release(arg), IUnknown_Release(arg);
    ck_assert_uint_eq(IUnknown_Release(arg), 0);
}
END_TEST

START_TEST(fault_lock_leak_blocks_unload)
{
    LONG locks0, locks;
    IStressTarget *t;
    IClassFactory *factory;

    ck_assert_ok(IStressProbe_get_ServerLocks(fault_probe, &locks0));
    ck_assert_ok(set_fault(fault_probe, L"lock-leak", 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_ok(IStressProbe_get_ServerLocks(fault_probe, &locks));
    ck_assert_int_eq(locks, locks0 + 1);
    ck_assert_ok(get_class_object(&CLSID_StressTarget, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_LockServer(factory, FALSE));    /* clean up */
    IClassFactory_Release(factory);
}
END_TEST

START_TEST(fault_cannot_unload)
{
    IStressProbe *probe;

    ck_assert_ok(set_fault(fault_probe, L"cannot-unload", 0));
    IStressProbe_Release(fault_probe);
    fault_probe = NULL;
    ck_assert_hr(can_unload_now(), S_FALSE);
    probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    ck_assert_ok(set_fault(probe, L"", 0));
    IStressProbe_Release(probe);
    ck_assert_hr(can_unload_now(), S_OK);
}
END_TEST

/* Heap growth over n calls of Add on a Target made under fault:param. */
static SIZE_T add_heap_growth(const WCHAR *fault, LONG param, int n)
{
    IStressTarget *t;
    SIZE_T before;
    LONG r;
    int i;

    ck_assert_ok(set_fault(fault_probe, fault, param));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IStressTarget_Add(t, 1, &r);
    before = heap_bytes();
    for (i = 0; i < n; i++)
        IStressTarget_Add(t, 1, &r);
    before = heap_bytes() - before;
    IStressTarget_Release(t);
    return before;
}

START_TEST(fault_leak_bytes_grows_heap)
{
    SIZE_T clean = add_heap_growth(L"", 0, 50);
    SIZE_T dflt = add_heap_growth(L"leak-bytes", 0, 50);
    SIZE_T hundred = add_heap_growth(L"leak-bytes", 100, 50);

    ck_assert_uint_eq(clean, 0);
    ck_assert_msg(dflt >= 50 * 24 && dflt < 50 * 24 + 512, "default: %lu bytes", (unsigned long)dflt);
    ck_assert_msg(hundred >= 50 * 100 && hundred < 50 * 100 + 512, "100: %lu bytes", (unsigned long)hundred);
}
END_TEST

/* Heap growth over n Echo calls whose results are freed (BSTR cache off). */
static SIZE_T echo_heap_growth(const WCHAR *fault, int n)
{
    IStressTarget *t;
    BSTR in = SysAllocString(L"a BSTR of some length"), out;
    SIZE_T before;
    int i;

    ck_assert_ok(set_fault(fault_probe, fault, 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    before = heap_bytes();
    for (i = 0; i < n; i++) {
        ck_assert_ok(IStressTarget_Echo(t, in, &out));
        SysFreeString(out);
    }
    before = heap_bytes() - before;
    IStressTarget_Release(t);
    SysFreeString(in);
    return before;
}

START_TEST(fault_echo_leak_bstr_grows_heap)
{
    void (WINAPI *set_oa_no_cache)(void) = (void (WINAPI *)(void))(void *)
        GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");
    SIZE_T clean, leaky;

    ck_assert_ptr_nonnull(set_oa_no_cache);
    set_oa_no_cache();
    clean = echo_heap_growth(L"", 50);
    leaky = echo_heap_growth(L"echo-leak-bstr", 50);
    ck_assert_msg(clean < 64, "clean Echo grew the heap by %lu", (unsigned long)clean);
    ck_assert_msg(leaky >= 50 * 42, "leaky Echo grew the heap by %lu only", (unsigned long)leaky);
}
END_TEST

/* Runs after every other fault: its internal child can never be freed. */
START_TEST(fault_internal_child_leak)
{
    LONG base = live(fault_probe, L"Target");
    IStressTarget *t;

    ck_assert_ok(set_fault(fault_probe, L"internal-child-leak", 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_int_eq(live(fault_probe, L"Target"), base + 2);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(fault_probe, L"Target"), base + 1);
}
END_TEST

/* Child mode (no check assertions: no test is running): loads the server
 * under COMSTRESS_FAULT and prints the fault the probe reports, or
 * DllGetClassObject's failure (exit 2). */
static int env_fault_child(void)
{
    HMODULE dll = LoadLibraryA(getenv("COMSTRESS_SERVER_DLL"));
    get_class_object_fn get = dll ? (get_class_object_fn)(void *)
        GetProcAddress(dll, "DllGetClassObject") : NULL;
    IClassFactory *factory;
    IStressProbe *probe;
    BSTR name = NULL;
    HRESULT hr;

    if (!get)
        return 3;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr = get(&CLSID_StressProbe, &IID_IClassFactory, (void **)&factory))) {
        printf("DllGetClassObject: 0x%08lx\n", (unsigned long)hr);
        return 2;
    }
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IStressProbe, (void **)&probe);
    IClassFactory_Release(factory);
    if (FAILED(hr))
        return 3;
    IStressProbe_get_Fault(probe, &name);
    printf("fault=%ls\n", name);
    SysFreeString(name);
    IStressProbe_Release(probe);
    CoUninitialize();
    return 0;
}

START_TEST(env_selects_fault_at_load)
{
    static const char *const good[] = { "COMSTRESS_FAULT=leak-bytes:64", NULL };
    static const char *const bad[] = { "COMSTRESS_FAULT=bogus", NULL };
    char self[MAX_PATH], cmd[MAX_PATH + 40];
    cs_run_result *res = malloc(sizeof(*res));

    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof(cmd), "\"%s\" --env-fault-child", self);
    ck_assert(cs_spawn(cmd, good, 60000, res));
    ck_assert_msg(strstr(res->out, "fault=leak-bytes") != NULL, "child said: %s", res->out);
    ck_assert(cs_spawn(cmd, bad, 60000, res));
    ck_assert_msg(res->exit_code == 2 && strstr(res->out, "COMSTRESS_FAULT=bogus names no known fault"),
                  "child said (%lu): %s", res->exit_code, res->out);
    free(res);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("comserver");
    TCase *direct = tcase_create("direct"), *reg = tcase_create("registered");
    TCase *faults = tcase_create("faults"), *regfree = tcase_create("regfree");

    if (argc > 1 && !strcmp(argv[1], "--env-fault-child"))
        return env_fault_child();
    tcase_add_checked_fixture(direct, setup, cs_com_teardown);
    tcase_add_test(direct, target_refcounts);
    tcase_add_test(direct, target_vtable);
    tcase_add_test(direct, members_by_name);
    tcase_add_test(direct, untyped_by_hand);
    tcase_add_test(direct, shifting_dispids_are_per_instance);
    tcase_add_test(direct, probe_counters);
    tcase_add_test(direct, can_unload_follows_objects_and_locks);
    suite_add_tcase(s, direct);
    tcase_add_checked_fixture(reg, setup, cs_com_teardown);
    tcase_add_test(reg, progids_create_registered_classes);
    tcase_add_test(reg, inproc_server_is_both_threaded);
    tcase_add_test(reg, typelib_marshaller_crosses_apartments);
    suite_add_tcase(s, reg);
    tcase_add_checked_fixture(regfree, setup, cs_com_teardown);
    tcase_add_test(regfree, manifest_activates_the_copy);
    suite_add_tcase(s, regfree);
    tcase_add_checked_fixture(faults, faults_setup, faults_teardown);
    tcase_add_test(faults, catalogue_lists_every_fault);
    tcase_add_test(faults, fault_extra_addref_keeps_object);
    tcase_add_test(faults, fault_child_extra_ref);
    tcase_add_test(faults, fault_variant_leak_keeps_argument);
    tcase_add_test(faults, fault_lock_leak_blocks_unload);
    tcase_add_test(faults, fault_cannot_unload);
    tcase_add_test(faults, fault_leak_bytes_grows_heap);
    tcase_add_test(faults, fault_echo_leak_bstr_grows_heap);
    tcase_add_test(faults, env_selects_fault_at_load);
    tcase_add_test(faults, fault_internal_child_leak);
    suite_add_tcase(s, faults);
    return cs_run_suite(s);
}
