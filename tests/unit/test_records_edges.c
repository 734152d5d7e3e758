/*
 * Suite "records_edges": the run record (core/samples/runinfo.c) read from
 * damaged and hostile text, and written with what the first suites leave
 * out: line endings, escapes, values that are no numbers, words no status
 * or gate knows, every list at its limit, the gate of older records, and a
 * stream that cannot be written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "runinfo.h"
#include "options.h"
#include "report_csv.h"

/* The scratch file the stream tests write and read back (cs_scratch_open). */
#define SCRATCH "records_edges.scratch"

static cs_runinfo ri;

static void teardown(void)
{
    cs_runinfo_free(&ri);
}

/* The one record named name in text. */
static const cs_run *only(const char *text, const char *name)
{
    const cs_run *r;

    ck_int_eq(cs_runinfo_parse(text, &ri), 0);
    r = cs_runinfo_find(&ri, name);
    ck_assert_ptr_nonnull(r);
    return r;
}

START_TEST(crlf_lines_escapes_and_lines_outside_a_record_are_read_as_meant)
{
    const cs_run *r = only("target Lost\r\n"              /* before any record: skipped */
                           "run a\r\n"
                           "target T\\tX\r\n"
                           "calls A\\rB\\\\C\\q\\\r\n"     /* \q is q; a lone last backslash stays */
                           "nospace\r\n"
                           "error line1\\nline2\r\n"
                           "end\r\n"
                           "calls after the end\r\n", "a");

    ck_int_eq(ri.n, 1);
    ck_assert_str_eq(r->name, "a");
    ck_assert_str_eq(r->target, "T\tX");
    ck_assert_str_eq(r->calls, "A\rB\\Cq\\");
    ck_assert_str_eq(r->error, "line1\nline2");
    ck_assert_ptr_null(cs_runinfo_find(&ri, "b"));
}
END_TEST

START_TEST(numbers_that_do_not_parse_keep_their_defaults)
{
    const cs_run *r = only("run a\n"
                           "threads 3x\n"
                           "iterations zzz\n"
                           "binds 99999999999999999999999\n"
                           "can_unload\n"              /* no space: no value, skipped */
                           "unloaded \n"
                           "server_foreign yes\n"
                           "outstanding_refs 4\n"
                           "regressions -\n"
                           "seconds 1.5\n"
                           "loop_seconds x\n"
                           "end\n", "a");

    ck_int_eq(r->threads, 3);
    ck_int_eq(r->iterations, -1);
    ck_int_eq(r->binds, -1);
    ck_int_eq(r->release.can_unload, -1);
    ck_int_eq(r->release.unloaded, -1);
    ck_int_eq(r->release.foreign, 0);
    ck_int_eq(r->release.outstanding_refs, 4);
    ck_int_eq(r->regressions, 0);
    ck_assert(r->seconds == 1.5);
    ck_assert(r->loop_seconds == 0);            /* strtod of no number */
    ck_assert(isnan(r->calls_per_second));
    ck_assert(isnan(r->sampling_seconds));
}
END_TEST

START_TEST(a_status_word_unknown_here_reads_as_an_internal_error)
{
    ck_int_eq(cs_runinfo_parse("run a\nstatus crashed\nend\nrun b\nstatus exploded\nend\n"
                               "run c\nstatus completed\nend\n", &ri), 0);
    ck_int_eq(cs_runinfo_find(&ri, "a")->status, CS_ST_CRASHED);
    ck_int_eq(cs_runinfo_find(&ri, "b")->status, CS_ST_INTERNAL);
    ck_int_eq(cs_runinfo_find(&ri, "c")->status, CS_ST_COMPLETED);
}
END_TEST

