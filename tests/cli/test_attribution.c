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

/* run.json's "allocations" value of the first run, whole (malloc'd):
 * "null", or the array from its '[' to its ']'. */
static char *allocations_of(const char *json)
{
    const char *at = strstr(json, "\"allocations\": "), *end;
    char *copy;

    ck_assert_msg(at != NULL, "no allocations key:\n%s", json);
    at += strlen("\"allocations\": ");
    if (at[0] == '[' && at[1] != ']') {
        ck_assert_msg((end = strstr(at, "\n      ]")) != NULL, "allocations not closed:\n%s", at);
        end += strlen("\n      ]");
    } else {
        end = at + strcspn(at, ",\n");          /* null or [] */
    }
    copy = malloc((size_t)(end - at) + 1);
    memcpy(copy, at, (size_t)(end - at));
    copy[end - at] = 0;
    return copy;
}

/* The line of text that starts with prefix (malloc'd, without its end). */
static char *line_from(const char *text, const char *prefix)
{
    const char *at = strstr(text, prefix);
    size_t n;
    char *line;

    ck_assert_msg(at != NULL, "no '%s' in:\n%s", prefix, text);
    n = strcspn(at, "\r\n");
    line = malloc(n + 1);
    memcpy(line, at, n);
    line[n] = 0;
    return line;
}

START_TEST(the_rebuilt_report_keeps_the_attribution)
{
    const char *dir = traced("attr-rebuilt", "--fault leak-bytes:24 --call \"Add(1)\"");
    char args[1024], *json, *own, *rebuilt;

    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("  tracing: ");                /* snapshots were taken, and said */
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    own = allocations_of(json);
    free(json);
    ck_assert_msg(strstr(own, "\"site\": \"target_on_call (target.c:") != NULL, "run's own:\n%s", own);
    ck_assert_ptr_null(cs_read_out(dir, "traced.txt"));   /* the final record made it moot */
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("heap leak: 24 B per call of Add(1), allocated in target_on_call (target.c:");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "heap leak: 24 B per call of Add(1)") != NULL, "lost on rebuild:\n%s", json);
    rebuilt = allocations_of(json);
    ck_assert_str_eq(rebuilt, own);                  /* every site, figure and frame */
    free(rebuilt);
    free(own);
    free(json);
}
END_TEST

/*
 * A crash that kills the process leaves no final run record: the sites
 * written as the run went (the first snapshot is taken at the first
 * sample past the warm-up, about iteration 315 of 3,000; the crash comes
 * at call 2,001 whatever the machine's speed) give the rebuilt report the
 * attribution the run would have printed.
 */
START_TEST(a_crashed_traced_runs_rebuilt_report_names_the_leak)
{
    const char *dir = traced("attr-crash", "--fault leak-then-crash:2000 --call \"Add(1)\"");
    char args[1024], *finding, *json, *html, *allocs, want[512];

    char *snap;

    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_ptr_null(cs_read_out(dir, "runs.txt"));    /* no final record */
    /* The snapshot names no frame (no dbghelp while the run went): its
     * frames are the module files and offsets that report DIR names. */
    snap = cs_read_out(dir, "traced.txt");
    ck_assert_ptr_nonnull(snap);
    ck_assert_msg(strstr(snap, "\nalloc_raw 1 0x") != NULL && strstr(snap, "comstress_server.dll\n") != NULL
                  && strstr(snap, "target_on_call") == NULL, "traced.txt:\n%s", snap);
    free(snap);
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_out_has("the run crashed: 0xc0000005 access violation");
    ck_assert_out_has("run/type ended without its final record: its traced allocations are those of the "
                      "snapshot at iteration ");
    ck_assert_out_has("  heap leak: 24 B per call of Add(1), allocated in target_on_call (target.c:");
    finding = line_from(res.out, "heap leak: ");
    ck_assert_msg(strstr(finding, ") <- target_Add (target.c:") != NULL, "finding: %s", finding);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    snprintf(want, sizeof(want), "\"%s\"", finding);            /* the same line, in the findings */
    ck_assert_msg(strstr(json, want) != NULL, "run.json lacks %s:\n%s", want, json);
    allocs = allocations_of(json);
    ck_assert_msg(strstr(allocs, "\"class\": \"leak\"") != NULL, "no leaking site:\n%s", allocs);
    ck_assert_msg(strstr(allocs, "\"call\": \"Add(1)\"") != NULL, "no call:\n%s", allocs);
    ck_assert_msg(strstr(allocs, "\"site\": \"target_on_call (target.c:") != NULL, "no site:\n%s", allocs);
    ck_assert_double_eq(cs_json_number(json, "bytes_per_iteration", 0), 24);
    ck_assert_double_eq(cs_json_number(json, "blocks_per_iteration", 0), 1);
    html = cs_read_out(dir, "report.html");
    ck_assert_ptr_nonnull(html);
    *strstr(finding, ") <- ") = 0;                            /* '<' is &lt; in HTML */
    ck_assert_msg(strstr(html, finding) != NULL, "report.html lacks %s", finding);
    ck_assert_msg(strstr(html, ") &lt;- target_Add (target.c:") != NULL, "report.html lacks the caller");
    free(html);
    free(allocs);
    free(json);
    free(finding);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_heap_leak_is_named_by_its_site_and_its_call),
        CS_TEST(a_bstr_leak_is_named_in_the_servers_echo),
        CS_TEST(a_clean_traced_run_has_no_allocation_finding),
        CS_TEST(the_rebuilt_report_keeps_the_attribution),
        CS_TEST(a_crashed_traced_runs_rebuilt_report_names_the_leak), NULL
    };

    return cs_run_tests("attribution", NULL, NULL, tests);
}
