/*
 * Suite "ends": how a watched child ended, from the watchdog's view and
 * its phase file (core/verdicts/ends.h, phase_text.h). Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "ends.h"
#include "options.h"

START_TEST(exception_names)
{
    ck_assert_str_eq(cs_exception_name(0xc0000005), "access violation");
    ck_assert_str_eq(cs_exception_name(0xc00000fd), "stack overflow");
    ck_assert_str_eq(cs_exception_name(0xc000001d), "illegal instruction");
    ck_assert_str_eq(cs_exception_name(0xc0000094), "integer divide by zero");
    ck_assert_str_eq(cs_exception_name(0x12345678), "unknown exception");
}
END_TEST

START_TEST(parse_phase_file)
{
    cs_phase_info pi;

    cs_phase_parse("phase one\nnote a\nphase two\r\nnote b\nsummary leak: 5 B\n"
                   "exception 0xc0000005 access violation at 0x1 (unhandled)\nphase thr", &pi);
    ck_assert_str_eq(pi.phase, "thr");
    ck_assert_str_eq(pi.notes, "a; b");
    ck_assert_str_eq(pi.summary, "leak: 5 B");
    ck_int_eq(pi.has_exception, 1);
    ck_int_eq(pi.exception_code, 0xc0000005);
    ck_int_eq(pi.ended, 0);
    cs_phase_parse("phase x\nend passed\n", &pi);
    ck_int_eq(pi.ended, 1);
    ck_assert_str_eq(pi.end_status, "passed");
    cs_phase_parse(NULL, &pi);
    ck_assert_str_eq(pi.phase, "");
}
END_TEST

static cs_child_result classify_text(const char *text, int timed_out, unsigned long code)
{
    cs_child_result r;
    cs_phase_info pi;

    memset(&r, 0, sizeof(r));
    cs_phase_parse(text, &pi);
    cs_classify(timed_out, code, 3, 5.0, &pi, &r);
    return r;
}

START_TEST(classify_ends)
{
    cs_child_result r;

    r = classify_text("phase a\nsummary clean\nend passed\n", 0, 0);
    ck_int_eq(r.end, CS_END_PASSED);
    r = classify_text("phase a\nsummary leak: 9 B/cycle\nend failed\n", 0, 1);
    ck_int_eq(r.end, CS_END_FAILED);
    ck_assert_ptr_nonnull(strstr(r.text, "leak: 9 B/cycle"));
    r = classify_text("", 0, 3);
    ck_int_eq(r.end, CS_END_ERROR);
    /* Wine's exit code 5 is the low byte of 0xc0000005: the record decides. */
    r = classify_text("phase p\nexception 0xc0000005 access violation at 0x0 (unhandled)\n", 0, 5);
    ck_int_eq(r.end, CS_END_CRASHED);
    ck_assert_ptr_nonnull(strstr(r.text, "access violation"));
    ck_assert_ptr_nonnull(strstr(r.text, "'p'"));
    r = classify_text("phase p\n", 0, 5);
    ck_int_eq(r.end, CS_END_CRASHED);
    r = classify_text("", 0, 0xfd);
    ck_int_eq(r.end, CS_END_CRASHED);
    /* A run that stopped on its own --timeout (exit 7, "end hung") hung. */
    r = classify_text("phase run/type: 100 iterations\nend hung\n", 0, 7);
    ck_int_eq(r.end, CS_END_HUNG);
    ck_assert_ptr_nonnull(strstr(r.text, "its own --timeout"));
}
END_TEST

/* Every way cs_classify ends, with its exact text: the watchdog's kill
 * with and without a thread count, each error exit code, an exit code
 * that is none of them, "passed" and "failed" with and without a
 * summary. */
