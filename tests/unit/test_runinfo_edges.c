/*
 * runs.txt read back at its edges (core/samples/runinfo.c): the gate's
 * lines in every order and form, and allocation keys with no site open.
 */
#include "cs_unit.h"
#include "options.h"
#include "runinfo.h"
#include <string.h>

static const char record[] =
    "run r\nstatus bogus\nfail_on leak,refs\ngate 2\nfinding_category refs\nfinding x: 1\n"
    "finding_category refs\nfindings_dropped blocks,unload\nalloc_call orphan\nallocations 1\n"
    "alloc leak\nalloc_allocator heap\nalloc_call Add(1)\nalloc_bytes 10\nalloc_blocks 2\n"
    "alloc_bytes_per_iteration 0.5\nalloc_blocks_per_iteration 0.25\nalloc_unknown 3\nend\n"
    "run s\ngate 0\nend\nrun t\ngate 2\nend\nrun u\nfail_on nonsense\nstatus hung\nend\n";

START_TEST(the_gate_lines_read_back_in_every_form_and_order)
{
    cs_runinfo ri;
    const cs_run *r;

    ck_int_eq(cs_runinfo_parse(record, &ri), 0);
    ck_int_eq(ri.n, 4);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "r"));
    ck_int_eq(r->status, CS_ST_INTERNAL);
    ck_assert_uint_eq(r->fail_on, CS_FAIL_LEAK | CS_FAIL_REFS);
    ck_int_eq(r->release.nfindings, 1);
    ck_assert_uint_eq(r->release.categories[0], CS_FAIL_REFS);
    ck_assert_uint_eq(r->release.dropped, CS_FAIL_BLOCKS | CS_FAIL_UNLOAD);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "s"));
    ck_assert_uint_eq(r->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "t"));
    ck_assert_uint_eq(r->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK | CS_FAIL_LEAK_ANY);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "u"));
    ck_assert_uint_eq(r->fail_on, 0);
    ck_int_eq(r->status, CS_ST_HUNG);
    cs_runinfo_free(&ri);
}
END_TEST

START_TEST(an_allocation_site_keeps_its_figures_and_keys_with_no_site_open_are_skipped)
{
    cs_runinfo ri;
    const cs_run *r;

    ck_int_eq(cs_runinfo_parse(record, &ri), 0);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "r"));
    ck_int_eq(r->nallocs, 1);
    ck_assert_str_eq(r->allocs[0].cls, "leak");
    ck_assert_str_eq(r->allocs[0].kind, "heap");
    ck_assert_str_eq(r->allocs[0].call, "Add(1)");
    ck_assert(r->allocs[0].bytes == 10 && r->allocs[0].blocks == 2);
    ck_assert(r->allocs[0].bytes_per_iteration == 0.5 && r->allocs[0].blocks_per_iteration == 0.25);
    ck_assert_ptr_null(cs_runinfo_find(&ri, "orphan"));
    cs_runinfo_free(&ri);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(the_gate_lines_read_back_in_every_form_and_order),
        CS_TEST(an_allocation_site_keeps_its_figures_and_keys_with_no_site_open_are_skipped),
        NULL
    };

    return cs_run_tests("runinfo_edges", NULL, NULL, tests);
}
