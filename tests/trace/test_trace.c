/*
 * The allocation tracer (trace/): its API contract, the stack walker, the
 * import patching and undoing it, and blocks made in DllMain, on a small
 * kernel32-only DLL (cs_trace_testdll.dll). The reference server's cases
 * are in test_trace_server.c, the pure grouping in tests/unit/test_trace_groups.c.
 */
#include "test_trace.h"
#include "trace_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared by the suite --------------------------------------- */

const WCHAR *trace_env_path(const char *name, int slot)
{
    static WCHAR paths[2][MAX_PATH];

    ck_assert(MultiByteToWideChar(CP_ACP, 0, cs_env(name), -1, paths[slot], MAX_PATH) > 0);
    return paths[slot];
}

void trace_start_module(const WCHAR *path)
{
    cs_trace_config config = { path, NULL, 0 };

    ck_assert_ok(cs_trace_start(&config));
}

cs_trace_report *trace_collect(int64_t first, int64_t last)
{
    cs_trace_collect_options opt = { first, last, 0, FALSE };
    cs_trace_report *r = NULL;

    ck_assert_ok(cs_trace_collect(&opt, &r));
    ck_assert_ptr_nonnull(r);
    return r;
}

size_t trace_count_class(const cs_trace_report *r, cs_trace_class cls,
                         const cs_trace_site **first)
{
    size_t i, n = 0;

    if (first)
        *first = NULL;
    for (i = 0; i < r->nsites; i++) {
        if (r->sites[i].cls != cls)
            continue;
        if (!n++ && first)
            *first = &r->sites[i];
    }
    return n;
}

unsigned trace_source_line(const char *rel, const char *after, const char *text)
{
    char path[MAX_PATH], *src, *line, *next;
    unsigned n = 1;
    int started = after == NULL;

    snprintf(path, sizeof(path), "%s/%s", cs_env("COMSTRESS_SOURCE_DIR"), rel);
    ck_assert_msg((src = cs_read_file(path)) != NULL, "cannot read %s", path);
    for (line = src; line; line = next, n++) {
        if ((next = strchr(line, '\n')))
            *next++ = 0;
        if (!started && strstr(line, after))
            started = 1;
        if (started && strstr(line, text)) {
            free(src);
            return n;
        }
    }
    free(src);
    ck_abort_msg("%s: no line with \"%s\"", rel, text);
    return 0;
}

const char *trace_file_name(const cs_trace_frame *f)
{
    const char *a = strrchr(f->file, '/'), *b = strrchr(f->file, '\\');

    if (b > a)
        a = b;
    return a ? a + 1 : f->file;
}

/* ---- the test DLL --------------------------------------------------------- */

static HMODULE testdll;
static cs_trace_report *report;

static void engine_teardown(void)
{
    cs_trace_report_free(report);
    report = NULL;
    cs_trace_stop();
    if (testdll)
        FreeLibrary(testdll);
    testdll = NULL;
}

/* Loads the test DLL (it must not be loaded yet: tracing comes first). */
static void load_testdll(void)
{
    const WCHAR *path = trace_env_path("COMSTRESS_TRACE_TEST_DLL", 1);

    ck_assert_ptr_null(GetModuleHandleW(path));
    testdll = LoadLibraryW(path);
    ck_assert_msg(testdll != NULL, "LoadLibrary: %lu", GetLastError());
}

static void *testdll_export(const char *name)
{
    void *p = (void *)GetProcAddress(testdll, name);

    ck_assert_msg(p != NULL, "%s not exported", name);
    return p;
}

/* The import slot of dll!name in module (NULL when not imported). */
static void **import_slot(HMODULE module, const char *dll, const char *name)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *d;

    for (d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); d->Name; d++) {
        IMAGE_THUNK_DATA *names = (IMAGE_THUNK_DATA *)(base + d->OriginalFirstThunk);
        void **slots = (void **)(base + d->FirstThunk);
        size_t i;
        if (_stricmp((const char *)base + d->Name, dll))
            continue;
        for (i = 0; names[i].u1.AddressOfData; i++) {
            IMAGE_IMPORT_BY_NAME *by = (IMAGE_IMPORT_BY_NAME *)(base + names[i].u1.AddressOfData);
            if (!IMAGE_SNAP_BY_ORDINAL(names[i].u1.Ordinal) && !strcmp((char *)by->Name, name))
                return &slots[i];
        }
    }
    return NULL;
}