START_TEST(an_older_records_gate_level_gives_the_whole_gate_and_a_whole_gate_wins)
{
    ck_int_eq(cs_runinfo_parse("run l0\ngate 0\nend\n"
                               "run l1\ngate 1\nend\n"
                               "run l2\ngate 2\nend\n"
                               "run l3\ngate 3\nend\n"                 /* no level: 1 */
                               "run slash\ngate /\nend\n"
                               "run empty\ngate \nend\n"
                               "run whole\nfail_on refs\ngate 2\nend\n"
                               "run bad\nfail_on memory\nend\n", &ri), 0);
    ck_int_eq(cs_runinfo_find(&ri, "l0")->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION);
    ck_int_eq(cs_runinfo_find(&ri, "l1")->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK);
    ck_int_eq(cs_runinfo_find(&ri, "l2")->fail_on,
              CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK | CS_FAIL_LEAK_ANY);
    ck_int_eq(cs_runinfo_find(&ri, "l3")->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK);
    ck_int_eq(cs_runinfo_find(&ri, "slash")->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK);
    ck_int_eq(cs_runinfo_find(&ri, "empty")->fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION | CS_FAIL_LEAK);
    ck_int_eq(cs_runinfo_find(&ri, "whole")->fail_on, CS_FAIL_REFS);
    ck_int_eq(cs_runinfo_find(&ri, "bad")->fail_on, 0);
}
END_TEST

/* "fail_on" followed by n times "refs," and then last. */
static const char *gate_record(char *text, size_t size, int n, const char *last)
{
    size_t used = (size_t)snprintf(text, size, "run a\nfail_on ");

    while (n-- > 0)
        used += (size_t)snprintf(text + used, size - used, "refs,");
    snprintf(text + used, size - used, "%s\nend\n", last);
    return text;
}

START_TEST(a_gate_longer_than_any_list_of_words_is_read_as_none)
{
    char text[400];

    /* 127 bytes: the longest gate read */
    ck_int_eq(only(gate_record(text, sizeof(text), 24, "objects"), "a")->fail_on, CS_FAIL_REFS | CS_FAIL_OBJECTS);
    cs_runinfo_free(&ri);
    /* 128 bytes of words that would parse: too long, no gate */
    ck_int_eq(only(gate_record(text, sizeof(text), 23, "unload,blocks"), "a")->fail_on, 0);
}
END_TEST

START_TEST(findings_past_sixteen_and_categories_before_a_finding_are_dropped)
{
    char text[4096];
    size_t used, i;
    const cs_run *r;

    used = (size_t)snprintf(text, sizeof(text), "run a\nfinding_category refs\nfindings_dropped blocks,refs,leak\n");
    for (i = 0; i < 17; i++)          /* the 17th, dropped, with a category of its own */
        used += (size_t)snprintf(text + used, sizeof(text) - used, "finding f%zu\nfinding_category %s\n", i,
                                 i == 3 ? "leak" : i == 16 ? "refs" : "objects");
    snprintf(text + used, sizeof(text) - used, "end\n");
    r = only(text, "a");
    ck_int_eq(r->release.nfindings, CS_MAX_FINDINGS);
    ck_assert_str_eq(r->release.findings[0], "f0");
    ck_assert_str_eq(r->release.findings[15], "f15");
    ck_int_eq(r->release.categories[0], CS_FAIL_OBJECTS);
    /* a list naming no release category reads as all of them (as --fail-on reads it) */
    ck_int_eq(r->release.categories[3], CS_FAIL_RELEASE);
    ck_int_eq(r->release.categories[15], CS_FAIL_OBJECTS);   /* not the dropped 17th's refs */
    ck_int_eq(r->release.dropped, CS_FAIL_BLOCKS | CS_FAIL_REFS);
    ck_int_eq(r->release.measured, 1);
}
END_TEST

