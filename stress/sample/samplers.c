/* Process samplers: see samplers.h for the contracts. */
#include "samplers.h"
#include <psapi.h>
#include <tlhelp32.h>
#include <math.h>

/* Adds the busy blocks of one heap. The heap is locked during the walk so
 * another thread's allocation cannot corrupt the enumeration. */
static BOOL walk_heap(HANDLE heap, double *bytes, double *blocks)
{
    PROCESS_HEAP_ENTRY e = { 0 };
    BOOL ok = HeapLock(heap);

    if (!ok)
        return FALSE;
    while (HeapWalk(heap, &e)) {
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) {
            *bytes += e.cbData;
            *blocks += 1;
        }
    }
    HeapUnlock(heap);
    return TRUE;
}

static HANDLE excluded[8];
static LONG nexcluded;

void cs_samplers_exclude_heap(HANDLE heap)
{
    LONG i;

    if (!heap)
        return;
    for (i = 0; i < nexcluded; i++)
        if (excluded[i] == heap)
            return;
    if (nexcluded < 8)
        excluded[nexcluded++] = heap;
}

static BOOL is_excluded(HANDLE heap)
{
    LONG i;

    for (i = 0; i < nexcluded; i++)
        if (excluded[i] == heap)
            return TRUE;
    return FALSE;
}

double cs_harness_heap_bytes(void)
{
    double bytes = 0, blocks = 0;
    LONG i;

    for (i = 0; i < nexcluded; i++)
        walk_heap(excluded[i], &bytes, &blocks);
    return bytes;
}

/* Heaps walked at most: a process with more has bigger problems than its
 * sampler's coverage (GetProcessHeaps says how many there are). */
#define MAX_HEAPS 64

BOOL cs_heap_totals(double *bytes, double *blocks)
{
    HANDLE heaps[MAX_HEAPS];
    DWORD n = GetProcessHeaps(MAX_HEAPS, heaps), i;
    BOOL any = FALSE;

    *bytes = 0;
    *blocks = 0;
    if (n > MAX_HEAPS)
        n = MAX_HEAPS;
    for (i = 0; i < n; i++)
        if (!is_excluded(heaps[i]))
            any |= walk_heap(heaps[i], bytes, blocks);
    return any;
}

static BOOL memory_counters(double *working_set, double *pagefile)
{
    PROCESS_MEMORY_COUNTERS pmc = { sizeof(pmc) };

    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc))) {
        *working_set = *pagefile = NAN;
        return FALSE;
    }
    *working_set = (double)pmc.WorkingSetSize;
    *pagefile = (double)pmc.PagefileUsage;
    return TRUE;
}

/* Counts this process's threads in a toolhelp snapshot: exact, but it
 * walks every process through the wineserver (5 to 13 ms under Wine). */
double cs_thread_count_snapshot(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te = { sizeof(te) };
    DWORD pid = GetCurrentProcessId();
    double n = 0;

    if (snap == INVALID_HANDLE_VALUE)
        return NAN;
    if (Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID == pid)
                n += 1;
        } while (Thread32Next(snap, &te));
    }
    CloseHandle(snap);
    return n;
}

/* Live threads, counted for free: every thread passes through the
 * executable's TLS callback when it starts and when it ends. Starts at 1,
 * the main thread. */
static volatile LONG live_threads = 1;

static void NTAPI thread_counter(PVOID module, DWORD reason, PVOID reserved)
{
    if (reason == DLL_THREAD_ATTACH)
        InterlockedIncrement(&live_threads);
    else if (reason == DLL_THREAD_DETACH)
        InterlockedDecrement(&live_threads);
}

/* mingw-w64's CRT calls every callback placed between .CRT$XLA and .CRT$XLZ. */
__attribute__((section(".CRT$XLC"), used)) const PIMAGE_TLS_CALLBACK cs_thread_counter_cb = thread_counter;

double cs_thread_count(void)
{
    return (double)live_threads;
}

/* The process's handle count, or NaN (Wine 8 reports 0). */
static double handle_count(void)
{
    DWORD h = 0;

    return GetProcessHandleCount(GetCurrentProcess(), &h) && h > 0 ? (double)h : NAN;
}

void cs_sample_heap(cs_sample *s)
{
    if (!cs_heap_totals(&s->v[CS_M_HEAP_BYTES], &s->v[CS_M_HEAP_BLOCKS]))
        s->v[CS_M_HEAP_BYTES] = s->v[CS_M_HEAP_BLOCKS] = NAN;
}

void cs_sample_counters(cs_sample *s)
{
    memory_counters(&s->v[CS_M_WORKING_SET], &s->v[CS_M_PAGEFILE]);
    s->v[CS_M_HANDLES] = handle_count();
}

void cs_sample_process_light(cs_sample *s)
{
    s->v[CS_M_THREADS] = cs_thread_count();
}

void cs_sample_process(cs_sample *s)
{
    cs_sample_heap(s);
    cs_sample_counters(s);
    cs_sample_process_light(s);
}
