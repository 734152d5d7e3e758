/* Process samplers (stress/samplers.c): heap walk, heap exclusion, and the
 * free thread count cross-checked against a toolhelp snapshot. */
#include "cs_check.h"
#include "samplers.h"

static HANDLE stop_event, started;

/* Says it runs (it has passed every attach by then), then waits. */
static DWORD WINAPI parked(void *arg)
{
    ReleaseSemaphore(started, 1, NULL);
    WaitForSingleObject(stop_event, INFINITE);
    return 0;
}

/* Holds the lock of every heap of the process (up to 64) or gives them
 * back: another thread's allocation waits while they are held, so two
 * walks taken in between differ by this thread's work only. */
static void hold_heaps(BOOL hold)
{
    HANDLE heaps[64];
    DWORD n = GetProcessHeaps(64, heaps), i;

    for (i = 0; i < n && i < 64; i++) {
        if (hold)
            HeapLock(heaps[i]);
        else
            HeapUnlock(heaps[i]);
    }
}

START_TEST(thread_count_follows_threads)
{
    HANDLE th[3];
    double before = cs_thread_count(), during;
    int i;

    ck_assert_double_eq(before, cs_thread_count_snapshot());
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    started = CreateSemaphoreW(NULL, 0, 3, NULL);
    for (i = 0; i < 3; i++)
        th[i] = CreateThread(NULL, 0, parked, NULL, 0, NULL);
    for (i = 0; i < 3; i++)         /* each has passed its attach */
        ck_assert_uint_eq(WaitForSingleObject(started, 60000), WAIT_OBJECT_0);
    during = cs_thread_count();
    ck_assert_double_eq(during, before + 3);
    ck_assert_double_eq(during, cs_thread_count_snapshot());
    SetEvent(stop_event);
    WaitForMultipleObjects(3, th, TRUE, INFINITE);
    for (i = 0; i < 3; i++)
        CloseHandle(th[i]);
    CloseHandle(stop_event);
    CloseHandle(started);
    ck_assert_double_eq(cs_thread_count(), before);
}
END_TEST

START_TEST(heap_walk_sees_a_block)
{
    double b0, k0, b1, k1;
    BOOL ok0, ok1;
    void *p;

    hold_heaps(TRUE);
    ok0 = cs_heap_totals(&b0, &k0);
    p = HeapAlloc(GetProcessHeap(), 0, 100000);
    ok1 = cs_heap_totals(&b1, &k1);
    hold_heaps(FALSE);
    ck_assert(ok0 && ok1);
    ck_assert_double_eq(b1 - b0, 100000);
    ck_assert_double_eq(k1 - k0, 1);
    HeapFree(GetProcessHeap(), 0, p);
}
END_TEST

START_TEST(excluded_heap_is_left_out)
{
    HANDLE h = HeapCreate(0, 0, 0);
    double b0, k0, b1, k1, b2, k2;
    BOOL ok;

    hold_heaps(TRUE);
    ok = cs_heap_totals(&b0, &k0);
    HeapAlloc(h, 0, 5000);
    ok = ok && cs_heap_totals(&b1, &k1);
    cs_samplers_exclude_heap(h);
    ok = ok && cs_heap_totals(&b2, &k2);
    hold_heaps(FALSE);
    ck_assert(ok);
    ck_assert_double_eq(b1 - b0, 5000);         /* seen while included */
    ck_assert_double_eq(b2, b0);                /* then left out */
    HeapDestroy(h);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(thread_count_follows_threads), CS_TEST(heap_walk_sees_a_block),
        CS_TEST(excluded_heap_is_left_out), NULL
    };

    return cs_run_tests("samplers", NULL, NULL, tests);
}
