/*
 * Suite "isolate": real children under the watchdog: a crashing child and
 * a hung child still leave their phase and results on disk (the phase
 * parser and the classification are unit-tested in tests/unit/test_ends.c).
 * Children are cs_lifecycle_driver (COMSTRESS_LIFECYCLE_EXE).
 */
#include "cs_check.h"
#include "cs_child.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "isolate.h"

/* Asserts dir/name exists and contains needle. */
static void assert_file_has(const char *dir, const char *name, const char *needle)
{
    char path[MAX_PATH], *text;

    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    text = cs_read_file(path);
    ck_assert_msg(text != NULL, "%s was not written", path);
    ck_assert_msg(strstr(text, needle) != NULL, "%s lacks '%s':\n%s", path, needle, text);
    free(text);
}

static const struct { const char *kind, *name; } crashes[] = {
    { "av", "access violation" },
    { "illegal", "illegal instruction" },
    { "stack", "stack overflow" },
};

START_TEST(crashed_child_keeps_phase_and_results)
{
    cs_child_result r;
    char args[64];
    const char *dir;

    snprintf(args, sizeof(args), "child crash --kind %s", crashes[_i].kind);
    dir = cs_run_child(crashes[_i].kind, args, 30, &r);
    ck_assert_msg(r.end == CS_END_CRASHED, "%s: ended %s: %s", crashes[_i].kind, cs_end_name(r.end), r.text);
    ck_assert_msg(strstr(r.text, crashes[_i].name) != NULL, "%s: '%s'", crashes[_i].kind, r.text);
    ck_assert_ptr_nonnull(strstr(r.phase.phase, "crash: about to raise"));
    assert_file_has(dir, CS_PHASE_FILE, crashes[_i].name);
    assert_file_has(dir, CS_RESULTS_FILE, "before-crash");
}
END_TEST

START_TEST(hung_child_is_killed_and_keeps_phase_and_results)
{
    cs_child_result r;
    const char *dir = cs_run_child("hang", "child hang", 4, &r);

    ck_assert_msg(r.end == CS_END_HUNG, "ended %s: %s", cs_end_name(r.end), r.text);
    ck_int_eq(r.timed_out, 1);
    ck_assert_msg(r.seconds >= 3.9 && r.seconds < 15, "killed after %.1f s", r.seconds);
    ck_assert_ptr_nonnull(strstr(r.text, "hang: sleeping forever"));
    assert_file_has(dir, CS_PHASE_FILE, "phase hang: sleeping forever");
    assert_file_has(dir, CS_RESULTS_FILE, "before-hang");
}
END_TEST

START_TEST(usage_error_is_an_error_with_its_message)
{
    cs_child_result r;

    cs_run_child("usage", "child no-such-scenario", 30, &r);
    ck_int_eq(r.end, CS_END_ERROR);
    ck_assert_msg(strstr(r.text, "unknown scenario 'no-such-scenario'") != NULL, "%s", r.text);
}
END_TEST

START_TEST(missing_program_is_named)
{
    cs_child_result r;
    cs_child_spec spec = { "Z:\\no\\such\\prog.exe", "child hang", NULL, 5 };

    spec.out_dir = cs_temp_dir("missing");
    ck_int_eq(cs_isolate_run(&spec, &r), -1);
    ck_int_eq(r.end, CS_END_ERROR);
    ck_assert_ptr_nonnull(strstr(r.text, "prog.exe"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("isolate");
    TCase *child = tcase_create("child");

    tcase_add_loop_test(child, crashed_child_keeps_phase_and_results, 0, sizeof(crashes) / sizeof(crashes[0]));
    tcase_add_test(child, hung_child_is_killed_and_keeps_phase_and_results);
    tcase_add_test(child, usage_error_is_an_error_with_its_message);
    tcase_add_test(child, missing_program_is_named);
    suite_add_tcase(s, child);
    return cs_run_suite(s);
}
