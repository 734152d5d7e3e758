/* Suite "progress": --duration values (core/options/duration.c) and the
 * progress line of a long run (core/report/progress.c). */
#include "cs_unit.h"
#include <math.h>
#include <string.h>
#include "duration.h"
#include "progress.h"

static char err[256], buf[256];

static double parsed(const char *text)
{
    double s = -1;

    ck_assert_msg(cs_duration_parse(text, &s, err, sizeof(err)) == 0, "'%s' refused: %s", text, err);
    return s;
}

static void refused(const char *text, const char *line)
{
    double s = 42;

    ck_assert_int_eq(cs_duration_parse(text, &s, err, sizeof(err)), -1);
    ck_assert_str_eq(err, line);
    ck_assert(s == 0);
}

START_TEST(durations_take_seconds_minutes_hours_and_days)
{
    ck_assert(parsed("90") == 90);
    ck_assert(parsed("30s") == 30);
    ck_assert(parsed("10m") == 600);
    ck_assert(parsed("1.5m") == 90);
    ck_assert(parsed("8h") == 28800);
    ck_assert(parsed("1d") == 86400);
    ck_assert(parsed("30d") == CS_MAX_DURATION_S);
    ck_assert(parsed("0.5s") == 0.5);
}
END_TEST

START_TEST(a_bad_duration_is_one_line_naming_the_value)
{
    refused("5x", "--duration: '5x' has a unit that is not s, m, h or d");
    refused("5sec", "--duration: '5sec' has a unit that is not s, m, h or d");
    refused("0", "--duration: '0' is not above zero");
    refused("0s", "--duration: '0s' is not above zero");
    refused("-5s", "--duration: '-5s' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    refused("s", "--duration: 's' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    refused("", "--duration: '' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    refused(" 5s", "--duration: ' 5s' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    refused("inf", "--duration: 'inf' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    refused("30.0001d", "--duration: '30.0001d' is longer than 30 days");
}
END_TEST

START_TEST(clock_times_have_hours_only_when_needed)
{
    ck_assert_str_eq(cs_format_clock(0, buf, sizeof(buf)), "0:00");
    ck_assert_str_eq(cs_format_clock(59.4, buf, sizeof(buf)), "0:59");
    ck_assert_str_eq(cs_format_clock(59.5, buf, sizeof(buf)), "1:00");
    ck_assert_str_eq(cs_format_clock(3599, buf, sizeof(buf)), "59:59");
    ck_assert_str_eq(cs_format_clock(3600, buf, sizeof(buf)), "1:00:00");
    ck_assert_str_eq(cs_format_clock(28800 + 62, buf, sizeof(buf)), "8:01:02");
    ck_assert_str_eq(cs_format_clock(-1, buf, sizeof(buf)), "-");
    ck_assert_str_eq(cs_format_clock(NAN, buf, sizeof(buf)), "-");
}
END_TEST

START_TEST(a_counted_run_says_how_far_how_fast_and_the_time_left)
{
    cs_progress p = { .name = "run/type", .done = 120000, .total = 1000000, .elapsed_s = 12,
                      .calls_per_second = 95000, .heap_bytes = 1.2 * 1048576 };

    ck_assert_str_eq(cs_progress_line(&p, buf, sizeof(buf)),
                     "progress: run/type, 120000/1000000 iterations (12%), 95000 calls/s, heap 1.20 MB, "
                     "0:12 elapsed, 1:28 left");
}
END_TEST

START_TEST(a_soak_run_says_its_time_against_the_duration)
{
    cs_progress p = { .done = 120000, .elapsed_s = 12, .duration_s = 600,
                      .calls_per_second = NAN, .heap_bytes = NAN };

    ck_assert_str_eq(cs_progress_line(&p, buf, sizeof(buf)),
                     "progress: 120000 iterations, 0:12 of 10:00 (2%), 9:48 left");
    p.elapsed_s = 601;
    ck_assert_str_eq(cs_progress_line(&p, buf, sizeof(buf)),
                     "progress: 120000 iterations, 10:01 of 10:00 (100%), 0:00 left");
}
END_TEST

START_TEST(before_the_first_iteration_the_time_left_is_not_guessed)
{
    cs_progress p = { .done = 0, .total = 1000, .elapsed_s = 0.5,
                      .calls_per_second = NAN, .heap_bytes = NAN };

    ck_assert_str_eq(cs_progress_line(&p, buf, sizeof(buf)),
                     "progress: 0/1000 iterations (0%), 0:01 elapsed");
}
END_TEST

START_TEST(a_short_buffer_is_cut_not_overrun)
{
    cs_progress p = { .done = 120000, .total = 1000000, .elapsed_s = 12,
                      .calls_per_second = 95000, .heap_bytes = 1e6 };
    char small[24];

    memset(small, 'x', sizeof(small));
    cs_progress_line(&p, small, 20);
    ck_assert_uint_eq(strlen(small), 19);
    ck_assert_int_eq(small[20], 'x');
}
END_TEST

START_TEST(progress_lines_are_paced_for_a_terminal_and_for_a_log)
{
    ck_assert(cs_progress_due(0.1, -1, 1, 10));
    ck_assert(!cs_progress_due(0.1, -1, 0, 10));
    ck_assert(cs_progress_due(10, -1, 0, 10));
    ck_assert(!cs_progress_due(1.2, 1.0, 1, 10));
    ck_assert(cs_progress_due(1.25, 1.0, 1, 10));
    ck_assert(!cs_progress_due(19.9, 10, 0, 10));
    ck_assert(cs_progress_due(20, 10, 0, 10));
    ck_assert(cs_progress_due(3, 2, 0, 1));
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(durations_take_seconds_minutes_hours_and_days),
        CS_TEST(a_bad_duration_is_one_line_naming_the_value),
        CS_TEST(clock_times_have_hours_only_when_needed),
        CS_TEST(a_counted_run_says_how_far_how_fast_and_the_time_left),
        CS_TEST(a_soak_run_says_its_time_against_the_duration),
        CS_TEST(before_the_first_iteration_the_time_left_is_not_guessed),
        CS_TEST(a_short_buffer_is_cut_not_overrun),
        CS_TEST(progress_lines_are_paced_for_a_terminal_and_for_a_log), NULL
    };

    return cs_run_tests("progress", NULL, NULL, tests);
}
