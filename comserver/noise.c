/*
 * The noise faults at work (leak-every, leak-random, plateau-cache,
 * temp-allocs; faults.h says what each does): the seed taken when a fault
 * is selected, the plateau cache, and what one method call does. The
 * decisions themselves are the pure functions of faults.c.
 *
 * Everything here lives in the process heap, where a heap walk sees it:
 * the point of these faults is what a leak verdict makes of them.
 */
#include "module.h"

#include <string.h>

/* The seed of the current selection (cs_noise_select). */
static volatile LONG64 noise_seed;

/* plateau-cache: its entries, pushed lock-free, and how many there are
 * (a slot is claimed in cache_entries before its entry is allocated, so
 * the count never passes the bound). */
typedef struct cache_entry {
    SLIST_ENTRY link;
    BYTE payload[CS_FAULT_PLATEAU_ENTRY - sizeof(SLIST_ENTRY)];
} cache_entry;

static SLIST_HEADER cache;
static volatile LONG cache_entries;
static INIT_ONCE cache_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK cache_init(INIT_ONCE *once, void *param, void **context)
{
    InitializeSListHead(&cache);
    return TRUE;
}

/* Frees every entry of the plateau cache; the count restarts at 0. */
static void cache_flush(void)
{
    SLIST_ENTRY *e, *next;

    InitOnceExecuteOnce(&cache_once, cache_init, NULL, NULL);
    InterlockedExchange(&cache_entries, 0);
    for (e = InterlockedFlushSList(&cache); e; e = next) {
        next = e->Next;
        HeapFree(GetProcessHeap(), 0, CONTAINING_RECORD(e, cache_entry, link));
    }
}

/*
 * A fresh seed when COMSTRESS_FAULT_SEED is not set: the performance
 * counter, the tick count and the process id mixed, so two runs (even
 * started in the same millisecond) draw differently. Safe under the
 * loader lock, like everything cs_noise_select calls.
 */
static unsigned long long fresh_seed(void)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    return cs_fault_random((unsigned long long)now.QuadPart ^ GetTickCount64(),
                           GetCurrentProcessId());
}

void cs_noise_select(void)
{
    char text[64];
    DWORD n = GetEnvironmentVariableA(CS_FAULT_SEED_ENV, text, sizeof(text));
    unsigned long long seed;

    if (n == 0 || n >= sizeof(text) || cs_fault_parse_seed(text, &seed))
        seed = fresh_seed();
    InterlockedExchange64(&noise_seed, (LONG64)seed);
    cache_flush();
}

void cs_noise_unload(void)
{
    cache_flush();
}

/* plateau-cache: one more entry unless the cache holds its bound. */
static void cache_grow(long bound)
{
    cache_entry *e;
    LONG n;

    InitOnceExecuteOnce(&cache_once, cache_init, NULL, NULL);
    do {
        if ((n = cache_entries) >= bound)
            return;
    } while (InterlockedCompareExchange(&cache_entries, n + 1, n) != n);
    if (!(e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*e)))) {
        InterlockedDecrement(&cache_entries);
        return;
    }
    InterlockedPushEntrySList(&cache, &e->link);
}

/* temp-allocs: blocks of drawn sizes, written to (so their pages are
 * touched), then freed in the order they were made. */
static void temp_allocs(long param, unsigned long long seed, long call)
{
    void *block[CS_FAULT_TEMP_BLOCKS];
    int n = cs_fault_temp_count(seed, call), i;
    size_t size;

    for (i = 0; i < n; i++) {
        size = cs_fault_temp_size(param, seed, call, i);
        if ((block[i] = HeapAlloc(GetProcessHeap(), 0, size)))
            memset(block[i], 0xa5, size);
    }
    for (i = 0; i < n; i++)
        if (block[i])
            HeapFree(GetProcessHeap(), 0, block[i]);
}

void cs_noise_on_call(cs_fault fault, LONG param)
{
    unsigned long long seed = (unsigned long long)InterlockedCompareExchange64(&noise_seed, 0, 0);
    LONG call = cs_fault_call_count();

    switch (fault) {
    case CS_FAULT_LEAK_EVERY:
    case CS_FAULT_LEAK_RANDOM:
        if (cs_fault_leaks_on_call(fault, param, seed, call))
            HeapAlloc(GetProcessHeap(), 0, CS_FAULT_NOISE_BLOCK);
        break;
    case CS_FAULT_PLATEAU_CACHE:
        cache_grow(cs_fault_plateau_bound(param, seed));
        break;
    case CS_FAULT_TEMP_ALLOCS:
        temp_allocs(param, seed, call);
        break;
    default:
        break;
    }
}