/* ---- the API contract --------------------------------------------------- */

START_TEST(start_rejects_a_config_that_names_no_module_or_too_many_frames)
{
    cs_trace_config none = { NULL, NULL, 0 }, deep = { L"x.dll", NULL, CS_TRACE_MAX_FRAMES + 1 };
    const WCHAR *empty[] = { NULL };
    cs_trace_config empty_list = { NULL, empty, 0 };

    ck_assert_hr(cs_trace_start(NULL), E_INVALIDARG);
    ck_assert_hr(cs_trace_start(&none), E_INVALIDARG);
    ck_assert_hr(cs_trace_start(&deep), E_INVALIDARG);
    ck_assert_hr(cs_trace_start(&empty_list), E_INVALIDARG);
    ck_assert(!cs_trace_active());
    ck_assert_ptr_null(cs_trace_heap());
}
END_TEST

START_TEST(a_second_start_fails_and_collect_needs_a_session)
{
    cs_trace_config other = { L"other.dll", NULL, 0 };

    ck_assert_hr(cs_trace_collect(NULL, &report), E_UNEXPECTED);
    ck_assert_ptr_null(report);
    trace_start_module(L"cs_trace_testdll.dll");
    ck_assert(cs_trace_active());
    ck_assert_ptr_nonnull(cs_trace_heap());
    ck_assert_ptr_ne(cs_trace_heap(), GetProcessHeap());
    ck_assert_hr(cs_trace_start(&other), HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED));
    ck_assert_hr(cs_trace_collect(NULL, NULL), E_POINTER);
    cs_trace_stop();
    ck_assert(!cs_trace_active());
    cs_trace_stop();            /* twice is harmless */
}
END_TEST

/* The hooks keep the caller's last error by reading and writing it in the
 * TEB directly: the same place GetLastError and SetLastError use. */
START_TEST(the_hooks_last_error_is_the_threads_last_error)
{
    SetLastError(0x1234);
    ck_assert_uint_eq(cs_last_error(), 0x1234);
    cs_set_last_error(0x4321);
    ck_assert_uint_eq(GetLastError(), 0x4321);
}
END_TEST

/* ---- the stack walker ---------------------------------------------------- */

static cs_unwind_cache walk_cache;

/* Captures with both walkers from the same frame: RtlCaptureStackBackTrace
 * from here (frame 0 is this function), ours from our caller. */
__attribute__((noinline)) static void walk_both(uintptr_t *rtl, unsigned *nrtl, uintptr_t *ours,
                                                unsigned *nours)
{
    *nrtl = RtlCaptureStackBackTrace(0, CS_TRACE_MAX_FRAMES, (void **)rtl, NULL);
    *nours = cs_unwind_capture(&walk_cache, (uintptr_t)__builtin_return_address(0), ours,
                               CS_TRACE_MAX_FRAMES - 1);
}

__attribute__((noinline)) static int walk_level2(uintptr_t *a, unsigned *na, uintptr_t *b,
                                                 unsigned *nb)
{
    walk_both(a, na, b, nb);
    return (int)*na;
}

__attribute__((noinline)) static int walk_level1(uintptr_t *a, unsigned *na, uintptr_t *b,
                                                 unsigned *nb)
{
    return walk_level2(a, na, b, nb) + 1;
}

