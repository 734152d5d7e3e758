/*
 * Suite "attribution": `comstress run --trace` names where a leak was
 * allocated and which call made it, in the console, run.json and a
 * rebuilt report; a clean traced run has no allocation finding.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A traced run of 3,000 iterations into a fresh directory named tag. */
static const char *traced(const char *tag, const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048];

    snprintf(args, sizeof(args), "run --trace --iterations 3000 --out \"%s\" %s", dir, extra);
    cs_comstress(args, &res);
    return dir;
}

START_TEST(a_heap_leak_is_named_by_its_site_and_its_call)
{
    const char *dir = traced("attr-heap", "--fault leak-bytes:24 --call \"Add(1)\"");
    char *json;

    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("heap leak: 24 B per call of Add(1), allocated in target_on_call (target.c:");
    ck_assert_out_has(") <- target_Add (target.c:");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"allocations\": [") != NULL, "no allocations array:\n%s", json);
    ck_assert_msg(strstr(json, "\"call\": \"Add(1)\"") != NULL, "no call in the allocations:\n%s", json);
    ck_assert_double_eq(cs_json_number(json, "bytes_per_iteration", 0), 24);
    ck_assert_double_eq(cs_json_number(json, "blocks", 0), 3000);
    free(json);
}
END_TEST

START_TEST(a_bstr_leak_is_named_in_the_servers_echo)
{
    traced("attr-bstr", "--fault echo-leak-bstr --call \"Echo('x')\"");
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("BSTR leak: ");
    ck_assert_out_has(" per call of Echo('x'), allocated in ");
    ck_assert_out_has("target_Echo (target.c:");
}
END_TEST

START_TEST(a_clean_traced_run_has_no_allocation_finding)
{
    const char *dir = traced("attr-clean", "--call \"Add(1)\" --call \"Echo('x')\"");
    char *json;

    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(strstr(res.out, " leak: ") == NULL, "a leak on a clean run:\n%s", res.out);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"class\": \"leak\"") == NULL, "a leaking site on a clean run:\n%s", json);
    free(json);
}
END_TEST

START_TEST(the_rebuilt_report_keeps_the_attribution)
{
    const char *dir = traced("attr-rebuilt", "--fault leak-bytes:24 --call \"Add(1)\"");
    char args[1024], *json;

    ck_assert_exit(CS_EXIT_VERDICT);
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("heap leak: 24 B per call of Add(1), allocated in target_on_call (target.c:");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "heap leak: 24 B per call of Add(1)") != NULL, "lost on rebuild:\n%s", json);
    free(json);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_heap_leak_is_named_by_its_site_and_its_call),
        CS_TEST(a_bstr_leak_is_named_in_the_servers_echo),
        CS_TEST(a_clean_traced_run_has_no_allocation_finding),
        CS_TEST(the_rebuilt_report_keeps_the_attribution), NULL
    };

    return cs_run_tests("attribution", NULL, NULL, tests);
}
