/* Suite "report_hostile": `comstress report` on hostile samples.csv text,
 * through the pure core it runs on (reader, rebuild, writers): numbers at
 * and beyond the ends of the double range, non-finite text, garbage,
 * NUL bytes, truncated and very long lines, thousands of runs. Each case
 * ends with a report or a clear reason, never a hang (the suite's CTest
 * timeout is short for that reason). */
#include "cs_unit.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_entries.h"
#include "rebuild.h"
#include "judge.h"
#include "report_csv.h"
#include "report_junit.h"
#include "report_svg.h"
#include "report_util.h"

#define HDR "run,iteration,heap_bytes\n"

/* Reads text[0..len) as samples.csv (len 0: strlen). Returns the reader's
 * result. */
static int read_text(const char *text, size_t len, cs_csv_data *d, char *err, size_t errlen)
{
    FILE *f = fopen("hostile.csv", "wb");
    int rc;

    ck_assert_ptr_nonnull(f);
    len = len ? len : strlen(text);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    rc = cs_csv_read("hostile.csv", d, err, errlen);
    return rc;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    while ((hay = strstr(hay, needle))) {
        n++;
        hay += strlen(needle);
    }
    return n;
}

/* ---- the reader: what is read, what is skipped and why ---- */

typedef struct csv_case {
    const char *what;
    const char *text;
    size_t len;              /* 0: strlen(text) */
    size_t samples;          /* read, over every run */
    size_t skipped;
    size_t first_line;       /* of the first skipped row, 0: none */
    const char *why;         /* in first_skipped_why, NULL: none */
} csv_case;

static const csv_case csv_cases[] = {
    { "1e308 and -1e308 are doubles and read as such",
      HDR "r,0,1e308\nr,100,-1e308\n", 0, 2, 0, 0, NULL },
    { "a subnormal 1e-320 reads as the nearest double",
      HDR "r,0,1e-320\nr,100,5e-324\n", 0, 2, 0, 0, NULL },
    { "1e999 is refused as outside the range of a double",
      HDR "r,0,1\nr,100,1e999\n", 0, 1, 1, 3, "heap_bytes '1e999' is outside the range of a double" },
    { "-1e999 likewise",
      HDR "r,0,-1e999\n", 0, 0, 1, 2, "heap_bytes '-1e999' is outside the range of a double" },
    { "inf is refused as not finite",
      HDR "r,0,inf\nr,100,2\n", 0, 1, 1, 2, "heap_bytes 'inf' is not a finite number" },
    { "nan is refused as not finite (not measured is an empty field)",
      HDR "r,0,nan\n", 0, 0, 1, 2, "heap_bytes 'nan' is not a finite number" },
    { "-infinity in elapsed_s is refused",
      "run,iteration,elapsed_s\nr,0,-infinity\n", 0, 0, 1, 2, "elapsed_s '-infinity' is not a finite number" },
    { "a word is not a number",
      HDR "r,0,12kb\n", 0, 0, 1, 2, "heap_bytes '12kb' is not a number" },
    { "a negative iteration is refused",
      HDR "r,-5,1\n", 0, 0, 1, 2, "iteration '-5' is not a whole number from 0 up" },
    { "an iteration beyond 64 bits is refused",
      HDR "r,99999999999999999999,1\n", 0, 0, 1, 2, "iteration '99999999999999999999' is not" },
    { "a NUL byte spoils its own line only",
      HDR "r,0,1\0junk\nr,100,2\n", sizeof(HDR "r,0,1\0junk\nr,100,2\n") - 1, 1, 1, 2, "holds a NUL byte" },
    { "a row with too few fields",
      HDR "r,0,1\nr,100\n", 0, 1, 1, 3, "2 fields where the header has 3" },
    { "an unclosed quote",
      HDR "\"r,0,1\n", 0, 0, 1, 2, "malformed quotes" },
    { "a last row cut short by a crash",
      HDR "r,0,1\nr,100,2\nr,200", 0, 2, 1, 4, "cut short (no newline at the end)" },
    { "a long field is quoted short in the reason",
      HDR "r,0,1234567890123456789012345678901234567890123456789012345678901234567890x\n", 0, 0, 1, 2,
      "heap_bytes '123456789012345678901234567890123456..." },
    { "blank lines are neither rows nor skipped",
      HDR "\n\r\nr,0,1\n\n", 0, 1, 0, 0, NULL },
};

