/*
 * The tracer on the reference server (comstress_server.dll, loaded with
 * LoadLibrary after tracing started, objects made by DllGetClassObject):
 * each leaking fault is named at its allocation site, and a clean run,
 * whose temporary blocks are freed within the call or by the caller,
 * leaves no group behind.
 */
#include "test_trace.h"
#include "comstress.h"

#include <string.h>

#define CALLS 200

/* Where the leak-bytes fault allocates (the first frame of its stack):
 * function, file, and the text of the allocating line. */
#define LEAK_BYTES_SITE "target_on_call"
#define LEAK_BYTES_FILE "target.c"
#define LEAK_BYTES_PATH "comserver/classes/target.c"
#define LEAK_BYTES_LINE "HeapAlloc(GetProcessHeap(), 0, (SIZE_T)n);"

typedef HRESULT (WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);
typedef HRESULT (WINAPI *can_unload_fn)(void);

static HMODULE server;
static get_class_object_fn get_class_object;
static cs_trace_report *report;

/* The BSTR cache hides frees from any tracer; harnesses turn it off. */
static void bstr_cache_off(void)
{
    void (WINAPI *set_no_cache)(void) =
        (void *)GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");

    ck_assert_ptr_nonnull(set_no_cache);
    set_no_cache();
}

static void server_setup(void)
{
    const WCHAR *path = trace_env_path("COMSTRESS_SERVER_DLL", 0);

    cs_com_sta_setup();
    bstr_cache_off();
    ck_assert_ptr_null(GetModuleHandleW(path));
    trace_start_module(path);
    server = LoadLibraryW(path);
    ck_assert_msg(server != NULL, "LoadLibrary: %lu", GetLastError());
    get_class_object = (get_class_object_fn)(void *)GetProcAddress(server, "DllGetClassObject");
    ck_assert_ptr_nonnull(get_class_object);
}

static void server_teardown(void)
{
    can_unload_fn can_unload;

    cs_trace_report_free(report);
    report = NULL;
    cs_trace_stop();
    if (server) {
        can_unload = (can_unload_fn)(void *)GetProcAddress(server, "DllCanUnloadNow");
        if (can_unload)
            can_unload();
        FreeLibrary(server);
    }
    server = NULL;
    cs_com_teardown();
}