START_TEST(changes_past_sixteen_are_dropped_and_the_count_is_kept)
{
    char text[4096];
    size_t used, i;
    const cs_run *r;

    used = (size_t)snprintf(text, sizeof(text), "run a\nbaseline Z:\\\\old\n");
    for (i = 0; i < 18; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s c%zu\n", i % 2 ? "fixed" : "regression", i);
    snprintf(text + used, sizeof(text) - used, "regressions 9\nend\n");
    r = only(text, "a");
    ck_assert_str_eq(r->baseline, "Z:\\old");
    ck_int_eq(r->nchanges, CS_MAX_CHANGES);
    ck_assert_str_eq(r->changes[0], "c0");
    ck_int_eq(r->change_regression[0], 1);
    ck_assert_str_eq(r->changes[15], "c15");
    ck_int_eq(r->change_regression[15], 0);
    ck_int_eq(r->regressions, 9);
}
END_TEST

START_TEST(allocation_sites_fill_to_their_limits_and_skip_what_has_no_site)
{
    char text[8192];
    size_t used, i;
    const cs_run *r;
    const cs_alloc_site *a;

    used = (size_t)snprintf(text, sizeof(text),
                            "run a\nalloc_blocks 3\nall 1\nallocations 9\n"       /* no site yet: skipped */
                            "alloc leak\nalloc_allocator heap\nalloc_call Add(1)\nalloc_bytes 12.5\n"
                            "alloc_blocks 2\nalloc_bytes_per_iteration 0.5\nalloc_blocks_per_iteration 0.25\n"
                            "alloc_site f (a.c:1)\nalloc_unknown z\n"
                            "alloc_raw 1 0x1a2b C:\\\\x.dll\nalloc_raw \nalloc_raw 0 ff\n");
    for (i = 0; i < 9; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "alloc_frame fr%zu\nalloc_raw 1 %zx m%zu\n",
                                 i, i, i);
    for (i = 1; i < 9; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "alloc site%zu\nalloc_bytes %zu\n", i, i);
    snprintf(text + used, sizeof(text) - used, "end\n");
    r = only(text, "a");
    ck_int_eq(r->nallocs, CS_MAX_ALLOCS);
    a = &r->allocs[0];
    ck_assert_str_eq(a->cls, "leak");
    ck_assert_str_eq(a->kind, "heap");
    ck_assert_str_eq(a->call, "Add(1)");
    ck_assert(a->bytes == 12.5 && a->blocks == 2);
    ck_assert(a->bytes_per_iteration == 0.5 && a->blocks_per_iteration == 0.25);
    ck_assert_str_eq(a->site, "f (a.c:1)");
    ck_int_eq(a->nframes, CS_ALLOC_FRAMES);
    ck_assert_str_eq(a->frames[7], "fr7");
    ck_int_eq(a->nraw, CS_ALLOC_FRAMES);
    ck_int_eq(a->raw[0].traced, 1);
    ck_assert(a->raw[0].offset == 0x1a2b);
    ck_assert_str_eq(a->raw[0].path, "C:\\x.dll");
    ck_int_eq(a->raw[1].traced, 0);
    ck_assert(a->raw[1].offset == 0);
    ck_assert_str_eq(a->raw[1].path, "");
    ck_int_eq(a->raw[2].traced, 0);
    ck_assert(a->raw[2].offset == 0xff);
    ck_assert_str_eq(a->raw[2].path, "");
    ck_assert_str_eq(a->raw[7].path, "m4");
    ck_assert_str_eq(r->allocs[7].cls, "site7");
    ck_assert(r->allocs[7].bytes == 7);            /* the ninth site and its bytes: skipped */
}
END_TEST

START_TEST(merging_a_record_takes_its_status_error_and_gate)
{
    cs_run run;
    const cs_run *rec = only("run a\nstatus hung\nerror E\nfail_on refs\nseconds 2\nend\n", "a");

    memset(&run, 0, sizeof(run));
    run.status = CS_ST_COMPLETED;
    run.fail_on = CS_FAIL_DEFAULT;
    run.seconds = 7;
    cs_runinfo_merge(rec, &run);
    ck_int_eq(run.status, CS_ST_HUNG);
    ck_assert_str_eq(run.error, "E");
    ck_int_eq(run.fail_on, CS_FAIL_REFS);
    ck_assert(run.seconds == 2);
    cs_runinfo_free(&ri);
    rec = only("run a\nend\n", "a");
    run.status = CS_ST_CRASHED;
    run.seconds = 7;
    cs_runinfo_merge(rec, &run);
    ck_int_eq(run.status, CS_ST_CRASHED);          /* a record without one keeps the run's */
    ck_int_eq(run.fail_on, CS_FAIL_REFS);
    ck_assert(run.seconds == 7);
}
END_TEST

/* r written to a temporary file and read back whole (freed by the caller). */
static char *written(const cs_run *r)
{
    FILE *f = cs_scratch_open(SCRATCH);
    char *text;
    long len;

    ck_int_eq(cs_runinfo_write(f, r), 0);
    len = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)len + 1);
    ck_int_eq(fread(text, 1, (size_t)len, f), len);
    cs_scratch_close(f, SCRATCH);
    return text;
}

