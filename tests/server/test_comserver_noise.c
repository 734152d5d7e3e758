/*
 * The noise faults (leak-every, leak-random, plateau-cache, temp-allocs):
 * their draws as pure functions, then what each leaves in the process heap,
 * counted exactly by a heap walk, with the seed fixed through
 * COMSTRESS_FAULT_SEED (part of the test_comserver suite).
 */
#include "test_comserver.h"
#include "faults.h"
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static IStressProbe *noise_probe;

static void noise_setup(void)
{
    void (WINAPI *set_oa_no_cache)(void) = (void (WINAPI *)(void))(void *)
        GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");

    setup();
    /* Freed BSTRs (set_fault's names) must leave the heap at once. */
    ck_assert_ptr_nonnull(set_oa_no_cache);
    set_oa_no_cache();
    noise_probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
}

/* Clears the fault (which also empties the plateau cache) and the seed,
 * even when the test failed half-way. */
static void noise_teardown(void)
{
    IStressProbe *probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);

    SetEnvironmentVariableA(CS_FAULT_SEED_ENV, NULL);
    set_fault(probe, L"", 0);
    IStressProbe_Release(probe);
    if (noise_probe)
        IStressProbe_Release(noise_probe);
    noise_probe = NULL;
    cs_com_teardown();
}

/* ---- the draws, pure ---------------------------------------------------- */

START_TEST(seed_text_is_a_whole_number)
{
    unsigned long long seed = 99;

    ck_assert_int_eq(cs_fault_parse_seed("12345", &seed), 0);
    ck_assert_uint_eq(seed, 12345);
    ck_assert_int_eq(cs_fault_parse_seed(" 0x10 ", &seed), 0);
    ck_assert_uint_eq(seed, 16);
    ck_assert_int_eq(cs_fault_parse_seed("18446744073709551615", &seed), 0);
    ck_assert(seed == 18446744073709551615ULL);
    seed = 99;
    ck_assert_int_eq(cs_fault_parse_seed("", &seed), -1);
    ck_assert_int_eq(cs_fault_parse_seed("-1", &seed), -1);
    ck_assert_int_eq(cs_fault_parse_seed("12x", &seed), -1);
    ck_assert_int_eq(cs_fault_parse_seed("18446744073709551616", &seed), -1);
    ck_assert_int_eq(cs_fault_parse_seed(NULL, &seed), -1);
    ck_assert_uint_eq(seed, 99);
}
END_TEST

/* splitmix64's published first output for state 0, so a seed means the
 * same draws on every build. */
START_TEST(draws_follow_seed_and_call)
{
    long call, every7 = 0, random10 = 0, random2 = 0, all100 = 0;

    ck_assert(cs_fault_random(0, 0) == 0xe220a8397b1dcdafULL);
    ck_assert(cs_fault_random(5, 3) == cs_fault_random(5, 3));
    ck_assert(cs_fault_random(5, 3) != cs_fault_random(5, 4));
    ck_assert(cs_fault_random(5, 3) != cs_fault_random(6, 3));
    ck_assert_int_eq(cs_fault_leaks_on_call(CS_FAULT_LEAK_EVERY, 0, 0, 10), 1);
    ck_assert_int_eq(cs_fault_leaks_on_call(CS_FAULT_LEAK_EVERY, 0, 0, 9), 0);
    ck_assert_int_eq(cs_fault_leaks_on_call(CS_FAULT_LEAK_EVERY, 7, 0, 0), 0);
    ck_assert_int_eq(cs_fault_leaks_on_call(CS_FAULT_LEAK_BYTES, 1, 0, 1), 0);
    for (call = 1; call <= 10000; call++) {
        every7 += cs_fault_leaks_on_call(CS_FAULT_LEAK_EVERY, 7, 1, call);
        random10 += cs_fault_leaks_on_call(CS_FAULT_LEAK_RANDOM, 0, 1, call);
        random2 += cs_fault_leaks_on_call(CS_FAULT_LEAK_RANDOM, 2, 1, call);
        all100 += cs_fault_leaks_on_call(CS_FAULT_LEAK_RANDOM, 100, 1, call);
    }
    ck_assert_int_eq(every7, 1428);
    ck_assert_msg(random10 >= 900 && random10 <= 1100, "10%%: %ld of 10000", random10);
    ck_assert_msg(random2 >= 150 && random2 <= 250, "2%%: %ld of 10000", random2);
    ck_assert_int_eq(all100, 10000);
}
END_TEST

