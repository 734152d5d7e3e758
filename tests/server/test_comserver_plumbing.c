/*
 * The server's shared plumbing (part of the test_comserver suite): the type
 * information references the typed classes hold, the object counters under
 * several MTA threads, and the class table against the generated manifest.
 */
#include "test_comserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Objects per typed class in typeinfo_references_come_back. */
#define TI_OBJECTS 20

/* The hammer: threads, create/release rounds per thread, objects a thread
 * holds at once. */
#define HAMMER_THREADS 4
#define HAMMER_ROUNDS 400
#define HAMMER_HOLD 50

/* The refcount of the ITypeInfo an object's IDispatch serves. */
static ULONG typeinfo_refs(IDispatch *d)
{
    ITypeInfo *ti;
    ULONG refs;

    ck_assert_ok(IDispatch_GetTypeInfo(d, 0, 0, &ti));
    refs = cs_refcount((IUnknown *)ti) - 1;     /* less our own reference */
    ITypeInfo_Release(ti);
    return refs;
}

/*
 * For one typed class: with one object alive (so the module's cached type
 * information stays loaded), N more objects each hold exactly one reference
 * to the type information while alive, used by calls through IDispatch, and
 * give it back when destroyed.
 */
static void check_typeinfo_refs(const CLSID *clsid, const WCHAR *member)
{
    IDispatch *keep = create_direct(clsid, &IID_IDispatch), *objs[TI_OBJECTS];
    ULONG before = typeinfo_refs(keep);
    VARIANT res;
    int i;

    for (i = 0; i < TI_OBJECTS; i++) {
        objs[i] = create_direct(clsid, &IID_IDispatch);
        ck_assert_ok(call(objs[i], member, DISPATCH_PROPERTYGET, NULL, 0, &res, NULL, NULL));
        VariantClear(&res);
    }
    ck_assert_uint_eq(typeinfo_refs(keep), before + TI_OBJECTS);
    for (i = 0; i < TI_OBJECTS; i++)
        ck_assert_uint_eq(IDispatch_Release(objs[i]), 0);
    ck_assert_uint_eq(typeinfo_refs(keep), before);
    ck_assert_uint_eq(IDispatch_Release(keep), 0);
}

/* The same for the object model's typed classes, which only a Target
 * makes: N Targets' collections (one each) and their items (three each). */
static void check_model_typeinfo_refs(void)
{
    IStressTarget *keep = create_direct(&CLSID_StressTarget, &IID_IStressTarget), *t[TI_OBJECTS];
    IStressItems *keep_items = target_items(keep), *items;
    IDispatch *keep_item;
    ULONG items_refs, item_refs;
    VARIANT res;
    int i;

    ck_assert_ok(IStressItems_get_Item(keep_items, vi4(1), &keep_item));
    items_refs = typeinfo_refs((IDispatch *)keep_items);
    item_refs = typeinfo_refs(keep_item);
    for (i = 0; i < TI_OBJECTS; i++) {
        t[i] = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
        items = target_items(t[i]);
        ck_assert_ok(call((IDispatch *)items, L"Count", DISPATCH_PROPERTYGET, NULL, 0, &res, NULL,
                          NULL));
        ck_assert(V_VT(&res) == VT_I4 && V_I4(&res) == 3);
        IStressItems_Release(items);
    }
    ck_assert_uint_eq(typeinfo_refs((IDispatch *)keep_items), items_refs + TI_OBJECTS);
    ck_assert_uint_eq(typeinfo_refs(keep_item), item_refs + 3 * TI_OBJECTS);
    for (i = 0; i < TI_OBJECTS; i++)
        ck_assert_uint_eq(IStressTarget_Release(t[i]), 0);
    ck_assert_uint_eq(typeinfo_refs((IDispatch *)keep_items), items_refs);
    ck_assert_uint_eq(typeinfo_refs(keep_item), item_refs);
    IDispatch_Release(keep_item);
    IStressItems_Release(keep_items);
    ck_assert_uint_eq(IStressTarget_Release(keep), 0);
}