static void *create(REFCLSID clsid, REFIID iid)
{
    IClassFactory *factory;
    void *obj = NULL;

    ck_assert_ok(get_class_object(clsid, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_CreateInstance(factory, NULL, iid, &obj));
    IClassFactory_Release(factory);
    return obj;
}

/* A Target whose fault is name:param (the probe selects it for new objects). */
static IStressTarget *target_with_fault(const WCHAR *name, LONG param)
{
    IStressProbe *probe = create(&CLSID_StressProbe, &IID_IStressProbe);
    BSTR fault = SysAllocString(name);
    IStressTarget *t;

    ck_assert_ok(IStressProbe_SetFault(probe, fault, param));
    t = create(&CLSID_StressTarget, &IID_IStressTarget);
    SysFreeString(fault);
    fault = SysAllocString(L"");
    ck_assert_ok(IStressProbe_SetFault(probe, fault, 0));
    SysFreeString(fault);
    IStressProbe_Release(probe);
    return t;
}

/* One Add(1) through the vtable; one call site, whatever the statement. */
__attribute__((noinline)) static void add_one(IStressTarget *t)
{
    LONG r;

    ck_assert_ok(IStressTarget_Add(t, 1, &r));
}

/* Echo(text) late bound, the result cleared by oleaut32 (VariantClear). */
static void echo_late_bound(IStressTarget *t, DISPID id, const WCHAR *text)
{
    VARIANT arg, res;
    DISPPARAMS dp = { &arg, NULL, 1, 0 };

    V_VT(&arg) = VT_BSTR;
    V_BSTR(&arg) = SysAllocString(text);
    VariantInit(&res);
    ck_assert_ok(IStressTarget_Invoke(t, id, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL,
                                      NULL));
    ck_assert_int_eq(V_VT(&res), VT_BSTR);
    ck_assert(!wcscmp(V_BSTR(&res), text));
    VariantClear(&res);
    VariantClear(&arg);
}

/* The size of the process-heap block that holds p, as HeapWalk sees it
 * (the ground truth for what a BSTR of a given length really takes). */
static SIZE_T heap_block_holding(const void *p)
{
    HANDLE heap = GetProcessHeap();
    PROCESS_HEAP_ENTRY e = { 0 };
    SIZE_T size = 0;

    ck_assert(HeapLock(heap));
    while (!size && HeapWalk(heap, &e))
        if ((e.wFlags & PROCESS_HEAP_ENTRY_BUSY) && (const BYTE *)e.lpData <= (const BYTE *)p
            && (const BYTE *)p < (const BYTE *)e.lpData + e.cbData)
            size = e.cbData;
    HeapUnlock(heap);
    return size;
}

static DISPID echo_dispid(IStressTarget *t)
{
    LPOLESTR name = (LPOLESTR)L"Echo";
    DISPID id;

    ck_assert_ok(IStressTarget_GetIDsOfNames(t, &IID_NULL, &name, 1, 0, &id));
    return id;
}

/* CALLS traced calls of Add, iterations 0..CALLS-1 of statement 0, on a
 * target with the fault leak-bytes:24 (one 24-byte block a call), then
 * the target released. */
static void leak_calls(void)
{
    IStressTarget *t = target_with_fault(L"leak-bytes", 24);
    int i;

    for (i = 0; i < CALLS; i++) {
        cs_trace_set_context(i, 0);
        add_one(t);
    }
    cs_trace_set_context(CS_TRACE_NO_ITERATION, CS_TRACE_NO_STATEMENT);
    IStressTarget_Release(t);
}

/* Loaded after the start, the server is seen from its very first block:
 * its static C runtime registers its exit table while the DLL loads. */
START_TEST(the_block_the_server_makes_while_loading_is_seen)
{
    report = trace_collect(1, 0);
    ck_assert_uint_eq(report->nsites, 1);
    ck_assert_int_eq(report->sites[0].cls, CS_TRACE_ONE_OFF);
    ck_assert_int_eq(report->sites[0].kind, CS_TRACE_KIND_CRT);
    ck_assert_uint_eq(report->sites[0].blocks, 1);
    ck_assert_int_eq(report->sites[0].first_iteration, CS_TRACE_NO_ITERATION);
    ck_assert_str_eq(report->sites[0].frames[0].module, "comstress_server.dll");
    ck_assert(report->sites[0].frames[0].traced);
}
END_TEST

START_TEST(leak_bytes_is_one_leak_named_at_its_site_in_add)
{
    const cs_trace_site *leak;
    char line[512];

    leak_calls();
    report = trace_collect(0, CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, &leak), 1);
    ck_assert_int_eq(leak->kind, CS_TRACE_KIND_HEAP);
    ck_assert_uint_eq(leak->blocks, CALLS);
    ck_assert_uint_eq(leak->bytes, 24 * CALLS);
    ck_assert_double_eq(leak->bytes_per_iteration, 24.0);
    ck_assert_double_eq(leak->blocks_per_iteration, 1.0);
    ck_assert_int_eq(leak->statement, 0);
    ck_assert_int_eq(leak->first_iteration, 0);
    ck_assert_int_eq(leak->last_iteration, CALLS - 1);
    ck_assert_uint_ge(leak->nframes, 3);
    ck_assert_str_eq(leak->frames[0].function, LEAK_BYTES_SITE);
    ck_assert_str_eq(trace_file_name(&leak->frames[0]), LEAK_BYTES_FILE);
    ck_assert_uint_eq(leak->frames[0].line, trace_source_line(LEAK_BYTES_PATH, NULL,
                                                              LEAK_BYTES_LINE));
    ck_assert_str_eq(leak->frames[1].function, "target_Add");
    ck_assert_str_eq(trace_file_name(&leak->frames[1]), "target.c");
    ck_assert_uint_eq(leak->frames[1].line, trace_source_line("comserver/classes/target.c",
                      "target_Add(IStressTarget", LEAK_BYTES_SITE "(This);"));
    ck_assert_str_eq(leak->frames[1].module, "comstress_server.dll");
    ck_assert(leak->frames[1].traced);
    ck_assert(!leak->frames[2].traced);
    cs_trace_format_site(leak, line, sizeof(line));
    ck_assert_msg(!strncmp(line, LEAK_BYTES_SITE " (" LEAK_BYTES_FILE ":",
                           strlen(LEAK_BYTES_SITE " (" LEAK_BYTES_FILE ":")), "site line: %s", line);
    ck_assert_msg(strstr(line, ") <- target_Add (target.c:") != NULL, "site line: %s", line);
}
END_TEST