START_TEST(plateau_bound_and_temp_sizes_spread)
{
    long lo = 1000, hi = 0, b;
    size_t size, largest = 0, smallest = 100000;
    int seen[CS_FAULT_TEMP_BLOCKS + 1] = { 0 }, n, i;
    unsigned long long seed;

    for (seed = 1; seed <= 200; seed++) {
        b = cs_fault_plateau_bound(100, seed);
        ck_assert_msg(b >= 50 && b <= 150, "seed %llu: bound %ld", seed, b);
        lo = b < lo ? b : lo;
        hi = b > hi ? b : hi;
    }
    ck_assert_msg(lo < 60 && hi > 140, "bounds only from %ld to %ld", lo, hi);
    ck_assert_int_eq(cs_fault_plateau_bound(1, 3) >= 1, 1);
    b = cs_fault_plateau_bound(0, 3);
    ck_assert(b >= CS_FAULT_PLATEAU_CACHE_DEFAULT / 2 && b <= CS_FAULT_PLATEAU_CACHE_DEFAULT * 3 / 2);
    for (n = 1; n <= 1000; n++) {
        int count = cs_fault_temp_count(9, n);
        ck_assert(count >= 1 && count <= CS_FAULT_TEMP_BLOCKS);
        seen[count]++;
        for (i = 0; i < count; i++) {
            size = cs_fault_temp_size(0, 9, n, i);
            ck_assert(size >= 1 && size <= CS_FAULT_TEMP_ALLOCS_DEFAULT);
            largest = size > largest ? size : largest;
            smallest = size < smallest ? size : smallest;
            ck_assert(cs_fault_temp_size(16, 9, n, i) <= 16);
        }
    }
    for (n = 1; n <= CS_FAULT_TEMP_BLOCKS; n++)
        ck_assert_msg(seen[n] > 150, "%d temporaries on %d calls only", n, seen[n]);
    ck_assert_msg(smallest < 100 && largest > 4000, "sizes only from %lu to %lu",
                  (unsigned long)smallest, (unsigned long)largest);
}
END_TEST

/* ---- what the server leaves --------------------------------------------- */

/* Selects fault:param with COMSTRESS_FAULT_SEED=seed (or none when seed
 * is NULL) and returns a new Target made under it. */
static IStressTarget *target_under(const WCHAR *fault, LONG param, const char *seed)
{
    ck_assert(SetEnvironmentVariableA(CS_FAULT_SEED_ENV, seed));
    ck_assert_ok(set_fault(noise_probe, fault, param));
    return create_direct(&CLSID_StressTarget, &IID_IStressTarget);
}

/* Growth in heap bytes and blocks over n Add calls on t. */
static void add_calls(IStressTarget *t, int n, SIZE_T *bytes, SIZE_T *blocks)
{
    SIZE_T bytes0, blocks0;
    LONG r;
    int i, failed = 0;

    heap_window_open();
    heap_usage(&bytes0, &blocks0);
    for (i = 0; i < n; i++)
        if (IStressTarget_Add(t, 1, &r) != S_OK)
            failed++;
    heap_usage(bytes, blocks);
    heap_window_close();
    ck_int_eq(failed, 0);
    *bytes -= bytes0;
    *blocks -= blocks0;
}

/* Another thread's allocation while a heap window is open waits until it
 * closes: what the exact counts of this suite rely on. */
static DWORD WINAPI allocate_once(void *arg)
{
    void **block = arg;

    *block = HeapAlloc(GetProcessHeap(), 0, 40);
    return 0;
}

