/*
 * Suite "trace_groups": the tracer's pure part (core/trace/trace_groups.c)
 * with hand-made records: what makes a group, and which groups are leaks,
 * plateaus or one-offs.
 */
#include "cs_unit.h"
#include "trace_groups.h"

#include <stdlib.h>
#include <string.h>

static const uintptr_t stack_a[] = { 0x10001000, 0x10002000, 0x7ff00010 };
static const uintptr_t stack_b[] = { 0x10003000, 0x10002000, 0x7ff00010 };

#define MAX_RECORDS 40000
static cs_trace_record records[MAX_RECORDS];
static cs_trace_group groups[MAX_RECORDS];
static size_t nrecords;

static void reset(void)
{
    nrecords = 0;
}

static void add(const uintptr_t *frames, uint32_t nframes, int64_t iteration, int32_t statement,
                uint64_t size)
{
    cs_trace_record *r = &records[nrecords++];

    ck_assert_uint_le(nrecords, MAX_RECORDS);
    r->size = size;
    r->frames = frames;
    r->nframes = nframes;
    r->stack_hash = cs_trace_stack_hash(frames, nframes);
    r->iteration = iteration;
    r->statement = statement;
    r->kind = CS_TRACE_KIND_HEAP;
}

/* One block of size bytes at each iteration from first to last, step. */
static void add_run(const uintptr_t *frames, int64_t first, int64_t last, int64_t step,
                    uint64_t size)
{
    int64_t i;

    for (i = first; i <= last; i += step)
        add(frames, 3, i, 0, size);
}

static size_t group(int64_t first, int64_t last)
{
    return cs_trace_group_records(records, nrecords, first, last, groups);
}

START_TEST(no_records_make_no_group)
{
    reset();
    ck_assert_uint_eq(group(0, 99), 0);
}
END_TEST

START_TEST(a_block_every_iteration_is_a_leak_of_one_block_per_iteration)
{
    reset();
    add_run(stack_a, 0, 99, 1, 24);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_uint_eq(groups[0].blocks, 100);
    ck_assert_uint_eq(groups[0].bytes, 2400);
    ck_assert_double_eq(groups[0].blocks_per_iteration, 1.0);
    ck_assert_double_eq(groups[0].bytes_per_iteration, 24.0);
    ck_assert_int_eq(groups[0].first_iteration, 0);
    ck_assert_int_eq(groups[0].last_iteration, 99);
    ck_assert_ptr_eq(groups[0].frames, stack_a);
    ck_assert_str_eq(cs_trace_class_name(groups[0].cls), "leak");
}
END_TEST