START_TEST(the_fast_walker_gives_the_frames_rtl_capture_gives)
{
    uintptr_t rtl[CS_TRACE_MAX_FRAMES], ours[CS_TRACE_MAX_FRAMES];
    unsigned nrtl = 0, nours = 0, i, round;
    HMODULE last;

    for (round = 0; round < 2; round++) {       /* a cold cache, then a warm one */
        walk_level1(rtl, &nrtl, ours, &nours);
        ck_assert_uint_ge(nrtl, 6);
        /* Ours starts one frame up and goes as far (the whole stack here). */
        /* Ours starts one frame up and ends at the thread's start routine
         * in ntdll, where Wine's own walker goes on into stale values. */
        ck_assert_uint_ge(nours, 6);
        ck_assert_uint_le(nours, nrtl - 1);
        ck_assert(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                                     | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                     (const WCHAR *)ours[nours - 1], &last));
        ck_assert_ptr_eq(last, GetModuleHandleW(L"ntdll.dll"));
        for (i = 0; i < nours; i++)
            ck_assert_msg(ours[i] == rtl[i + 1], "round %u frame %u: %p, RtlCapture %p", round,
                          i, (void *)ours[i], (void *)rtl[i + 1]);
    }
}
END_TEST

/* ---- patching and DllMain -------------------------------------------------- */

START_TEST(blocks_made_in_dllmain_are_seen_and_named_after_the_unload)
{
    const cs_trace_site *heap_site = NULL, *local_site = NULL;
    size_t i;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    report = trace_collect(1, 0);
    ck_assert_uint_eq(report->nsites, 2);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_ONE_OFF, NULL), 2);
    for (i = 0; i < 2; i++) {
        const cs_trace_site *s = &report->sites[i];
        if (s->kind == CS_TRACE_KIND_HEAP)
            heap_site = s;
        if (s->kind == CS_TRACE_KIND_LOCAL)
            local_site = s;
        ck_assert_uint_eq(s->blocks, 1);
        ck_assert_int_eq(s->statement, CS_TRACE_NO_STATEMENT);
        ck_assert_str_eq(s->frames[0].function, "DllMain");
        ck_assert_str_eq(trace_file_name(&s->frames[0]), "trace_testdll.c");
        ck_assert_str_eq(s->frames[0].module, "cs_trace_testdll.dll");
        ck_assert(s->frames[0].traced);
    }
    ck_assert_ptr_nonnull(heap_site);
    ck_assert_ptr_nonnull(local_site);
    ck_assert_uint_eq(heap_site->bytes, 40);
    ck_assert_uint_eq(local_site->bytes, 56);
    cs_trace_report_free(report);

    /* Process detach frees the heap block only; the local one is named
     * from the DLL's file although the DLL is gone. */
    ck_assert(FreeLibrary(testdll));
    testdll = NULL;
    report = trace_collect(1, 0);
    ck_assert_uint_eq(report->nsites, 1);
    ck_assert_int_eq(report->sites[0].kind, CS_TRACE_KIND_LOCAL);
    ck_assert_uint_eq(report->sites[0].bytes, 56);
    ck_assert_str_eq(report->sites[0].frames[0].function, "DllMain");
    ck_assert_str_eq(trace_file_name(&report->sites[0].frames[0]), "trace_testdll.c");
}
END_TEST

START_TEST(stop_puts_back_every_import_slot_it_redirected)
{
    void *heap_alloc = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "HeapAlloc");
    void **slot;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    slot = import_slot(testdll, "kernel32.dll", "HeapAlloc");
    ck_assert_ptr_nonnull(slot);
    ck_assert_ptr_ne(*slot, heap_alloc);
    ck_assert_ptr_eq(*slot, cs_hook_traced(CS_HOOK_HEAP_ALLOC));
    cs_trace_stop();
    ck_assert_ptr_eq(*slot, heap_alloc);
}
END_TEST

/* A traced block reallocated by its module moves (new size, new stack);
 * freed by a module that is not traced (this program), it is gone. */