START_TEST(a_heap_window_holds_other_threads_allocations)
{
    void *block = NULL;
    HANDLE th;
    DWORD waited;

    heap_window_open();
    th = CreateThread(NULL, 0, allocate_once, &block, 0, NULL);
    waited = th ? WaitForSingleObject(th, 200) : WAIT_FAILED;
    heap_window_close();
    ck_assert_ptr_nonnull(th);
    ck_assert_uint_eq(waited, WAIT_TIMEOUT);
    ck_assert_uint_eq(WaitForSingleObject(th, 60000), WAIT_OBJECT_0);
    CloseHandle(th);
    ck_assert_ptr_nonnull(block);
    HeapFree(GetProcessHeap(), 0, block);
}
END_TEST

START_TEST(leak_every_leaks_a_block_every_nth_call)
{
    IStressTarget *t = target_under(L"leak-every", 10, NULL);
    SIZE_T bytes, blocks;

    add_calls(t, 1000, &bytes, &blocks);
    ck_assert_uint_eq(blocks, 100);
    ck_assert_uint_eq(bytes, 100 * CS_FAULT_NOISE_BLOCK);
    IStressTarget_Release(t);
    t = target_under(L"leak-every", 7, NULL);
    add_calls(t, 100, &bytes, &blocks);
    ck_assert_uint_eq(blocks, 14);
    add_calls(t, 5, &bytes, &blocks);       /* calls 101 to 105: 105 = 15 * 7 */
    ck_assert_uint_eq(blocks, 1);
    IStressTarget_Release(t);
}
END_TEST

START_TEST(leak_random_leaks_the_seeded_calls)
{
    IStressTarget *t = target_under(L"leak-random", 10, "12345");
    SIZE_T bytes, blocks;
    long call, expected = 0;

    for (call = 1; call <= 2000; call++)
        expected += cs_fault_leaks_on_call(CS_FAULT_LEAK_RANDOM, 10, 12345, call);
    ck_assert_msg(expected >= 150 && expected <= 250, "seed 12345 draws %ld leaks", expected);
    add_calls(t, 2000, &bytes, &blocks);
    ck_assert_uint_eq(blocks, (SIZE_T)expected);
    ck_assert_uint_eq(bytes, (SIZE_T)expected * CS_FAULT_NOISE_BLOCK);
    IStressTarget_Release(t);
}
END_TEST

/* Which of 64 calls leaked, as bits, for a fresh selection of leak-random:50
 * without a seed in the environment. */
static unsigned long long unseeded_leak_pattern(void)
{
    IStressTarget *t = target_under(L"leak-random", 50, NULL);
    unsigned long long bits = 0;
    SIZE_T bytes, blocks;
    int i;

    for (i = 0; i < 64; i++) {
        add_calls(t, 1, &bytes, &blocks);
        ck_assert_uint_le(blocks, 1);
        bits |= (unsigned long long)blocks << i;
    }
    IStressTarget_Release(t);
    return bits;
}

START_TEST(leak_random_differs_from_run_to_run)
{
    unsigned long long first = unseeded_leak_pattern(), second = unseeded_leak_pattern();

    ck_assert_msg(first != second, "two unseeded selections leaked on the same calls: %016llx",
                  first);
    ck_assert_msg(__builtin_popcountll(first) > 10 && __builtin_popcountll(first) < 54,
                  "50%%: %d of 64 calls leaked", __builtin_popcountll(first));
}
END_TEST

