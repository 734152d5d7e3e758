/* Process samplers (stress/samplers.c): heap walk, heap exclusion, and the
 * free thread count cross-checked against a toolhelp snapshot. */
#include "cs_check.h"
#include "samplers.h"

static HANDLE stop_event;

static DWORD WINAPI parked(void *arg)
{
    WaitForSingleObject(stop_event, INFINITE);
    return 0;
}

START_TEST(thread_count_follows_threads)
{
    HANDLE th[3];
    double before = cs_thread_count(), during;
    int i;

    ck_assert_double_eq(before, cs_thread_count_snapshot());
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 3; i++)
        th[i] = CreateThread(NULL, 0, parked, NULL, 0, NULL);
    Sleep(50);                      /* let them pass their attach */
    during = cs_thread_count();
    ck_assert_double_eq(during, before + 3);
    ck_assert_double_eq(during, cs_thread_count_snapshot());
    SetEvent(stop_event);
    WaitForMultipleObjects(3, th, TRUE, INFINITE);
    for (i = 0; i < 3; i++)
        CloseHandle(th[i]);
    CloseHandle(stop_event);
    ck_assert_double_eq(cs_thread_count(), before);
}
END_TEST

START_TEST(heap_walk_sees_a_block)
{
    double b0, k0, b1, k1;
    void *p;

    ck_assert(cs_heap_totals(&b0, &k0));
    p = HeapAlloc(GetProcessHeap(), 0, 100000);
    ck_assert(cs_heap_totals(&b1, &k1));
    ck_assert_double_eq(b1 - b0, 100000);
    ck_assert_double_eq(k1 - k0, 1);
    HeapFree(GetProcessHeap(), 0, p);
}
END_TEST

START_TEST(excluded_heap_is_left_out)
{
    HANDLE h = HeapCreate(0, 0, 0);
    double b0, k0, b1, k1;

    ck_assert(cs_heap_totals(&b0, &k0));
    HeapAlloc(h, 0, 5000);
    ck_assert(cs_heap_totals(&b1, &k1));
    ck_assert_double_eq(b1 - b0, 5000);         /* seen while included */
    cs_samplers_exclude_heap(h);
    ck_assert(cs_heap_totals(&b1, &k1));
    ck_assert_double_eq(b1, b0);                /* then left out */
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