START_TEST(a_record_is_written_with_its_carriage_returns_escaped_and_unknown_figures_left_out)
{
    static cs_alloc_site site;
    cs_run r;
    char *text;

    memset(&r, 0, sizeof(r));
    memset(&site, 0, sizeof(site));
    r.name = "a";
    r.error = "one\rtwo";
    r.fail_on = CS_FAIL_DEFAULT;
    r.seconds = NAN;
    r.calls_per_second = INFINITY;
    r.loop_seconds = 1;
    r.sampling_seconds = NAN;
    r.release.dropped = CS_FAIL_REFS | CS_FAIL_UNLOAD;
    r.allocs = &site;
    r.nallocs = 1;
    site.bytes = NAN;
    site.blocks = 3;
    site.blocks_per_iteration = site.bytes_per_iteration = NAN;
    site.nframes = CS_ALLOC_FRAMES + 5;            /* no more than the array holds is written */
    strcpy(site.frames[CS_ALLOC_FRAMES - 1], "last");
    site.nraw = 1;
    site.raw[0].traced = 1;
    site.raw[0].offset = 0x10;
    strcpy(site.raw[0].path, "m.dll");
    text = written(&r);
    ck_assert_ptr_nonnull(strstr(text, "\nerror one\\rtwo\n"));
    ck_assert_ptr_null(strstr(text, "\nseconds "));
    ck_assert_ptr_null(strstr(text, "calls_per_second"));
    ck_assert_ptr_nonnull(strstr(text, "\nloop_seconds 1\n"));
    ck_assert_ptr_null(strstr(text, "sampling_seconds"));
    ck_assert_ptr_nonnull(strstr(text, "\nfindings_dropped refs,unload\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nallocations 1\nalloc \nalloc_blocks 3\nalloc_site \n"));
    ck_assert_ptr_nonnull(strstr(text, "\nalloc_frame last\nalloc_raw 1 0x10 m.dll\n"));
    ck_assert_ptr_null(strstr(text, "alloc_bytes"));
    cs_runinfo_parse(text, &ri);
    ck_int_eq(ri.n, 1);
    ck_assert_str_eq(ri.runs[0].error, "one\rtwo");
    ck_int_eq(ri.runs[0].allocs[0].nframes, CS_ALLOC_FRAMES);
    ck_int_eq(ri.runs[0].release.dropped, CS_FAIL_REFS | CS_FAIL_UNLOAD);
    free(text);
}
END_TEST

START_TEST(a_record_that_cannot_be_written_says_so)
{
    const char *path = "records_edges.tmp";
    FILE *f = fopen(path, "w");
    cs_run r;

    ck_assert_ptr_nonnull(f);
    fclose(f);
    f = fopen(path, "r");                           /* a stream that takes no writes */
    ck_assert_ptr_nonnull(f);
    memset(&r, 0, sizeof(r));
    r.name = "a";
    ck_int_eq(cs_runinfo_write(f, &r), -1);
    fclose(f);
    remove(path);
}
END_TEST

