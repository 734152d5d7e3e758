/*
 * The reference server (comserver/): every class through its vtable and
 * through IDispatch::Invoke, the counters behind the probe, DllCanUnloadNow,
 * registration, and each fault of the catalogue observed through counters
 * or heap growth.
 */
#include "test_comserver.h"
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
    ck_assert(!wcscmp(names, L"Target,Untyped,Shifting,Probe,Items,Item,Enumerator"));
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

int main(int argc, char **argv)
{
    Suite *s = suite_create("comserver");
    TCase *direct = tcase_create("direct"), *reg = tcase_create("registered");
    TCase *regfree = tcase_create("regfree");

    if (argc > 1 && !strcmp(argv[1], "--env-fault-child"))
        return env_fault_child();
    if (argc > 1 && !strcmp(argv[1], "--noise-unload-child"))
        return noise_unload_child();
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
    suite_add_tcase(s, comserver_plumbing_tcase());
    suite_add_tcase(s, comserver_model_tcase());
    suite_add_tcase(s, comserver_model_faults_tcase());
    suite_add_tcase(s, comserver_faults_tcase());
    suite_add_tcase(s, comserver_noise_tcase());
    return cs_run_suite(s);
}