START_TEST(typeinfo_references_come_back_after_n_objects)
{
    check_typeinfo_refs(&CLSID_StressTarget, L"Name");
    check_typeinfo_refs(&CLSID_StressProbe, L"ServerLocks");
    check_model_typeinfo_refs();
}
END_TEST

typedef struct hammer {
    IClassFactory *factory;    /* Target's, shared by every thread */
    volatile LONG holding;     /* threads holding HAMMER_HOLD objects */
    HANDLE all_holding;        /* set when every thread holds them */
    volatile LONG failures;
} hammer;

/* Creates HAMMER_HOLD Targets into objs; counts failures. */
static void hammer_create(hammer *h, IUnknown **objs)
{
    int i;

    for (i = 0; i < HAMMER_HOLD; i++)
        if (FAILED(IClassFactory_CreateInstance(h->factory, NULL, &IID_IUnknown, (void **)&objs[i]))) {
            InterlockedIncrement(&h->failures);
            objs[i] = NULL;
        }
}

static void hammer_release(IUnknown **objs)
{
    int i;

    for (i = 0; i < HAMMER_HOLD; i++)
        if (objs[i])
            IUnknown_Release(objs[i]);
}

/* One MTA thread: HAMMER_ROUNDS rounds of create/release, then it holds
 * HAMMER_HOLD objects until every thread does (the exact peak), and
 * releases them. */
static DWORD WINAPI hammer_thread(void *arg)
{
    hammer *h = arg;
    IUnknown *objs[HAMMER_HOLD];
    int r;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    for (r = 0; r < HAMMER_ROUNDS; r++) {
        hammer_create(h, objs);
        hammer_release(objs);
    }
    hammer_create(h, objs);
    if (InterlockedIncrement(&h->holding) == HAMMER_THREADS)
        SetEvent(h->all_holding);
    WaitForSingleObject(h->all_holding, INFINITE);
    hammer_release(objs);
    CoUninitialize();
    return 0;
}

static LONG peak(IStressProbe *probe, const WCHAR *cls)
{
    BSTR name = SysAllocString(cls);
    LONG n = -1;

    ck_assert_ok(IStressProbe_PeakObjects(probe, name, &n));
    SysFreeString(name);
    return n;
}

/* AddRef and Release calls the probe counted so far. */
static void refcalls(IStressProbe *probe, LONG *adds, LONG *rels)
{
    ck_assert_ok(IStressProbe_get_AddRefCalls(probe, adds));
    ck_assert_ok(IStressProbe_get_ReleaseCalls(probe, rels));
}

START_TEST(counters_end_exact_after_mta_hammer)
{
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    LONG base_all = live(probe, L""), base_t = live(probe, L"Target"), a0, r0, a1, r1;
    LONG per_adds, per_rels, objects = HAMMER_THREADS * (HAMMER_ROUNDS + 1) * HAMMER_HOLD;
    hammer h = { NULL, 0, CreateEventW(NULL, TRUE, FALSE, NULL), 0 };
    HANDLE threads[HAMMER_THREADS];
    IUnknown *one;
    int i;

    ck_assert_ok(get_class_object(&CLSID_StressTarget, &IID_IClassFactory, (void **)&h.factory));
    /* The counter traffic of one object, measured alone. */
    refcalls(probe, &a0, &r0);
    ck_assert_ok(IClassFactory_CreateInstance(h.factory, NULL, &IID_IUnknown, (void **)&one));
    IUnknown_Release(one);
    refcalls(probe, &a1, &r1);
    per_adds = a1 - a0, per_rels = r1 - r0;
    ck_assert_int_eq(per_adds, per_rels);
    ck_assert_int_gt(per_adds, 0);
    for (i = 0; i < HAMMER_THREADS; i++)
        threads[i] = CreateThread(NULL, 0, hammer_thread, &h, 0, NULL);
    WaitForMultipleObjects(HAMMER_THREADS, threads, TRUE, INFINITE);
    for (i = 0; i < HAMMER_THREADS; i++)
        CloseHandle(threads[i]);
    CloseHandle(h.all_holding);
    IClassFactory_Release(h.factory);
    ck_assert_int_eq(h.failures, 0);
    ck_assert_int_eq(live(probe, L"Target"), base_t);
    ck_assert_int_eq(live(probe, L""), base_all);
    ck_assert_int_eq(peak(probe, L"Target"), base_t + HAMMER_THREADS * HAMMER_HOLD);
    ck_assert_int_eq(peak(probe, L""), base_all + HAMMER_THREADS * HAMMER_HOLD);
    refcalls(probe, &a0, &r0);
    ck_assert_int_eq(a0 - a1, objects * per_adds);
    ck_assert_int_eq(r0 - r1, objects * per_rels);
    IStressProbe_Release(probe);
}
END_TEST