START_TEST(reader_reads_or_names_the_first_bad_row)
{
    size_t i, r, samples;
    char err[256];
    cs_csv_data d;

    for (i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
        const csv_case *c = &csv_cases[i];

        ck_assert_msg(read_text(c->text, c->len, &d, err, sizeof(err)) == 0, "%s: %s", c->what, err);
        for (r = samples = 0; r < d.nruns; r++)
            samples += d.runs[r].n;
        ck_assert_msg(samples == c->samples, "%s: %lu samples, expected %lu", c->what,
                      (unsigned long)samples, (unsigned long)c->samples);
        ck_assert_msg(d.skipped == c->skipped, "%s: %lu skipped, expected %lu", c->what,
                      (unsigned long)d.skipped, (unsigned long)c->skipped);
        ck_assert_msg(d.first_skipped_line == c->first_line, "%s: first skipped line %lu, expected %lu",
                      c->what, (unsigned long)d.first_skipped_line, (unsigned long)c->first_line);
        if (c->why)
            ck_assert_msg(strstr(d.first_skipped_why, c->why), "%s: reason '%s'", c->what, d.first_skipped_why);
        else
            ck_assert_msg(!d.first_skipped_why[0], "%s: reason '%s'", c->what, d.first_skipped_why);
        cs_csv_free(&d);
    }
}
END_TEST