START_TEST(the_csv_writer_refuses_what_it_cannot_write)
{
    cs_sample smp;
    cs_csv_writer *w;
    char name[600];

    ck_assert_ptr_null(cs_csv_open("records-edges-no-such-dir/samples.csv"));
    ck_int_eq(cs_csv_close(NULL), 0);
    ck_int_eq(cs_csv_rows(NULL), 0);
    cs_sample_clear(&smp);
    ck_int_eq(cs_csv_write(NULL, "r", &smp), -1);
    ck_int_eq(cs_csv_thin(NULL, "r", 0), -1);
    w = cs_csv_open("records_edges.csv");
    ck_assert_ptr_nonnull(w);
    ck_int_eq(cs_csv_write(w, "r", NULL), -1);
    ck_int_eq(cs_csv_rows(w), 0);
    ck_int_eq(cs_csv_thin(w, "a,b", 0), -1);                  /* names are plain */
    ck_int_eq(cs_csv_thin(w, "a\"b", 0), -1);
    memset(name, 'n', 510);
    name[510] = 0;                                           /* 510 + ",": fits */
    ck_int_eq(cs_csv_thin(w, name, 0), 0);
    name[510] = 'n';
    name[511] = 0;
    ck_int_eq(cs_csv_thin(w, name, 0), -1);
    ck_int_eq(cs_csv_close(w), 0);
    remove("records_edges.csv");
}
END_TEST

START_TEST(thinning_with_walks_kept_drops_rows_without_a_heap_figure)
{
    cs_csv_writer *w = cs_csv_open("records_edges.csv");
    cs_csv_data d;
    char err[256];
    cs_sample smp;
    int i;

    ck_assert_ptr_nonnull(w);
    for (i = 0; i < 6; i++) {
        cs_sample_clear(&smp);
        smp.iteration = i;
        if (i == 3)
            smp.v[CS_M_HEAP_BYTES] = 64;      /* the one walk: kept though second */
        ck_int_eq(cs_csv_write(w, "r", &smp), 0);
        ck_int_eq(cs_csv_write(w, "other", &smp), 0);
    }
    ck_int_eq(cs_csv_thin(w, "r", 1), 4);      /* rows 0, 2, 4 and the walk at 3 */
    ck_int_eq(cs_csv_close(w), 0);
    ck_int_eq(cs_csv_read("records_edges.csv", &d, err, sizeof(err)), 0);
    ck_int_eq(cs_csv_find(&d, "r")->n, 4);
    ck_int_eq(cs_csv_find(&d, "r")->samples[2].iteration, 3);
    ck_assert(cs_csv_find(&d, "r")->samples[2].v[CS_M_HEAP_BYTES] == 64);
    ck_int_eq(cs_csv_find(&d, "r")->samples[3].iteration, 4);
    ck_int_eq(cs_csv_find(&d, "other")->n, 6);
    ck_int_eq(d.skipped, 0);
    cs_csv_free(&d);
    remove("records_edges.csv");
}
END_TEST

/* text read as a samples.csv from a stream; 0 or -1. */
static int read_text(const char *text, cs_csv_data *d, char *err, size_t errlen)
{
    FILE *f = cs_scratch_open(SCRATCH);
    int rc;

    fwrite(text, 1, strlen(text), f);
    rewind(f);
    rc = cs_csv_read_stream(f, "s.csv", d, err, errlen);
    cs_scratch_close(f, SCRATCH);
    return rc;
}