START_TEST(plateau_cache_stops_at_its_bound)
{
    long bound7 = cs_fault_plateau_bound(100, 7), bound8 = cs_fault_plateau_bound(100, 8);
    SIZE_T bytes, blocks, bytes1, blocks1;
    IStressTarget *t;
    HRESULT hr;

    ck_assert_msg(bound7 != bound8, "seeds 7 and 8 both draw %ld", bound7);
    t = target_under(L"plateau-cache", 100, "7");
    add_calls(t, 300, &bytes, &blocks);
    ck_assert_uint_eq(blocks, (SIZE_T)bound7);
    ck_assert_uint_eq(bytes, (SIZE_T)bound7 * CS_FAULT_PLATEAU_ENTRY);
    add_calls(t, 100, &bytes, &blocks);
    ck_assert_uint_eq(blocks, 0);
    ck_assert_uint_eq(bytes, 0);
    IStressTarget_Release(t);
    /* A new selection empties the cache and draws a new bound. */
    t = target_under(L"plateau-cache", 100, "8");
    add_calls(t, 300, &bytes, &blocks);
    ck_assert_uint_eq(blocks, (SIZE_T)bound8);
    IStressTarget_Release(t);
    heap_window_open();
    heap_usage(&bytes, &blocks);
    hr = set_fault(noise_probe, L"", 0);
    heap_usage(&bytes1, &blocks1);
    heap_window_close();
    ck_assert_ok(hr);
    ck_assert_uint_eq(blocks - blocks1, (SIZE_T)bound8);
    ck_assert_uint_eq(bytes - bytes1, (SIZE_T)bound8 * CS_FAULT_PLATEAU_ENTRY);
}
END_TEST

/* Child mode (no check assertions: no test is running): loads the server
 * under the environment's COMSTRESS_FAULT, makes 300 calls on a Target,
 * frees everything, unloads the DLL, and prints the heap blocks it holds
 * before and after the unload, counted from before the load. */
int noise_unload_child(void)
{
    const char *path = getenv("COMSTRESS_SERVER_DLL");
    SIZE_T before, loaded, unloaded;
    HMODULE dll;
    get_class_object_fn get;
    can_unload_fn can;
    IClassFactory *factory;
    IStressTarget *t;
    HRESULT hr;
    LONG r;
    int i;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    heap_usage(NULL, &before);
    if (!path || !(dll = LoadLibraryA(path)))
        return 3;
    get = (get_class_object_fn)(void *)GetProcAddress(dll, "DllGetClassObject");
    can = (can_unload_fn)(void *)GetProcAddress(dll, "DllCanUnloadNow");
    if (!get || !can || FAILED(get(&CLSID_StressTarget, &IID_IClassFactory, (void **)&factory)))
        return 3;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IStressTarget, (void **)&t);
    IClassFactory_Release(factory);
    if (FAILED(hr))
        return 3;
    for (i = 0; i < 300; i++)
        IStressTarget_Add(t, 1, &r);
    IStressTarget_Release(t);
    heap_usage(NULL, &loaded);
    hr = can();
    FreeLibrary(dll);
    heap_usage(NULL, &unloaded);
    printf("loaded=%ld unloaded=%ld can_unload=0x%08lx gone=%d\n", (long)(loaded - before),
           (long)(unloaded - before), (unsigned long)hr, GetModuleHandleA(path) == NULL);
    CoUninitialize();
    return 0;
}

/* What the unload child printed: 0 on success. */
typedef struct unload_figures {
    long loaded, unloaded;
    unsigned long can_unload;
    int gone;
} unload_figures;

static void run_unload_child(const char *const *env, unload_figures *f)
{
    char self[MAX_PATH], cmd[MAX_PATH + 40];
    cs_run_result *res = malloc(sizeof(*res));
    const char *line;

    ck_assert_ptr_nonnull(res);
    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof(cmd), "\"%s\" --noise-unload-child", self);
    ck_assert(cs_spawn(cmd, env, 60000, res));
    line = strstr(res->out, "loaded=");
    ck_assert_msg(res->exit_code == 0 && line
                  && sscanf(line, "loaded=%ld unloaded=%ld can_unload=0x%lx gone=%d", &f->loaded,
                            &f->unloaded, &f->can_unload, &f->gone) == 4,
                  "child (exit %lu) said: %s", (unsigned long)res->exit_code, res->out);
    free(res);
}

/* The same child without a fault and under plateau-cache: the cache's
 * entries are the only difference while loaded, and none once unloaded. */