START_TEST(a_block_every_tenth_iteration_is_a_leak_of_a_tenth_per_iteration)
{
    reset();
    add_run(stack_a, 9, 19999, 10, 24);
    ck_assert_uint_eq(group(0, 19999), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_uint_eq(groups[0].blocks, 2000);
    ck_assert_double_eq(groups[0].blocks_per_iteration, 0.1);
    ck_assert_double_eq_tol(groups[0].bytes_per_iteration, 2.4, 1e-12);
}
END_TEST

/* A leak with probability 1/8 per iteration (a fixed pseudo-random
 * sequence): its rate is the second half's count over its length. */
START_TEST(a_random_leak_is_a_leak_at_its_second_half_rate)
{
    uint32_t x = 12345;
    size_t late = 0;
    int64_t i;

    reset();
    for (i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        if (((x >> 16) & 7) == 0) {
            add(stack_a, 3, i, 0, 24);
            late += i >= 10000;
        }
    }
    ck_assert_uint_eq(group(0, 19999), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_uint_eq(groups[0].late_blocks, late);
    ck_assert_double_eq(groups[0].blocks_per_iteration, (double)late / 10000);
    ck_assert_double_eq(groups[0].bytes_per_iteration, 24.0 * (double)late / 10000);
}
END_TEST

START_TEST(a_leak_that_starts_after_warm_up_is_a_leak)
{
    reset();
    add_run(stack_a, 300, 999, 1, 16);
    ck_assert_uint_eq(group(0, 999), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_double_eq(groups[0].blocks_per_iteration, 1.0);
}
END_TEST

START_TEST(growth_that_stops_at_40_70_or_80_percent_is_a_plateau)
{
    static const int64_t stops[] = { 39, 69, 79 };
    size_t i;

    for (i = 0; i < 3; i++) {
        reset();
        add_run(stack_a, 0, stops[i], 1, 32);
        ck_assert_uint_eq(group(0, 99), 1);
        ck_assert_msg(groups[0].cls == CS_TRACE_PLATEAU, "stop at %d: class %s",
                      (int)stops[i], cs_trace_class_name(groups[0].cls));
        ck_assert_uint_eq(groups[0].blocks, (size_t)stops[i] + 1);
    }
    /* Stopped at 79: 30 blocks over the second half's 50 iterations. */
    ck_assert_double_eq(groups[0].blocks_per_iteration, 0.6);
    /* Fully grown in the first half: nothing per iteration any more. */
    reset();
    add_run(stack_a, 0, 39, 1, 32);
    group(0, 99);
    ck_assert_double_eq(groups[0].blocks_per_iteration, 0.0);
    ck_assert_str_eq(cs_trace_class_name(groups[0].cls), "plateau");
}
END_TEST

START_TEST(blocks_of_one_iteration_or_outside_the_loop_are_one_offs)
{
    reset();
    add(stack_a, 3, 0, 0, 100);
    add(stack_a, 3, 0, 0, 100);
    add(stack_a, 3, 0, 0, 100);
    add(stack_b, 3, CS_TRACE_NO_ITERATION, CS_TRACE_NO_STATEMENT, 8);
    ck_assert_uint_eq(group(0, 99), 2);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_ONE_OFF);
    ck_assert_int_eq(groups[1].cls, CS_TRACE_ONE_OFF);
    /* Ordered by bytes within the class: the 300 bytes first. */
    ck_assert_uint_eq(groups[0].bytes, 300);
    ck_assert_uint_eq(groups[0].blocks, 3);
    ck_assert_uint_eq(groups[1].blocks_in_range, 0);
    ck_assert_int_eq(groups[1].first_iteration, CS_TRACE_NO_ITERATION);
    ck_assert_str_eq(cs_trace_class_name(CS_TRACE_ONE_OFF), "one-off");
}
END_TEST

START_TEST(many_blocks_in_one_iteration_of_the_second_half_are_no_leak)
{
    reset();
    add_run(stack_a, 99, 99, 1, 24);
    add(stack_a, 3, 99, 0, 24);
    add(stack_a, 3, 99, 0, 24);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].late_iterations, 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_ONE_OFF);
}
END_TEST

START_TEST(without_a_range_nothing_is_a_leak)
{
    reset();
    add_run(stack_a, 0, 99, 1, 24);
    ck_assert_uint_eq(group(1, 0), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_ONE_OFF);
    ck_assert_double_eq(groups[0].bytes_per_iteration, 0.0);
    ck_assert_uint_eq(group(CS_TRACE_NO_ITERATION, CS_TRACE_NO_ITERATION), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_ONE_OFF);
}
END_TEST

START_TEST(the_same_stack_under_two_statements_makes_two_groups)
{
    int64_t i;

    reset();
    for (i = 0; i < 50; i++) {
        add(stack_a, 3, i, 0, 24);
        add(stack_a, 3, i, 1, 24);
    }
    ck_assert_uint_eq(group(0, 49), 2);
    ck_assert_int_eq(groups[0].statement + groups[1].statement, 1);
    ck_assert_uint_eq(groups[0].blocks, 50);
    ck_assert_uint_eq(groups[1].blocks, 50);
}
END_TEST

/* Equal hashes are only a hint: different frames stay apart. */
START_TEST(different_stacks_with_the_same_hash_make_two_groups)
{
    reset();
    add_run(stack_a, 0, 9, 1, 24);
    add_run(stack_b, 0, 9, 1, 24);
    for (size_t i = 0; i < nrecords; i++)
        records[i].stack_hash = 7;
    ck_assert_uint_eq(group(0, 9), 2);
    ck_assert_uint_eq(groups[0].blocks, 10);
    ck_assert_uint_eq(groups[1].blocks, 10);
    ck_assert_ptr_ne(groups[0].frames, groups[1].frames);
}
END_TEST

START_TEST(leaks_come_first_then_plateaus_then_one_offs)
{
    reset();
    add(stack_b, 2, 5, 0, 100000);              /* one-off, biggest */
    add_run(stack_b, 0, 30, 1, 1000);           /* plateau */
    add_run(stack_a, 0, 99, 1, 4);              /* leak, smallest */
    ck_assert_uint_eq(group(0, 99), 3);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_int_eq(groups[1].cls, CS_TRACE_PLATEAU);
    ck_assert_int_eq(groups[2].cls, CS_TRACE_ONE_OFF);
    ck_assert_uint_eq(groups[2].bytes, 100000);
}
END_TEST

