/* The reference server's fault catalogue, each fault seen through the
 * counters or the heap (part of the test_comserver suite). */
#include "test_comserver.h"
#include "faults.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>


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

/* Live bytes in the process heap. */
static SIZE_T heap_bytes(void)
{
    SIZE_T bytes;

    heap_usage(&bytes, NULL);
    return bytes;
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
    /* a parameter is checked per fault: none for most, a percentage for
     * leak-random, a positive count for the rest */
    ck_assert_hr(set_fault(fault_probe, L"cannot-unload", 3), E_INVALIDARG);
    ck_assert_hr(set_fault(fault_probe, L"leak-random", 101), E_INVALIDARG);
    ck_assert_hr(set_fault(fault_probe, L"crash-call", -1), E_INVALIDARG);
    ck_assert_ok(set_fault(fault_probe, L"leak-random", 100));
    ck_assert_ok(set_fault(fault_probe, L"crash-call", 1));
    ck_assert_ok(set_fault(fault_probe, L"cannot-unload", 0));
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
    heap_window_open();
    before = heap_bytes();
    for (i = 0; i < n; i++)
        IStressTarget_Add(t, 1, &r);
    before = heap_bytes() - before;
    heap_window_close();
    IStressTarget_Release(t);
    return before;
}

START_TEST(fault_leak_bytes_grows_heap)
{
    SIZE_T clean = add_heap_growth(L"", 0, 50);
    SIZE_T dflt = add_heap_growth(L"leak-bytes", 0, 50);
    SIZE_T hundred = add_heap_growth(L"leak-bytes", 100, 50);
    /* its param is the calls before the crash (51 made here), not bytes */
    SIZE_T then_crash = add_heap_growth(L"leak-then-crash", 100, 50);

    ck_assert_uint_eq(clean, 0);
    ck_assert_msg(dflt >= 50 * 24 && dflt < 50 * 24 + 512, "default: %lu bytes", (unsigned long)dflt);
    ck_assert_msg(hundred >= 50 * 100 && hundred < 50 * 100 + 512, "100: %lu bytes", (unsigned long)hundred);
    ck_assert_msg(then_crash >= 50 * 24 && then_crash < 50 * 24 + 512, "leak-then-crash: %lu bytes",
                  (unsigned long)then_crash);
}
END_TEST

/* Heap growth over n Echo calls whose results are freed (BSTR cache off). */
static SIZE_T echo_heap_growth(const WCHAR *fault, int n)
{
    IStressTarget *t;
    BSTR in = SysAllocString(L"a BSTR of some length"), out;
    SIZE_T before;
    int i, failed = 0;

    ck_assert_ok(set_fault(fault_probe, fault, 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    heap_window_open();
    before = heap_bytes();
    for (i = 0; i < n; i++)
        if (IStressTarget_Echo(t, in, &out) == S_OK)
            SysFreeString(out);
        else
            failed++;
    before = heap_bytes() - before;
    heap_window_close();
    ck_int_eq(failed, 0);
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
int env_fault_child(void)
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

TCase *comserver_faults_tcase(void)
{
    TCase *faults = tcase_create("faults");

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
    return faults;
}