START_TEST(echo_leak_bstr_is_one_bstr_leak_named_in_echo)
{
    IStressTarget *t = target_with_fault(L"echo-leak-bstr", 0);
    DISPID id = echo_dispid(t);
    BSTR sample = SysAllocString(L"x");
    SIZE_T block = heap_block_holding(sample);
    const cs_trace_site *leak;
    int i;

    SysFreeString(sample);
    /* Length prefix, one character, terminator: at least 8 bytes. */
    ck_assert_uint_ge(block, 8);
    for (i = 0; i < CALLS; i++) {
        cs_trace_set_context(i, 2);
        echo_late_bound(t, id, L"x");
    }
    cs_trace_set_context(CS_TRACE_NO_ITERATION, CS_TRACE_NO_STATEMENT);
    IStressTarget_Release(t);
    report = trace_collect(0, CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, &leak), 1);
    ck_assert_int_eq(leak->kind, CS_TRACE_KIND_BSTR);
    ck_assert_uint_eq(leak->blocks, CALLS);
    ck_assert_double_eq(leak->blocks_per_iteration, 1.0);
    /* Counted as the heap block behind each BSTR, the size a heap walk sees. */
    ck_assert_uint_eq(leak->bytes, CALLS * block);
    ck_assert_double_eq(leak->bytes_per_iteration, (double)block);
    ck_assert_int_eq(leak->statement, 2);
    ck_assert_str_eq(leak->frames[0].function, "target_Echo");
    ck_assert_str_eq(trace_file_name(&leak->frames[0]), "target.c");
    /* The leaked copy, not the result (which the client freed). */
    ck_assert_uint_eq(leak->frames[0].line, trace_source_line("comserver/classes/target.c",
                      "== CS_FAULT_ECHO_LEAK_BSTR)", "SysAllocStringLen("));
    ck_assert(leak->frames[0].traced);
}
END_TEST

START_TEST(a_clean_run_leaves_no_group_of_its_calls)
{
    IStressTarget *t = target_with_fault(L"", 0);
    DISPID id = echo_dispid(t);
    cs_trace_stats stats;
    int i;

    for (i = 0; i < CALLS; i++) {
        cs_trace_set_context(i, 0);
        add_one(t);
        cs_trace_set_context(i, 1);
        echo_late_bound(t, id, L"x");
    }
    cs_trace_set_context(CS_TRACE_NO_ITERATION, CS_TRACE_NO_STATEMENT);
    IStressTarget_Release(t);
    cs_trace_get_stats(&stats);
    /* Each Echo handed out a BSTR that oleaut32 freed: seen made and gone. */
    ck_assert_int_ge(stats.allocations, CALLS);
    report = trace_collect(0, CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, NULL), 0);
    for (i = 0; i < (int)report->nsites; i++)
        ck_assert_msg(report->sites[i].statement == CS_TRACE_NO_STATEMENT,
                      "site %d of statement %d outstanding", i, (int)report->sites[i].statement);
}
END_TEST

/* Echo through the vtable: the result made by the server, freed here. */
__attribute__((noinline)) static void echo_direct(IStressTarget *t, BSTR text)
{
    BSTR out = NULL;

    ck_assert_ok(IStressTarget_Echo(t, text, &out));
    SysFreeString(out);
}

#define THREADS 4
#define THREAD_CALLS 2000

typedef struct worker_args { IStressTarget *target; BSTR text; } worker_args;

static DWORD WINAPI worker(void *arg)
{
    worker_args *w = arg;
    int i;

    for (i = 0; i < THREAD_CALLS; i++) {
        cs_trace_set_context(i, 0);
        add_one(w->target);
        cs_trace_set_context(i, 1);
        echo_direct(w->target, w->text);
    }
    return 0;
}