START_TEST(stack_hashes_follow_the_frames)
{
    uintptr_t copy[3];

    memcpy(copy, stack_a, sizeof(copy));
    ck_assert_uint_eq(cs_trace_stack_hash(copy, 3), cs_trace_stack_hash(stack_a, 3));
    ck_assert_uint_ne(cs_trace_stack_hash(stack_a, 3), cs_trace_stack_hash(stack_b, 3));
    ck_assert_uint_ne(cs_trace_stack_hash(stack_a, 3), cs_trace_stack_hash(stack_a, 2));
    ck_assert_str_eq(cs_trace_kind_name(CS_TRACE_KIND_BSTR), "bstr");
    ck_assert_str_eq(cs_trace_kind_name(CS_TRACE_KIND_COUNT), "");
}
END_TEST

/* The run's range 0..99 at its edges: blocks at 0 and 99 are in it, at
 * -1 and 100 not (counted as blocks, never in the rates). */
START_TEST(the_range_takes_its_first_and_last_iteration_and_nothing_beyond)
{
    reset();
    add(stack_a, 3, -1, 0, 8);
    add(stack_a, 3, 0, 0, 8);
    add(stack_a, 3, 99, 0, 8);
    add(stack_a, 3, 100, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].blocks, 4);
    ck_assert_uint_eq(groups[0].blocks_in_range, 2);
    ck_assert_int_eq(groups[0].first_iteration, 0);
    ck_assert_int_eq(groups[0].last_iteration, 99);
    ck_assert_uint_eq(groups[0].late_blocks, 1);          /* 99 only */
    /* a range of one iteration: its one block is a one-off */
    reset();
    add(stack_a, 3, 7, 0, 8);
    ck_assert_uint_eq(group(7, 7), 1);
    ck_assert_uint_eq(groups[0].blocks_in_range, 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_ONE_OFF);
}
END_TEST

/* The second half of 0..99 starts at 50: a block at 49 is early, one at
 * 50 late. Two late iterations make a leak; one (even with two blocks)
 * does not. */
START_TEST(the_second_half_starts_at_its_middle_and_needs_two_iterations)
{
    reset();
    add(stack_a, 3, 49, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].late_blocks, 0);
    reset();
    add(stack_a, 3, 50, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].late_blocks, 1);
    ck_assert_uint_eq(groups[0].late_iterations, 1);
    reset();
    add(stack_a, 3, 50, 0, 8);
    add(stack_a, 3, 99, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].late_iterations, 2);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    ck_assert_double_eq(groups[0].blocks_per_iteration, 2.0 / 50);
    reset();
    add(stack_a, 3, 99, 0, 8);
    add(stack_a, 3, 99, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_uint_eq(groups[0].late_iterations, 1);
    ck_assert_int_ne(groups[0].cls, CS_TRACE_LEAK);
}
END_TEST

/* A leak's second half must keep at least half the first half's rate:
 * 20 blocks early and 10 late (all in the last quarter) is exactly half,
 * a leak; 21 early is more than twice, a plateau. */