START_TEST(a_reallocated_block_moves_and_a_foreign_free_ends_it)
{
    void *(WINAPI *alloc)(SIZE_T);
    void *(WINAPI *re)(void *, SIZE_T);
    cs_trace_stats stats;
    void *p;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    alloc = testdll_export("CsTraceHeapAlloc");
    re = testdll_export("CsTraceHeapReAlloc");
    cs_trace_get_stats(&stats);
    ck_assert_int_eq(stats.live_blocks, 2);         /* DllMain's two */
    ck_assert_int_eq(stats.modules_traced, 1);
    ck_assert(stats.load_notifications);
    ck_assert_int_gt(stats.modules_watched, 5);
    cs_trace_set_context(7, 3);
    p = alloc(10);
    p = re(p, 5000);
    ck_assert_ptr_nonnull(p);
    cs_trace_get_stats(&stats);
    ck_assert_int_eq(stats.live_blocks, 3);
    ck_assert_int_eq(stats.live_bytes, 40 + 56 + 5000);
    report = trace_collect(1, 0);
    ck_assert_uint_eq(report->sites[0].bytes, 5000);
    ck_assert_int_eq(report->sites[0].statement, 3);
    ck_assert_int_eq(report->sites[0].first_iteration, 7);
    ck_assert_str_eq(report->sites[0].frames[0].function, "CsTraceHeapReAlloc");
    ck_assert(HeapFree(GetProcessHeap(), 0, p));
    cs_trace_get_stats(&stats);
    ck_assert_int_eq(stats.live_blocks, 2);
    ck_assert_int_eq(stats.live_bytes, 40 + 56);
}
END_TEST

START_TEST(a_function_inlined_at_the_allocation_is_a_frame_of_its_own)
{
    void *(WINAPI *alloc)(SIZE_T);
    const cs_trace_site *s = NULL;
    size_t i;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    alloc = testdll_export("CsTraceHeapAllocInlined");
    ck_assert_ptr_nonnull(alloc(72));
    report = trace_collect(1, 0);
    for (i = 0; i < report->nsites; i++)
        if (report->sites[i].bytes == 72)
            s = &report->sites[i];
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->frames[0].function, "inlined_grab");
    ck_assert(s->frames[0].inlined);
    ck_assert_str_eq(s->frames[1].function, "CsTraceHeapAllocInlined");
    ck_assert(!s->frames[1].inlined);
    ck_assert_uint_eq(s->frames[0].address, s->frames[1].address);
    ck_assert_str_eq(trace_file_name(&s->frames[1]), "trace_testdll.c");
    /* The inlined function's line is its allocation; the caller's line is
     * where it calls the inlined function. */
    ck_assert_uint_eq(s->frames[0].line, trace_source_line("tests/trace/trace_testdll.c", NULL,
                      "return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, bytes);"));
    ck_assert_uint_eq(s->frames[1].line, trace_source_line("tests/trace/trace_testdll.c", NULL,
                      "void *p = inlined_grab(bytes);"));
}
END_TEST