START_TEST(a_quote_closed_before_the_end_of_its_field_skips_the_row)
{
    cs_csv_data d;
    char err[256];

    ck_int_eq(read_text("run,iteration,heap_bytes\n\"a\"b,1,2\n\"a\"\"q\",2,3\n", &d, err, sizeof(err)), 0);
    ck_int_eq(d.skipped, 1);
    ck_int_eq(d.first_skipped_line, 2);
    ck_assert_str_eq(d.first_skipped_why, "malformed quotes or more than 64 fields");
    ck_int_eq(d.nruns, 1);
    ck_assert_str_eq(d.runs[0].name, "a\"q");
    ck_int_eq(d.runs[0].samples[0].iteration, 2);
    cs_csv_free(&d);
}
END_TEST

START_TEST(a_long_field_that_is_no_number_is_quoted_cut_short)
{
    cs_csv_data d;
    char err[256];

    ck_int_eq(read_text("run,iteration,heap_bytes\n"
                        "r,1,0123456789abcdefghijklmnopqrstuvwxyzABCDEF\n"
                        "r,2,0123456789abcdefghijklmnopqrstuvwxyzABC\n", &d, err, sizeof(err)), 0);
    ck_int_eq(d.skipped, 2);
    ck_int_eq(d.first_skipped_line, 2);
    ck_assert_str_eq(d.first_skipped_why, "heap_bytes '0123456789abcdefghijklmnopqrstuvwxyz...' is not a number");
    cs_csv_free(&d);
    /* 39 characters: shown whole */
    ck_int_eq(read_text("run,iteration,heap_bytes\nr,2,0123456789abcdefghijklmnopqrstuvwxyzABC\n",
                        &d, err, sizeof(err)), 0);
    ck_assert_str_eq(d.first_skipped_why, "heap_bytes '0123456789abcdefghijklmnopqrstuvwxyzABC' is not a number");
    cs_csv_free(&d);
}
END_TEST

START_TEST(a_row_holding_a_nul_byte_is_skipped_and_named)
{
    static const char text[] = "run,iteration,heap_bytes\nr,1,2\nr,2\0,3\nr,3,4\n";
    cs_csv_data d;
    char err[256];
    FILE *f = cs_scratch_open(SCRATCH);

    fwrite(text, 1, sizeof(text) - 1, f);
    rewind(f);
    ck_int_eq(cs_csv_read_stream(f, "s.csv", &d, err, sizeof(err)), 0);
    cs_scratch_close(f, SCRATCH);
    ck_int_eq(d.skipped, 1);
    ck_int_eq(d.first_skipped_line, 3);
    ck_assert_str_eq(d.first_skipped_why, "holds a NUL byte");
    ck_int_eq(cs_csv_find(&d, "r")->n, 2);
    ck_int_eq(cs_csv_find(&d, "r")->samples[1].iteration, 3);
    cs_csv_free(&d);
}
END_TEST

START_TEST(keys_one_letter_off_the_known_ones_are_skipped)
{
    const cs_run *r = only("run a\n"
                           "\n"
                           "statuz crashed\ngatz 2\nregressionz 4\nbaselinz Z:/b\nregressioz x\nfixez y\n"
                           "findinz f\nalloc_raw_x 1\nallocations 1\nalloc leak\n"
                           "alloc_allocatoX heap\nalloc_blockz 2\nalloc_bytes_per_iteratioN 1\n"
                           "alloc_blocks_per_iteratioN 1\nalloc_sitz s\nalloc_rax 1 2 m\nalloc_framX f\n"
                           "end\n", "a");

    ck_int_eq(r->status, CS_ST_COMPLETED);
    ck_int_eq(r->fail_on, 0);
    ck_int_eq(r->regressions, 0);
    ck_assert_ptr_null(r->baseline);
    ck_int_eq(r->nchanges, 0);
    ck_int_eq(r->release.nfindings, 0);
    ck_int_eq(r->nallocs, 1);
    ck_assert_str_eq(r->allocs[0].cls, "leak");
    ck_assert_ptr_null(r->allocs[0].kind);
    ck_assert(r->allocs[0].blocks == 0 && r->allocs[0].bytes_per_iteration == 0);
    ck_assert(r->allocs[0].blocks_per_iteration == 0);
    ck_assert_str_eq(r->allocs[0].site, "");
    ck_int_eq(r->allocs[0].nraw, 0);
    ck_int_eq(r->allocs[0].nframes, 0);
}
END_TEST