START_TEST(a_leak_keeps_at_least_half_its_early_rate)
{
    reset();
    add_run(stack_a, 0, 19, 1, 8);
    add_run(stack_a, 75, 84, 1, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    reset();
    add_run(stack_a, 0, 20, 1, 8);
    add_run(stack_a, 75, 84, 1, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_PLATEAU);
}
END_TEST

/* The last quarter of 0..99 starts at 75, and must hold at least half
 * its share of the blocks: one block at 99 against 7 at 50..56 is just
 * that (2/25 = 8/100), a leak; against 8 at 50..57 a plateau; a block
 * at 74 instead of 99 is outside the quarter. */
START_TEST(a_leak_still_grows_in_the_last_quarter)
{
    reset();
    add_run(stack_a, 50, 56, 1, 8);
    add(stack_a, 3, 99, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    reset();
    add_run(stack_a, 50, 57, 1, 8);
    add(stack_a, 3, 99, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_PLATEAU);
    reset();
    add_run(stack_a, 50, 56, 1, 8);
    add(stack_a, 3, 75, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_LEAK);
    reset();
    add_run(stack_a, 50, 56, 1, 8);
    add(stack_a, 3, 74, 0, 8);
    ck_assert_uint_eq(group(0, 99), 1);
    ck_assert_int_eq(groups[0].cls, CS_TRACE_PLATEAU);
}
END_TEST

/* Stacks that share a hash told apart by their depth or by a frame
 * past the first, and records of one group sorted by iteration then
 * size (the group's first record is the smallest of its first
 * iteration). */
START_TEST(stacks_sharing_a_hash_are_told_apart_by_depth_and_frames)
{
    static const uintptr_t stack_c[] = { 0x10001000, 0x10009000, 0x7ff00010 };
    size_t i;

    reset();
    add(stack_a, 3, 5, 0, 32);
    add(stack_a, 2, 5, 0, 24);
    add(stack_a, 3, 5, 0, 16);
    add(stack_c, 3, 5, 0, 8);
    add(stack_a, 2, 5, 0, 8);
    for (i = 0; i < nrecords; i++)
        records[i].stack_hash = 7;
    ck_assert_uint_eq(group(0, 9), 3);
    for (i = 0; i < 3; i++) {
        if (groups[i].nframes == 2) {
            ck_assert_uint_eq(groups[i].blocks, 2);
            ck_assert_uint_eq(groups[i].bytes, 32);
        } else if (groups[i].frames == stack_c) {
            ck_assert_uint_eq(groups[i].blocks, 1);
        } else {
            ck_assert_ptr_eq(groups[i].frames, stack_a);
            ck_assert_uint_eq(groups[i].blocks, 2);
            ck_assert_uint_eq(records[groups[i].first].size, 16);
        }
    }
    ck_assert_str_eq(cs_trace_class_name((cs_trace_class)99), "");
}
END_TEST

/* Groups of one class are ordered by bytes per iteration, then bytes
 * (both largest first), then stack hash, then statement. */
START_TEST(groups_of_one_class_are_ordered_by_rate_bytes_hash_and_statement)
{
    size_t i;

    reset();
    add(stack_a, 3, 10, 2, 8);                   /* one-offs: 8 B, hash 5, statement 2 */
    add(stack_a, 3, 11, 1, 8);                   /* 8 B, hash 5, statement 1 */
    add(stack_b, 3, 12, 0, 8);                   /* 8 B, hash 3 */
    add(stack_b, 3, 60, 4, 64);                  /* 64 B, late */
    add(stack_b, 3, 13, 5, 64);                  /* 64 B, early */
    for (i = 0; i < nrecords; i++)
        records[i].stack_hash = records[i].frames == stack_a ? 5 : 3;
    ck_assert_uint_eq(group(0, 99), 5);
    for (i = 0; i < 5; i++)
        ck_assert_int_eq(groups[i].cls, CS_TRACE_ONE_OFF);
    ck_assert_int_eq(groups[0].statement, 4);    /* late bytes count per iteration */
    ck_assert_int_eq(groups[1].statement, 5);    /* then the most bytes */
    ck_assert_int_eq(groups[2].statement, 0);    /* then the lower hash */
    ck_assert_int_eq(groups[3].statement, 1);    /* then the lower statement */
    ck_assert_int_eq(groups[4].statement, 2);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(no_records_make_no_group),
        CS_TEST(a_block_every_iteration_is_a_leak_of_one_block_per_iteration),
        CS_TEST(a_block_every_tenth_iteration_is_a_leak_of_a_tenth_per_iteration),
        CS_TEST(a_random_leak_is_a_leak_at_its_second_half_rate),
        CS_TEST(a_leak_that_starts_after_warm_up_is_a_leak),
        CS_TEST(growth_that_stops_at_40_70_or_80_percent_is_a_plateau),
        CS_TEST(blocks_of_one_iteration_or_outside_the_loop_are_one_offs),
        CS_TEST(many_blocks_in_one_iteration_of_the_second_half_are_no_leak),
        CS_TEST(without_a_range_nothing_is_a_leak),
        CS_TEST(the_same_stack_under_two_statements_makes_two_groups),
        CS_TEST(different_stacks_with_the_same_hash_make_two_groups),
        CS_TEST(leaks_come_first_then_plateaus_then_one_offs),
        CS_TEST(stack_hashes_follow_the_frames),
        CS_TEST(the_range_takes_its_first_and_last_iteration_and_nothing_beyond),
        CS_TEST(the_second_half_starts_at_its_middle_and_needs_two_iterations),
        CS_TEST(a_leak_keeps_at_least_half_its_early_rate),
        CS_TEST(a_leak_still_grows_in_the_last_quarter),
        CS_TEST(stacks_sharing_a_hash_are_told_apart_by_depth_and_frames),
        CS_TEST(groups_of_one_class_are_ordered_by_rate_bytes_hash_and_statement),
        NULL
    };

    return cs_run_tests("trace_groups", NULL, NULL, tests);
}