START_TEST(plateau_cache_is_freed_at_unload)
{
    static const char *const clean_env[] = { "COMSTRESS_FAULT_SEED=7", NULL };
    static const char *const cache_env[] = { "COMSTRESS_FAULT=plateau-cache:100",
                                             "COMSTRESS_FAULT_SEED=7", NULL };
    unload_figures clean, cached;

    run_unload_child(clean_env, &clean);
    run_unload_child(cache_env, &cached);
    ck_assert_uint_eq(clean.can_unload, S_OK);
    ck_assert_uint_eq(cached.can_unload, S_OK);
    ck_assert(clean.gone && cached.gone);
    ck_assert_int_eq(cached.loaded - clean.loaded, cs_fault_plateau_bound(100, 7));
    ck_assert_int_eq(cached.unloaded, clean.unloaded);
}
END_TEST

/* The largest temporary of call number `call` under temp-allocs:param. */
static size_t largest_temporary(long param, unsigned long long seed, long call)
{
    size_t largest = 0, size;
    int i;

    for (i = 0; i < cs_fault_temp_count(seed, call); i++)
        if ((size = cs_fault_temp_size(param, seed, call, i)) > largest)
            largest = size;
    return largest;
}

/* Nothing is left in the heap; that the temporaries are really made shows
 * in the peak working set: one call under temp-allocs:64 MB (seed 3 draws
 * one block of about 32 MB) raises the peak by most of the block, which
 * is written to, while the working set comes back down once it is freed. */
START_TEST(temp_allocs_free_what_they_take)
{
    IStressTarget *t = target_under(L"temp-allocs", 0, "3");
    size_t largest = largest_temporary(64 << 20, 3, 1);
    PROCESS_MEMORY_COUNTERS before, after;
    SIZE_T bytes, blocks;

    add_calls(t, 1000, &bytes, &blocks);
    ck_assert_uint_eq(blocks, 0);
    ck_assert_uint_eq(bytes, 0);
    IStressTarget_Release(t);
    ck_assert_msg(largest > 16 << 20, "seed 3's largest temporary is %lu bytes", (unsigned long)largest);
    t = target_under(L"temp-allocs", 64 << 20, "3");
    ck_assert(GetProcessMemoryInfo(GetCurrentProcess(), &before, sizeof(before)));
    add_calls(t, 1, &bytes, &blocks);
    ck_assert(GetProcessMemoryInfo(GetCurrentProcess(), &after, sizeof(after)));
    ck_assert_uint_eq(blocks, 0);
    ck_assert_msg(after.PeakWorkingSetSize >= before.WorkingSetSize + largest / 4 * 3,
                  "peak working set %lu, working set before %lu: a %lu-byte temporary not seen",
                  (unsigned long)after.PeakWorkingSetSize, (unsigned long)before.WorkingSetSize,
                  (unsigned long)largest);
    ck_assert_msg(after.WorkingSetSize < before.WorkingSetSize + largest / 4,
                  "working set %lu -> %lu: the temporary was not given back",
                  (unsigned long)before.WorkingSetSize, (unsigned long)after.WorkingSetSize);
    IStressTarget_Release(t);
}
END_TEST

TCase *comserver_noise_tcase(void)
{
    TCase *noise = tcase_create("noise");

    tcase_add_checked_fixture(noise, noise_setup, noise_teardown);
    tcase_add_test(noise, seed_text_is_a_whole_number);
    tcase_add_test(noise, draws_follow_seed_and_call);
    tcase_add_test(noise, plateau_bound_and_temp_sizes_spread);
    tcase_add_test(noise, a_heap_window_holds_other_threads_allocations);
    tcase_add_test(noise, leak_every_leaks_a_block_every_nth_call);
    tcase_add_test(noise, leak_random_leaks_the_seeded_calls);
    tcase_add_test(noise, leak_random_differs_from_run_to_run);
    tcase_add_test(noise, plateau_cache_stops_at_its_bound);
    tcase_add_test(noise, plateau_cache_is_freed_at_unload);
    tcase_add_test(noise, temp_allocs_free_what_they_take);
    return noise;
}