START_TEST(a_record_writes_no_more_changes_or_raw_frames_than_it_holds)
{
    static cs_alloc_site site;
    cs_run r;
    char *text, *p;
    int n;

    memset(&r, 0, sizeof(r));
    memset(&site, 0, sizeof(site));
    r.name = "a";
    r.baseline = "Z:/old";
    r.nchanges = CS_MAX_CHANGES + 1;
    for (n = 0; n < CS_MAX_CHANGES; n++)
        r.changes[n] = "c";
    r.regressions = 17;
    r.allocs = &site;
    r.nallocs = 1;
    site.nraw = CS_ALLOC_FRAMES + 1;
    text = written(&r);
    for (n = 0, p = text; (p = strstr(p, "\nfixed c\n")); p++)
        n++;
    ck_int_eq(n, CS_MAX_CHANGES);
    for (n = 0, p = text; (p = strstr(p, "\nalloc_raw 0 0x0 \n")); p++)
        n++;
    ck_int_eq(n, CS_ALLOC_FRAMES);
    ck_assert_ptr_nonnull(strstr(text, "\nregressions 17\n"));
    free(text);
}
END_TEST

START_TEST(a_quoted_last_field_is_read_unquoted)
{
    cs_csv_data d;
    char err[256];

    ck_int_eq(read_text("run,iteration,heap_bytes\n\"r\",\"1\",\"2.5\"\n", &d, err, sizeof(err)), 0);
    ck_int_eq(d.skipped, 0);
    ck_int_eq(cs_csv_find(&d, "r")->n, 1);
    ck_int_eq(cs_csv_find(&d, "r")->samples[0].iteration, 1);
    ck_assert(cs_csv_find(&d, "r")->samples[0].v[CS_M_HEAP_BYTES] == 2.5);
    cs_csv_free(&d);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(crlf_lines_escapes_and_lines_outside_a_record_are_read_as_meant),
        CS_TEST(numbers_that_do_not_parse_keep_their_defaults),
        CS_TEST(a_status_word_unknown_here_reads_as_an_internal_error),
        CS_TEST(an_older_records_gate_level_gives_the_whole_gate_and_a_whole_gate_wins),
        CS_TEST(a_gate_longer_than_any_list_of_words_is_read_as_none),
        CS_TEST(findings_past_sixteen_and_categories_before_a_finding_are_dropped),
        CS_TEST(changes_past_sixteen_are_dropped_and_the_count_is_kept),
        CS_TEST(allocation_sites_fill_to_their_limits_and_skip_what_has_no_site),
        CS_TEST(merging_a_record_takes_its_status_error_and_gate),
        CS_TEST(a_record_is_written_with_its_carriage_returns_escaped_and_unknown_figures_left_out),
        CS_TEST(a_record_that_cannot_be_written_says_so),
        CS_TEST(the_csv_writer_refuses_what_it_cannot_write),
        CS_TEST(thinning_with_walks_kept_drops_rows_without_a_heap_figure),
        CS_TEST(a_quote_closed_before_the_end_of_its_field_skips_the_row),
        CS_TEST(a_long_field_that_is_no_number_is_quoted_cut_short),
        CS_TEST(a_row_holding_a_nul_byte_is_skipped_and_named),
        CS_TEST(keys_one_letter_off_the_known_ones_are_skipped),
        CS_TEST(a_record_writes_no_more_changes_or_raw_frames_than_it_holds),
        CS_TEST(a_quoted_last_field_is_read_unquoted),
        NULL
    };

    return cs_run_tests("records_edges", NULL, teardown, tests);
}