START_TEST(each_end_has_its_exact_text)
{
    static const struct { const char *phase_text; int timed_out, threads; unsigned long code; cs_end end;
                          const char *text; } cases[] = {
        { "", 1, -1, 0, CS_END_HUNG, "hung: killed after 5 s in phase 'no phase recorded'" },
        { "phase p\n", 1, 2, 0, CS_END_HUNG, "hung: killed after 5 s in phase 'p'; 2 threads alive at the kill" },
        { "", 0, 0, 0, CS_END_PASSED, "passed" },
        { "summary clean\n", 0, 0, 0, CS_END_PASSED, "passed: clean" },
        { "", 0, 0, 1, CS_END_FAILED, "failed: a verdict failed (exit 1)" },
        { "", 0, 0, CS_EXIT_USAGE, CS_END_ERROR, "error: exit 2 (usage error)" },
        { "", 0, 0, CS_EXIT_TARGET, CS_END_ERROR, "error: exit 3 (target not registered or not creatable)" },
        { "", 0, 0, CS_EXIT_CALL, CS_END_ERROR, "error: exit 4 (a call failed)" },
        { "", 0, 0, CS_EXIT_OUTPUT, CS_END_ERROR, "error: exit 5 (output directory not writable)" },
        { "", 0, 0, CS_EXIT_INTERNAL, CS_END_ERROR, "error: exit 6 (internal error)" },
        { "phase p\nend hung\n", 0, 0, 3, CS_END_HUNG, "hung: stopped by its own --timeout in phase 'p'" },
        { "phase p\nsummary 4 calls\n", 0, 0, CS_EXIT_HANG, CS_END_HUNG,
          "hung: stopped by its own --timeout in phase 'p': 4 calls" },
        { "phase p\nend error\n", 0, 0, 8, CS_END_CRASHED, "crashed: exit code 8 (0x8), no exception recorded "
          "(Wine keeps only the low byte of the NTSTATUS), in phase 'p'" },
    };
    cs_child_result r;
    cs_phase_info pi;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&r, 0, sizeof(r));
        cs_phase_parse(cases[i].phase_text, &pi);
        cs_classify(cases[i].timed_out, cases[i].code, cases[i].threads, 5.0, &pi, &r);
        ck_assert_msg(r.end == cases[i].end && !strcmp(r.text, cases[i].text), "case %lu: %s, '%s'",
                      (unsigned long)i, cs_end_name(r.end), r.text);
    }
    ck_assert_str_eq(cs_end_name(CS_END_ERROR), "error");
    ck_assert_str_eq(cs_end_name(CS_END_COUNT), "?");
    ck_assert_str_eq(cs_end_name((cs_end)-1), "?");
    ck_int_eq(cs_is_exception_code(0xc0000005UL), 1);
    ck_int_eq(cs_is_exception_code(0x80010105UL), 1);      /* RPC_E_SERVERFAULT */
    ck_int_eq(cs_is_exception_code(0x80010106UL), 0);
    ck_int_eq(cs_is_exception_code(0xbfffffffUL), 0);
    ck_int_eq(cs_is_exception_code(0xd0000000UL), 0);
}
END_TEST

START_TEST(classify_hangs)
{
    cs_child_result r;

    r = classify_text("phase inside FreeLibrary of x.dll\nnote " CS_NOTE_WORKER_RETURNED " from f\n", 1, 0);
    ck_int_eq(r.end, CS_END_HUNG);
    ck_assert_ptr_nonnull(strstr(r.text, CS_TEXT_UNLOAD_DEADLOCK));
    r = classify_text("phase inside FreeLibrary of x.dll\n", 1, 0);
    ck_int_eq(r.end, CS_END_HUNG);
    ck_assert_ptr_null(strstr(r.text, CS_TEXT_UNLOAD_DEADLOCK));
    r = classify_text("phase p\nexception 0xc0000005 access violation at 0x0 (unhandled)\n", 1, 0);
    ck_int_eq(r.end, CS_END_CRASHED);
    ck_assert_ptr_nonnull(strstr(r.text, "then hung while exiting"));
    r = classify_text("phase waiting\nnote " CS_NOTE_WORKER_RETURNED "\n", 1, 0);
    ck_assert_ptr_null(strstr(r.text, CS_TEXT_UNLOAD_DEADLOCK));
    ck_assert_ptr_nonnull(strstr(r.text, "waiting"));
}
END_TEST