/*
 * Four threads making and freeing traced blocks at once, on the same call
 * sites and iterations: every member call leaks 8 bytes (leak-bytes:8), so
 * Add and Echo each make one leak of four blocks per iteration, and none of
 * the 8000 BSTRs Echo returned (freed by each thread) is outstanding.
 */
START_TEST(threads_tracing_at_once_add_up_exactly)
{
    IStressTarget *t;
    worker_args w;
    HANDLE threads[THREADS];
    cs_trace_stats before, stats;
    const cs_trace_site *leaks;
    int i;

    /* Before the objects: they are freed again by the end. */
    cs_trace_get_stats(&before);
    w.target = t = target_with_fault(L"leak-bytes", 8);
    w.text = SysAllocString(L"x");
    for (i = 0; i < THREADS; i++)
        ck_assert_ptr_nonnull(threads[i] = CreateThread(NULL, 0, worker, &w, 0, NULL));
    ck_assert_uint_eq(WaitForMultipleObjects(THREADS, threads, TRUE, 120000), WAIT_OBJECT_0);
    for (i = 0; i < THREADS; i++)
        CloseHandle(threads[i]);
    SysFreeString(w.text);
    IStressTarget_Release(t);
    cs_trace_get_stats(&stats);
    ck_assert_int_ge(stats.allocations - before.allocations, 3 * THREADS * THREAD_CALLS);
    ck_assert_int_eq(stats.live_blocks - before.live_blocks, 2 * THREADS * THREAD_CALLS);
    ck_assert_int_eq(stats.live_bytes - before.live_bytes, 2 * THREADS * THREAD_CALLS * 8);
    report = trace_collect(0, THREAD_CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, &leaks), 2);
    for (i = 0; i < 2; i++) {
        const cs_trace_site *s = &leaks[i];
        ck_assert_int_eq(s->cls, CS_TRACE_LEAK);
        ck_assert_uint_eq(s->blocks, THREADS * THREAD_CALLS);
        ck_assert_double_eq(s->blocks_per_iteration, 4.0);
        ck_assert_double_eq(s->bytes_per_iteration, 32.0);
        ck_assert_str_eq(s->frames[0].function, LEAK_BYTES_SITE);
        ck_assert_str_eq(s->frames[1].function, s->statement == 0 ? "target_Add" : "target_Echo");
    }
}
END_TEST

START_TEST(one_call_site_under_two_statements_is_two_leaks)
{
    IStressTarget *t = target_with_fault(L"leak-bytes", 24);
    int i;

    for (i = 0; i < CALLS; i++) {
        cs_trace_set_context(i, 0);
        add_one(t);
        cs_trace_set_context(i, 1);
        add_one(t);
    }
    IStressTarget_Release(t);
    report = trace_collect(0, CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, NULL), 2);
    ck_assert_int_eq(report->sites[0].statement + report->sites[1].statement, 1);
    ck_assert_uint_eq(report->sites[0].blocks, CALLS);
    ck_assert_uint_eq(report->sites[1].blocks, CALLS);
}
END_TEST

/* Whether two reports name every frame of every site alike. */
static void same_names(const cs_trace_report *a, const cs_trace_report *b)
{
    size_t i, k;

    ck_assert_uint_eq(a->nsites, b->nsites);
    for (i = 0; i < a->nsites; i++) {
        ck_assert_uint_eq(a->sites[i].nframes, b->sites[i].nframes);
        for (k = 0; k < a->sites[i].nframes; k++) {
            const cs_trace_frame *x = &a->sites[i].frames[k], *y = &b->sites[i].frames[k];

            ck_assert_str_eq(x->function, y->function);
            ck_assert_str_eq(x->file, y->file);
            ck_assert_str_eq(x->module, y->module);
            ck_assert_uint_eq(x->line, y->line);
            ck_assert(x->address == y->address && x->offset == y->offset);
            ck_assert(x->traced == y->traced && x->inlined == y->inlined);
        }
    }
}

/* Names are remembered between collects: a second collect opens no
 * dbghelp and names every frame as the first did; a module loaded since
 * makes the next collect ask dbghelp again. */