START_TEST(extreme_values_are_kept_exactly)
{
    cs_csv_data d;
    char err[256];

    ck_assert_int_eq(read_text(HDR "r,0,1e308\nr,100,-1e308\nr,200,1e-320\n", 0, &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, 1);
    ck_assert_uint_eq(d.runs[0].n, 3);
    ck_assert(d.runs[0].samples[0].v[CS_M_HEAP_BYTES] == 1e308);
    ck_assert(d.runs[0].samples[1].v[CS_M_HEAP_BYTES] == -1e308);
    ck_assert(d.runs[0].samples[2].v[CS_M_HEAP_BYTES] == strtod("1e-320", NULL));
    ck_assert(d.runs[0].samples[2].v[CS_M_HEAP_BYTES] > 0);
    cs_csv_free(&d);
}
END_TEST

START_TEST(garbage_and_empty_files_are_refused_with_the_file_named)
{
    static const char garbage[] = "\xff\xfe\0\x01garbage,\"\n\x7f";
    cs_csv_data d;
    char err[256];

    ck_assert_int_eq(read_text(garbage, sizeof(garbage) - 1, &d, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "hostile.csv: no header row"), "%s", err);
    cs_csv_free(&d);
    ck_assert_int_eq(read_text("", 0, &d, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "hostile.csv: no header row"), "%s", err);
    ck_assert_uint_eq(d.nruns, 0);
    cs_csv_free(&d);
}
END_TEST

/* A line past CS_CSV_MAX_LINE is skipped (and not kept in memory); the
 * rows after it are read. */
START_TEST(an_overlong_line_is_skipped_and_reading_goes_on)
{
    size_t hdr = strlen(HDR), big = CS_CSV_MAX_LINE + 100;
    char *text = malloc(hdr + big + 32), err[256];
    cs_csv_data d;

    ck_assert_ptr_nonnull(text);
    memcpy(text, HDR, hdr);
    memset(text + hdr, '7', big);
    strcpy(text + hdr + big, "\nr,0,1\n");
    ck_assert_int_eq(read_text(text, 0, &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, 1);
    ck_assert_uint_eq(d.runs[0].n, 1);
    ck_assert_uint_eq(d.skipped, 1);
    ck_assert_uint_eq(d.first_skipped_line, 2);
    ck_assert_str_eq(d.first_skipped_why, "longer than the longest line read");
    cs_csv_free(&d);
    free(text);
}
END_TEST

/* Reading is bounded: a line of NUL bytes past any length a row has (a
 * device such as /dev/zero gives no end) stops reading at once -- as the
 * header, the file is refused; after rows, the rows before it are kept
 * and what follows is never read. */
START_TEST(a_line_of_nul_bytes_past_any_row_length_stops_reading)
{
    size_t hdr = strlen(HDR), big = CS_CSV_MAX_LINE + 100, row = strlen("r,0,1\n");
    char *text = calloc(1, hdr + row + big + 32), err[256];
    cs_csv_data d;

    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(read_text(text, big, &d, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "hostile.csv: not a text file"), "%s", err);
    cs_csv_free(&d);
    memcpy(text, HDR, hdr);
    memcpy(text + hdr, "r,0,1\n", row);
    strcpy(text + hdr + row + big, "\nr,10,2\n");             /* never reached */
    ck_assert_int_eq(read_text(text, hdr + row + big + strlen("\nr,10,2\n"), &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, 1);
    ck_assert_uint_eq(d.runs[0].n, 1);
    ck_assert_uint_eq(d.skipped, 1);
    ck_assert_uint_eq(d.first_skipped_line, 3);
    ck_assert_str_eq(d.first_skipped_why, "NUL bytes past any length a row has: reading stopped there");
    cs_csv_free(&d);
    free(text);
}
END_TEST

/* 5,000 runs, interleaved three rows each: every run read whole and
 * found by its name through the index (which holds every run). Time is
 * not asserted; the index is what keeps it linear. */
START_TEST(five_thousand_runs_are_each_found)
{
    enum { RUNS = 5000, ROWS = 3 };
    size_t cap = RUNS * ROWS * 40 + 64, len, i, k;
    char *text = malloc(cap), err[256], name[32];
    const cs_csv_run *cr;
    cs_csv_data d;

    ck_assert_ptr_nonnull(text);
    len = (size_t)sprintf(text, HDR);
    for (k = 0; k < ROWS; k++)
        for (i = 0; i < RUNS; i++)
            len += (size_t)sprintf(text + len, "compare/p%lu,%lu,%lu\n", (unsigned long)i,
                                       (unsigned long)(k * 100), (unsigned long)(i * 10 + k));
    ck_assert_int_eq(read_text(text, len, &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, RUNS);
    ck_assert_uint_eq(d.skipped, 0);
    ck_assert_uint_ge(d.index_cap, 2 * RUNS);
    ck_assert_uint_eq(d.index_cap & (d.index_cap - 1), 0);     /* a power of two */
    for (i = 0; i < RUNS; i++) {
        snprintf(name, sizeof(name), "compare/p%lu", (unsigned long)i);
        cr = cs_csv_find(&d, name);
        ck_assert_msg(cr == &d.runs[i], "%s not found in place", name);
        ck_assert_uint_eq(cr->n, ROWS);
        for (k = 0; k < ROWS; k++) {
            ck_assert_int_eq(cr->samples[k].iteration, (long long)(k * 100));
            ck_assert(cr->samples[k].v[CS_M_HEAP_BYTES] == (double)(i * 10 + k));
        }
    }
    ck_assert_ptr_null(cs_csv_find(&d, "compare/p5000"));
    ck_assert_ptr_null(cs_csv_find(&d, ""));
    cs_csv_free(&d);
    free(text);
}
END_TEST

/* ---- the chart: samples.csv -> rebuilt runs -> memory.svg ---- */

typedef struct svg_case {
    const char *what;
    const char *text;
    const char *has;         /* in the SVG, NULL: nothing asked */
    size_t polylines;
} svg_case;

static const svg_case svg_cases[] = {
    { "1e308 and -1e308: a span beyond the largest double",
      HDR "r,0,1e308\nr,100,-1e308\nr,200,1e308\nr,300,-1e308\n", "e+307 B", 1 },
    { "a constant 1e300: a width lost in rounding",
      HDR "r,0,1e300\nr,100,1e300\nr,200,1e300\n", "e+300 B", 1 },
    { "the largest double itself",
      HDR "r,0,1.7976931348623157e308\nr,100,1.7976931348623157e308\n", "e+308 B", 1 },
    { "subnormals",
      HDR "r,0,5e-324\nr,100,1e-320\nr,200,0\n", "0 B", 1 },
    { "iterations near 2^63",
      HDR "r,0,1\nr,9000000000000000000,2\n", ">8e+18<", 1 },
    { "two runs far apart in size",
      HDR "a,0,1e-300\nb,0,1e300\na,100,2e-300\nb,100,-1e300\n", NULL, 2 },
};

START_TEST(chart_of_extreme_values_is_bounded_and_finite)
{
    size_t i, r;
    char err[256], *svg;
    cs_chart_run charts[2];
    cs_run runs[2];
    cs_csv_data d;

    for (i = 0; i < sizeof(svg_cases) / sizeof(svg_cases[0]); i++) {
        const svg_case *c = &svg_cases[i];
        const char *problem;

        ck_assert_msg(read_text(c->text, 0, &d, err, sizeof(err)) == 0, "%s: %s", c->what, err);
        ck_assert_msg(d.nruns >= 1 && d.nruns <= 2 && !d.skipped, "%s: read %lu runs, skipped %lu",
                      c->what, (unsigned long)d.nruns, (unsigned long)d.skipped);
        for (r = 0; r < d.nruns; r++) {
            cs_run_from_csv(&d.runs[r], &runs[r]);
            charts[r].run = &runs[r];
            charts[r].samples = d.runs[r].samples;
            charts[r].n = d.runs[r].n;
        }
        ck_assert_msg(cs_svg_write_path("hostile.svg", charts, d.nruns, err, sizeof(err)) == 0,
                      "%s: %s", c->what, err);
        svg = cs_read_file("hostile.svg");
        ck_assert_ptr_nonnull(svg);
        problem = cs_fuzz_check_svg(svg);
        ck_assert_msg(!problem, "%s: %s", c->what, problem);
        ck_assert_msg(strlen(svg) < 16384, "%s: %lu bytes of SVG", c->what, (unsigned long)strlen(svg));
        ck_assert_msg(count(svg, "<polyline") == c->polylines, "%s: %lu lines", c->what,
                      (unsigned long)count(svg, "<polyline"));
        ck_assert_msg(count(svg, "stroke=\"#ddd\"") >= 2, "%s: fewer than two grid lines", c->what);
        ck_assert_msg(!c->has || strstr(svg, c->has), "%s: no '%s' in the SVG", c->what, c->has);
        free(svg);
        cs_csv_free(&d);
    }
}
END_TEST

/* ---- figures too large to print in full ---- */

START_TEST(huge_figures_print_short)
{
    char buf[32], line[256];
    cs_verdict v;

    ck_assert_str_eq(cs_format_bytes(1e308, buf, sizeof(buf)), "1e+308 B");
    ck_assert_str_eq(cs_format_bytes(-1e308, buf, sizeof(buf)), "-1e+308 B");
    ck_assert_str_eq(cs_format_bytes(5.0 * 1099511627776.0, buf, sizeof(buf)), "5.00 TB");
    ck_assert_str_eq(cs_format_figure(1e306, buf, sizeof(buf)), "1e+306");
    ck_assert_str_eq(cs_format_figure(-2.5e20, buf, sizeof(buf)), "-2.5e+20");
    ck_assert_str_eq(cs_format_figure(24.0, buf, sizeof(buf)), "24.00");
    ck_assert_str_eq(cs_format_count(9e18, buf, sizeof(buf)), "9e+18");
    ck_assert_str_eq(cs_format_count(12000, buf, sizeof(buf)), "12000");
    ck_assert_str_eq(cs_format_count(INFINITY, buf, sizeof(buf)), "n/a");
    memset(&v, 0, sizeof(v));
    v.metric = CS_M_HEAP_BYTES;
    v.kind = CS_V_LEAK;
    v.per_iteration = 1e306;
    v.ci_low = -DBL_MAX;
    v.ci_high = NAN;
    ck_assert_str_eq(cs_verdict_line(&v, line, sizeof(line)),
                     "heap_bytes: leak 1e+306 bytes/iteration, 95% CI [-1.8e+308, n/a]");
}
END_TEST

/* ---- runs rebuilt from corrupt figures ---- */

static cs_sample rebuilt_samples[2];

/* Two samples of one run: iterations a then b, live objects and cache
 * bytes as given (the rest not measured). */
static cs_csv_run two_samples(long long a, long long b, double live, double cache_bytes)
{
    cs_csv_run cr = { "compare/type", rebuilt_samples, 2, 2 };
    int i;

    for (i = 0; i < 2; i++) {
        cs_sample_clear(&rebuilt_samples[i]);
        rebuilt_samples[i].iteration = i ? b : a;
        rebuilt_samples[i].v[CS_M_LIVE_OBJECTS] = live;
        rebuilt_samples[i].v[CS_M_CACHE_BYTES] = cache_bytes;
    }
    return cr;
}

START_TEST(rebuilt_counters_stay_in_range)
{
    cs_csv_run cr = two_samples(LLONG_MIN, LLONG_MAX, 1e308, -5);
    cs_run r;

    cs_run_from_csv(&cr, &r);
    ck_assert_str_eq(r.cache, "type");
    ck_assert_int_eq(r.iterations, LLONG_MAX);
    ck_assert_int_eq(r.sample_every_end, LLONG_MAX);   /* the true step does not fit */
    ck_assert_int_eq(r.live_objects_end, LONG_MAX);    /* clamped, not converted */
    ck_assert_int_eq(r.cache_bytes_end, -1);           /* a negative count: not measured */
    ck_assert_int_eq(r.cache_entries_end, -1);         /* never measured */
    ck_assert_uint_eq(r.fail_on, CS_FAIL_DEFAULT);
    cr = two_samples(500, 100, 3.9, 1e19);              /* iterations going backwards */
    cs_run_from_csv(&cr, &r);
    ck_assert_int_eq(r.sample_every_end, 0);
    ck_assert_int_eq(r.live_objects_end, 3);
    ck_assert_int_eq(r.cache_bytes_end, LLONG_MAX);
}
END_TEST

START_TEST(a_run_without_samples_is_rebuilt_empty)
{
    cs_csv_run cr = { "run", NULL, 0, 0 };
    cs_judgement j;
    cs_run r;

    cs_run_from_csv(&cr, &r);
    ck_assert_str_eq(r.name, "run");
    ck_assert_ptr_null(r.cache);
    ck_assert_uint_eq(r.nverdicts, 0);
    ck_assert_uint_eq(r.samples, 0);
    ck_assert_int_eq(r.live_objects_end, -1);
    ck_assert(isnan(r.seconds) && isnan(r.heap_bytes_per_iteration));
    ck_assert_int_eq(cs_judge(&r, r.fail_on, &j), 0);
}
END_TEST

/* The judge on a rebuilt run, as `report` uses it for its exit code: a
 * heap leak gates under the default gate; a working-set leak only at
 * leak-any. */
START_TEST(rebuilt_verdicts_say_whether_they_gate)
{
    cs_sample s[100];
    cs_csv_run cr = { "run", s, 100, 100 };
    cs_judgement j;
    cs_run r;
    int i;

    for (i = 0; i < 100; i++) {
        cs_sample_clear(&s[i]);
        s[i].iteration = i * 100;
        s[i].v[CS_M_HEAP_BYTES] = 3e6 + 24.0 * i * 100;
    }
    cs_run_from_csv(&cr, &r);
    ck_assert_int_eq(r.verdicts[0].kind, CS_V_LEAK);
    ck_assert_int_eq(cs_judge(&r, r.fail_on, &j), 1);
    ck_assert_int_eq(cs_judge(&r, CS_FAIL_RELEASE, &j), 0);   /* --fail-on none */
    for (i = 0; i < 100; i++) {
        s[i].v[CS_M_HEAP_BYTES] = 3e6;
        s[i].v[CS_M_WORKING_SET] = 40e6 + 4096.0 * (24 * i * 100 / 4096);
    }
    cs_run_from_csv(&cr, &r);
    ck_assert_int_eq(r.verdicts[1].kind, CS_V_LEAK);
    ck_int_eq(r.verdicts[1].metric, CS_M_WORKING_SET);
    ck_assert_int_eq(cs_judge(&r, r.fail_on, &j), 0);
    ck_assert_int_eq(cs_judge(&r, CS_FAIL_ALL, &j), 1);       /* --fail-on leak-any */
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(reader_reads_or_names_the_first_bad_row),
        CS_TEST(extreme_values_are_kept_exactly),
        CS_TEST(garbage_and_empty_files_are_refused_with_the_file_named),
        CS_TEST(an_overlong_line_is_skipped_and_reading_goes_on),
        CS_TEST(a_line_of_nul_bytes_past_any_row_length_stops_reading),
        CS_TEST(five_thousand_runs_are_each_found),
        CS_TEST(chart_of_extreme_values_is_bounded_and_finite),
        CS_TEST(huge_figures_print_short),
        CS_TEST(rebuilt_counters_stay_in_range),
        CS_TEST(a_run_without_samples_is_rebuilt_empty),
        CS_TEST(rebuilt_verdicts_say_whether_they_gate),
        NULL
    };

    return cs_run_tests("report_hostile", NULL, NULL, tests);
}