/* The manifest built next to the server DLL, read whole (malloc'd). */
static char *read_manifest(void)
{
    char path[MAX_PATH], *slash;
    char *text;

    snprintf(path, sizeof(path), "%s", cs_env("COMSTRESS_SERVER_DLL"));
    slash = strrchr(path, '/') > strrchr(path, '\\') ? strrchr(path, '/') : strrchr(path, '\\');
    ck_assert_ptr_nonnull(slash);
    snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "comstress_server.manifest");
    text = cs_read_file(path);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    return text;
}

/* The value of attribute name="..." in line (up to the line's end) into
 * out; FALSE when the line has none. */
static BOOL attribute(const char *line, const char *name, char *out, size_t size)
{
    char key[32];
    const char *end = strchr(line, '\n'), *at, *close;

    snprintf(key, sizeof(key), " %s=\"", name);
    if (!(at = strstr(line, key)) || (end && at > end))
        return FALSE;
    at += strlen(key);
    if (!(close = strchr(at, '"')))
        return FALSE;
    snprintf(out, size, "%.*s", (int)(close - at), at);
    return TRUE;
}

/*
 * The manifest (generated from the IDL) and the registry (written from the
 * class table by DllRegisterServer) agree: every comClass's progid leads to
 * its clsid, a type library is named exactly for the typed classes, and
 * every creatable class is there.
 */
START_TEST(manifest_agrees_with_the_class_table)
{
    static const struct { const char *progid; BOOL typed; } creatable[] = {
        { "ComStress.Target", TRUE }, { "ComStress.Untyped", FALSE },
        { "ComStress.Shifting", FALSE }, { "ComStress.Probe", TRUE },
    };
    char *text = read_manifest(), *line, clsid[64], progid[64], tlbid[64];
    WCHAR wide[64], registered[40];
    CLSID from_registry;
    int classes = 0, found = 0;
    size_t i;

    for (line = strstr(text, "<comClass"); line; line = strstr(line + 1, "<comClass")) {
        ck_assert(attribute(line, "clsid", clsid, sizeof(clsid)));
        ck_assert(attribute(line, "progid", progid, sizeof(progid)));
        MultiByteToWideChar(CP_ACP, 0, progid, -1, wide, 64);
        ck_assert_ok(CLSIDFromProgID(wide, &from_registry));
        StringFromGUID2(&from_registry, registered, 40);
        MultiByteToWideChar(CP_ACP, 0, clsid, -1, wide, 64);
        ck_assert_msg(!lstrcmpiW(wide, registered), "%s: manifest %s, registry %ls", progid, clsid,
                      registered);
        for (i = 0; i < ARRAY_SIZE(creatable); i++)
            if (!strcmp(progid, creatable[i].progid)) {
                found++;
                ck_assert_int_eq(attribute(line, "tlbid", tlbid, sizeof(tlbid)), creatable[i].typed);
            }
        classes++;
    }
    ck_assert_int_eq(found, (int)ARRAY_SIZE(creatable));
    ck_assert_int_eq(classes, (int)ARRAY_SIZE(creatable));
    free(text);
}
END_TEST

TCase *comserver_plumbing_tcase(void)
{
    TCase *tc = tcase_create("plumbing");

    tcase_add_checked_fixture(tc, setup, cs_com_teardown);
    tcase_add_test(tc, typeinfo_references_come_back_after_n_objects);
    tcase_add_test(tc, counters_end_exact_after_mta_hammer);
    tcase_add_test(tc, manifest_agrees_with_the_class_table);
    return tc;
}