/* The rebuilt report of a run says how it ended, from its phase file. */
static const struct phase_end { const char *text; int code; const char *says; } phase_ends[] = {
    { "phase run/type: 100 iterations\nexception 0xc0000005 access violation at 0x1 (unhandled)\n",
      CS_EXIT_CRASH, "crashed: 0xc0000005 access violation" },
    { "phase run/type: 100 iterations\n", CS_EXIT_CRASH, "ended without its end record" },
    { "phase run/type: 100 iterations\nend hung\n", CS_EXIT_HANG, "hung: a call never returned" },
    { "phase writing reports\nend interrupted\n", CS_EXIT_INTERRUPTED, "interrupted" },
    { "phase opening target\nend error\n", CS_EXIT_INTERNAL, "ended with an error" },
    /* an error end says which, by its status note, and exits as the run did */
    { "note fail-on none\nphase writing reports\nnote status could not write\nend error\n", CS_EXIT_OUTPUT,
      "ended: could not write, in phase 'writing reports'" },
    { "phase run/type: 10 iterations\nnote status call failed\nend error\n", CS_EXIT_CALL,
      "ended: call failed, in phase 'run/type: 10 iterations'" },
    { "phase writing reports\nend failed\n", CS_EXIT_OK, "" },
    { "phase writing reports\nend passed\n", CS_EXIT_OK, "" },
    { "", CS_EXIT_OK, "" },
};

START_TEST(a_rebuilt_run_says_how_it_ended)
{
    const struct phase_end *e = &phase_ends[_i];
    cs_phase_info pi;
    char text[400];

    cs_phase_parse(e->text, &pi);
    ck_int_eq(cs_phase_end_code(&pi, text, sizeof(text)), e->code);
    ck_assert_msg(strstr(text, e->says) != NULL, "case %d: '%s' lacks '%s'", _i, text, e->says);
    if (e->code == CS_EXIT_OK)
        ck_assert_str_eq(text, "");
}
END_TEST

/* The phase file's edges: a line longer than its field is cut, trailing
 * blanks and CR dropped, notes past 1 KB cut off, a second
 * exception line does not replace the first. */
START_TEST(phase_lines_at_their_edges)
{
    char text[4096];
    cs_phase_info pi;
    size_t k = 0;
    int i;

    k += (size_t)snprintf(text + k, sizeof(text) - k, "phase ");
    memset(text + k, 'p', 300);
    k += 300;
    k += (size_t)snprintf(text + k, sizeof(text) - k, "\nsummary s  \r\n");
    for (i = 0; i < 200; i++)
        k += (size_t)snprintf(text + k, sizeof(text) - k, "note n%03d\n", i);
    snprintf(text + k, sizeof(text) - k, "exception 0xc0000005 first\nexception 0xc00000fd second\n");
    cs_phase_parse(text, &pi);
    ck_int_eq(strlen(pi.phase), sizeof(pi.phase) - 1);
    ck_assert_str_eq(pi.summary, "s");
    ck_int_eq(strlen(pi.notes) < sizeof(pi.notes), 1);
    ck_assert_msg(!strncmp(pi.notes, "n000; n001", 10), "%s", pi.notes);
    ck_assert_ptr_null(strstr(pi.notes, "n199"));
    ck_int_eq(pi.exception_code, 0xc0000005);
    ck_assert_str_eq(pi.exception, "0xc0000005 first");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(exception_names), CS_TEST(parse_phase_file), CS_TEST(classify_ends),
        CS_TEST(classify_hangs), CS_TEST(each_end_has_its_exact_text), CS_TEST(phase_lines_at_their_edges),
        NULL
    };

    Suite *s = suite_create("ends");
    TCase *tc = tcase_create("rebuilt");
    int rc;

    tcase_add_loop_test(tc, a_rebuilt_run_says_how_it_ended, 0, sizeof(phase_ends) / sizeof(phase_ends[0]));
    suite_add_tcase(s, tc);
    rc = cs_run_suite(s);
    return cs_run_tests("ends", NULL, NULL, tests) || rc;
}