START_TEST(allocations_of_modules_not_traced_are_not_recorded)
{
    cs_trace_stats before, after;
    void *p;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    cs_trace_get_stats(&before);
    p = HeapAlloc(GetProcessHeap(), 0, 100);
    HeapFree(GetProcessHeap(), 0, p);
    free(malloc(100));
    cs_trace_get_stats(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
    ck_assert_int_eq(after.live_blocks, 2);
}
END_TEST

/* Allocates 40 bytes through the test DLL's export (arg). */
static DWORD WINAPI alloc_on_thread(void *arg)
{
    void *(WINAPI *grab)(SIZE_T) = (void *(WINAPI *)(SIZE_T))arg;

    return grab(40) ? 0 : 1;
}

/* Runs alloc_on_thread on a new thread, which sets no context. */
static void alloc_on_new_thread(void *grab)
{
    HANDLE t = CreateThread(NULL, 0, alloc_on_thread, grab, 0, NULL);
    DWORD code = 1;

    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    GetExitCodeThread(t, &code);
    CloseHandle(t);
    ck_assert_int_eq(code, 0);
}

START_TEST(a_block_of_a_thread_without_context_takes_the_latest_context_set)
{
    void *grab;
    const cs_trace_site *leak = NULL;
    int64_t i;

    trace_start_module(L"cs_trace_testdll.dll");
    load_testdll();
    grab = testdll_export("CsTraceHeapAlloc");
    alloc_on_new_thread(grab);                  /* before any context: outside the loop */
    for (i = 1; i <= 20; i++) {
        cs_trace_set_context(i, 3);             /* this thread's call makes another thread allocate */
        alloc_on_new_thread(grab);
    }
    report = trace_collect(1, 20);
    ck_assert_uint_eq(trace_count_class(report, CS_TRACE_LEAK, &leak), 1);
    ck_assert_uint_eq(leak->blocks, 20);
    ck_assert_int_eq(leak->statement, 3);
    ck_assert_double_eq(leak->bytes_per_iteration, 40);
    ck_assert_uint_eq(report->blocks, 2 + 1 + 20);      /* DllMain's two, the one before, the loop's */
}
END_TEST

START_TEST(the_configured_depth_bounds_the_frames_kept)
{
    cs_trace_config config = { L"cs_trace_testdll.dll", NULL, 1 };

    ck_assert_ok(cs_trace_start(&config));
    load_testdll();
    report = trace_collect(1, 0);
    ck_assert_uint_eq(report->nsites, 2);
    ck_assert_uint_eq(report->sites[0].nframes, 1);
    ck_assert_uint_eq(report->sites[1].nframes, 1);
}
END_TEST

START_TEST(a_site_formats_as_its_traced_frames_innermost_first)
{
    cs_trace_site site;
    char line[256];

    memset(&site, 0, sizeof(site));
    site.nframes = 3;
    site.frames[0] = (cs_trace_frame){ .address = 0x1000, .traced = TRUE, .module = "a.dll",
        .function = "leaf", .offset = 0x10, .file = "/src/x/a.c", .line = 12 };
    site.frames[1] = (cs_trace_frame){ .address = 0x2000, .traced = TRUE, .module = "a.dll",
        .function = "caller", .offset = 0x22 };
    site.frames[2] = (cs_trace_frame){ .address = 0x3000, .module = "oleaut32.dll",
        .function = "DispCallFunc", .offset = 8 };
    ck_assert_uint_eq(cs_trace_format_site(&site, line, sizeof(line)),
                      strlen("leaf (a.c:12) <- a.dll!caller+0x22"));
    ck_assert_str_eq(line, "leaf (a.c:12) <- a.dll!caller+0x22");
    site.frames[0].traced = FALSE;
    site.frames[0].function[0] = 0;
    cs_trace_format_site(&site, line, sizeof(line));
    ck_assert_str_eq(line, "a.dll+0x10");
    /* Truncated, still terminated, full length reported. */
    ck_assert_uint_eq(cs_trace_format_site(&site, line, 4), strlen("a.dll+0x10"));
    ck_assert_str_eq(line, "a.d");
}
END_TEST

TCase *trace_engine_tcase(void)
{
    TCase *tc = tcase_create("engine");

    tcase_add_checked_fixture(tc, NULL, engine_teardown);
    tcase_add_test(tc, start_rejects_a_config_that_names_no_module_or_too_many_frames);
    tcase_add_test(tc, a_second_start_fails_and_collect_needs_a_session);
    tcase_add_test(tc, the_hooks_last_error_is_the_threads_last_error);
    tcase_add_test(tc, the_fast_walker_gives_the_frames_rtl_capture_gives);
    tcase_add_test(tc, blocks_made_in_dllmain_are_seen_and_named_after_the_unload);
    tcase_add_test(tc, stop_puts_back_every_import_slot_it_redirected);
    tcase_add_test(tc, a_reallocated_block_moves_and_a_foreign_free_ends_it);
    tcase_add_test(tc, a_function_inlined_at_the_allocation_is_a_frame_of_its_own);
    tcase_add_test(tc, allocations_of_modules_not_traced_are_not_recorded);
    tcase_add_test(tc, the_configured_depth_bounds_the_frames_kept);
    tcase_add_test(tc, a_block_of_a_thread_without_context_takes_the_latest_context_set);
    tcase_add_test(tc, a_site_formats_as_its_traced_frames_innermost_first);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("trace");

    suite_add_tcase(s, trace_engine_tcase());
    suite_add_tcase(s, trace_server_tcase());
    return cs_run_suite(s);
}