START_TEST(a_second_collect_names_the_frames_without_opening_dbghelp)
{
    cs_trace_report *first;
    cs_trace_stats st;
    HMODULE other;
    LONG opens;

    leak_calls();
    cs_trace_get_stats(&st);
    opens = st.symbol_opens;
    first = trace_collect(0, CALLS - 1);
    cs_trace_get_stats(&st);
    ck_assert_int_eq(st.symbol_opens, opens + 1);
    report = trace_collect(0, CALLS - 1);
    cs_trace_get_stats(&st);
    ck_assert_int_eq(st.symbol_opens, opens + 1);
    same_names(first, report);
    cs_trace_report_free(report);
    ck_assert_ptr_null(GetModuleHandleW(L"msimg32.dll"));
    other = LoadLibraryW(L"msimg32.dll");
    ck_assert_ptr_nonnull(other);
    report = trace_collect(0, CALLS - 1);
    FreeLibrary(other);
    cs_trace_get_stats(&st);
    ck_assert_int_eq(st.symbol_opens, opens + 2);
    same_names(first, report);
    cs_trace_report_free(first);
}
END_TEST

/* A snapshot's frames are collected unnamed (module file and offset, no
 * dbghelp) and named afterwards from the module files, as `report DIR`
 * does for a run that crashed: the leak's frames in the server come out
 * named as the live collect names them (function, file, line). */
START_TEST(frames_collected_unnamed_are_named_afterwards_from_the_module_files)
{
    cs_trace_collect_options opt = { 0, CALLS - 1, 0, TRUE };
    cs_trace_frame named[CS_TRACE_MAX_FRAMES];
    cs_trace_report *raw = NULL;
    const cs_trace_site *live, *unnamed;
    cs_trace_stats st;
    unsigned n, k;
    LONG opens;

    leak_calls();
    cs_trace_get_stats(&st);
    opens = st.symbol_opens;
    ck_assert_ok(cs_trace_collect(&opt, &raw));
    cs_trace_get_stats(&st);
    ck_assert_int_eq(st.symbol_opens, opens);              /* no dbghelp */
    report = trace_collect(0, CALLS - 1);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, &live), 1);
    ck_assert_uint_eq(trace_count_class(raw, CS_TRACE_LEAK, &unnamed), 1);
    ck_assert_str_eq(unnamed->frames[0].function, "");
    ck_assert_msg(strstr(unnamed->frames[0].path, "comstress_server.dll") != NULL, "path '%s'",
                  unnamed->frames[0].path);
    n = cs_trace_name_frames(unnamed->frames, unnamed->nframes, named, CS_TRACE_MAX_FRAMES);
    ck_assert_uint_eq(n, live->nframes);
    for (k = 0; k < 2; k++) {                               /* the server's own frames */
        ck_assert_str_eq(named[k].function, live->frames[k].function);
        ck_assert_str_eq(named[k].file, live->frames[k].file);
        ck_assert_uint_eq(named[k].line, live->frames[k].line);
        ck_assert_str_eq(named[k].module, "comstress_server.dll");
        ck_assert(named[k].traced);
    }
    ck_assert_str_eq(named[0].function, "target_on_call");
    cs_trace_report_free(raw);
}
END_TEST

TCase *trace_server_tcase(void)
{
    TCase *tc = tcase_create("server");

    tcase_add_checked_fixture(tc, server_setup, server_teardown);
    tcase_add_test(tc, the_block_the_server_makes_while_loading_is_seen);
    tcase_add_test(tc, leak_bytes_is_one_leak_named_at_its_site_in_add);
    tcase_add_test(tc, echo_leak_bstr_is_one_bstr_leak_named_in_echo);
    tcase_add_test(tc, a_clean_run_leaves_no_group_of_its_calls);
    tcase_add_test(tc, threads_tracing_at_once_add_up_exactly);
    tcase_add_test(tc, one_call_site_under_two_statements_is_two_leaks);
    tcase_add_test(tc, a_second_collect_names_the_frames_without_opening_dbghelp);
    tcase_add_test(tc, frames_collected_unnamed_are_named_afterwards_from_the_module_files);
    return tc;
}
