/*
 * Suite "runinfo": the run record that lets `report DIR` rebuild what
 * only the live run knew (core/samples/runinfo.h). Pure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "runinfo.h"
#include "judge.h"
#include "options.h"

/* r written to a temporary file and read back whole. */
static char *written(const cs_run *const *runs, size_t n)
{
    FILE *f = cs_scratch_open("runinfo.scratch");
    char *text;
    long len;
    size_t i;

    for (i = 0; i < n; i++)
        ck_assert_int_eq(cs_runinfo_write(f, runs[i]), 0);
    len = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)len + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    cs_scratch_close(f, "runinfo.scratch");
    return text;
}

static void sample_run(cs_run *r, const char *name)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->target = "ComStress.Target";
    r->calls = "Echo('a\nb')\t; Add(1) \\ @c = CreateChild()";   /* hostile: newline, tab, backslash */
    r->cache = "instance";
    r->apartment = "mta";
    r->heap_mode = "lfh";
    r->heap_walk = "every";
    r->activation = "factory";
    r->scenario = "calls";
    r->threads = 2;
    r->fail_on = CS_FAIL_ALL;
    r->iterations = 300;
    r->seconds = 1.5;
    r->calls_per_second = 12345.5;
    r->loop_seconds = 1.25;
    r->binds = 300;
    r->getidsofnames_calls = 300;
    r->type_fallbacks = 0;
    r->cache_entries_end = 128;
    r->cache_bytes_end = 4096;
    r->release.outstanding_refs = 300;
    r->release.can_unload = 1;
    r->release.unloaded = 1;
    r->release.categories[0] = CS_FAIL_REFS;
    r->release.findings[0] = "refcount leak: IDispatch from CreateChild, 1 outstanding per iteration (iterations 1..300)";
    r->release.nfindings = 1;
    r->error = NULL;
}

START_TEST(a_record_comes_back_with_every_field_and_the_text_exact)
{
    cs_run a, rebuilt;
    const cs_run *runs[] = { &a };
    const cs_run *rec;
    cs_runinfo ri;
    char *text;

    sample_run(&a, "compare/instance");
    text = written(runs, 1);
    ck_assert_msg(strstr(text, "calls Echo('a\\nb')\\t; Add(1) \\\\ @c") != NULL, "not escaped:\n%s", text);
    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    ck_assert_uint_eq(ri.n, 1);
    ck_assert_ptr_nonnull(rec = cs_runinfo_find(&ri, "compare/instance"));
    memset(&rebuilt, 0, sizeof(rebuilt));
    rebuilt.name = "compare/instance";
    cs_runinfo_merge(rec, &rebuilt);
    ck_assert_str_eq(rebuilt.calls, a.calls);
    ck_assert_str_eq(rebuilt.target, "ComStress.Target");
    ck_assert_str_eq(rebuilt.cache, "instance");
    ck_assert_str_eq(rebuilt.apartment, "mta");
    ck_assert_str_eq(rebuilt.heap_mode, "lfh");
    ck_assert_str_eq(rebuilt.heap_walk, "every");
    ck_assert_int_eq(rebuilt.threads, 2);
    ck_assert_uint_eq(rebuilt.fail_on, CS_FAIL_ALL);
    ck_assert_int_eq(rebuilt.binds, 300);
    ck_assert(rebuilt.calls_per_second == 12345.5);
    ck_assert(rebuilt.loop_seconds == 1.25);
    ck_assert_int_eq(rebuilt.release.outstanding_refs, 300);
    ck_assert_uint_eq(rebuilt.release.categories[0], CS_FAIL_REFS);
    ck_assert_uint_eq(rebuilt.release.nfindings, 1);
    ck_assert_str_eq(rebuilt.release.findings[0], a.release.findings[0]);
    ck_assert_ptr_null(rebuilt.error);
    cs_runinfo_free(&ri);
    free(text);
}
END_TEST

/* Two traced sites: a leak with a call, hostile text in its site and
 * frames (backslashes of Windows paths, a tab, a newline), figures that
 * print long, and a one-off with no call. */
static void traced_sites(cs_alloc_site *s)
{
    memset(s, 0, 2 * sizeof(*s));
    s[0].cls = "leak";
    s[0].kind = "heap";
    s[0].call = "line 3: Echo('a\tb\nc \\ d')";
    s[0].bytes = 72000;
    s[0].blocks = 3000;
    s[0].bytes_per_iteration = 24;
    s[0].blocks_per_iteration = 1.0 / 3.0;
    snprintf(s[0].site, sizeof(s[0].site), "target_on_call (target.c:50) <- target_Add (target.c:107)");
    snprintf(s[0].frames[0], CS_FRAME_LEN, "target_on_call (Z:\\src\\comserver\\target.c:50) in a.dll");
    snprintf(s[0].frames[1], CS_FRAME_LEN, "tab\there\nnewline\\n");
    snprintf(s[0].frames[2], CS_FRAME_LEN, "ntdll.dll!+0x2c9f4");
    s[0].nframes = 3;
    s[1].cls = "one-off";
    s[1].kind = "crt";
    s[1].call = NULL;
    s[1].bytes = 256;
    s[1].blocks = 1;
    s[1].bytes_per_iteration = 0;
    s[1].blocks_per_iteration = 0;
    snprintf(s[1].site, sizeof(s[1].site), "comstress_server.dll+0xc66f");
    snprintf(s[1].frames[0], CS_FRAME_LEN, "comstress_server.dll!+0xc66f");
    s[1].nframes = 1;
    s[1].nraw = 2;                          /* not named yet: a snapshot's */
    s[1].raw[0].traced = 1;
    s[1].raw[0].offset = 0xc66f;
    snprintf(s[1].raw[0].path, sizeof(s[1].raw[0].path), "Z:\\a dir\\comstress_server.dll");
    s[1].raw[1].offset = 0xffffffffffffULL;
}

START_TEST(traced_allocation_sites_come_back_exact_with_their_frames)
{
    cs_alloc_site sites[2];
    cs_run a, b, rebuilt;
    const cs_run *runs[] = { &a, &b };
    const cs_run *rec;
    cs_runinfo ri;
    char *text;
    size_t i, k;

    traced_sites(sites);
    sample_run(&a, "run/type");
    a.allocs = sites;
    a.nallocs = 2;
    sample_run(&b, "run/none");            /* traced, nothing outstanding */
    b.allocs = sites;
    b.nallocs = 0;
    text = written(runs, 2);
    ck_assert_msg(strstr(text, "\nalloc_frame tab\\there\\nnewline\\\\n\n") != NULL, "not escaped:\n%s", text);
    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    ck_assert_ptr_nonnull(rec = cs_runinfo_find(&ri, "run/type"));
    memset(&rebuilt, 0, sizeof(rebuilt));
    cs_runinfo_merge(rec, &rebuilt);
    ck_assert_ptr_nonnull(rebuilt.allocs);
    ck_assert_uint_eq(rebuilt.nallocs, 2);
    for (i = 0; i < 2; i++) {
        const cs_alloc_site *x = &rebuilt.allocs[i], *y = &sites[i];

        ck_assert_str_eq(x->cls, y->cls);
        ck_assert_str_eq(x->kind, y->kind);
        if (y->call)
            ck_assert_str_eq(x->call, y->call);
        else
            ck_assert_ptr_null(x->call);
        ck_assert(x->bytes == y->bytes && x->blocks == y->blocks);
        ck_assert_msg(x->bytes_per_iteration == y->bytes_per_iteration
                      && x->blocks_per_iteration == y->blocks_per_iteration,
                      "site %u: %.17g, %.17g", (unsigned)i, x->bytes_per_iteration, x->blocks_per_iteration);
        ck_assert_str_eq(x->site, y->site);
        ck_assert_uint_eq(x->nframes, y->nframes);
        for (k = 0; k < y->nframes; k++)
            ck_assert_str_eq(x->frames[k], y->frames[k]);
        ck_assert_uint_eq(x->nraw, y->nraw);
        for (k = 0; k < y->nraw; k++) {
            ck_assert_int_eq(x->raw[k].traced, y->raw[k].traced);
            ck_assert(x->raw[k].offset == y->raw[k].offset);
            ck_assert_str_eq(x->raw[k].path, y->raw[k].path);
        }
    }
    ck_assert_str_eq(rebuilt.allocs[0].frames[1], "tab\there\nnewline\\n");
    ck_assert_ptr_nonnull(rec = cs_runinfo_find(&ri, "run/none"));
    ck_assert_ptr_nonnull(rec->allocs);      /* traced: [] and not null */
    ck_assert_uint_eq(rec->nallocs, 0);
    cs_runinfo_free(&ri);
    free(text);
}
END_TEST

START_TEST(an_untraced_record_has_no_sites_and_extra_sites_are_dropped)
{
    cs_runinfo ri;
    const cs_run *r;
    cs_run rebuilt;
    char text[4096], want[16];
    size_t used, i;

    used = (size_t)snprintf(text, sizeof(text), "run run/a\nbinds 1\nend\nrun run/b\nalloc_site orphan\n"
                            "allocations %d\n", CS_MAX_ALLOCS + 2);
    for (i = 0; i < CS_MAX_ALLOCS + 2; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "alloc leak\nalloc_site s%zu\n"
                                 "alloc_frame f%zu\n", i, i);
    snprintf(text + used, sizeof(text) - used, "end\n");
    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "run/a"));
    ck_assert_ptr_null(r->allocs);
    memset(&rebuilt, 0, sizeof(rebuilt));
    cs_runinfo_merge(r, &rebuilt);
    ck_assert_ptr_null(rebuilt.allocs);
    ck_assert_ptr_nonnull(r = cs_runinfo_find(&ri, "run/b"));
    ck_assert_uint_eq(r->nallocs, CS_MAX_ALLOCS);
    ck_assert_str_eq(r->allocs[0].site, "s0");
    snprintf(want, sizeof(want), "s%d", CS_MAX_ALLOCS - 1);
    ck_assert_str_eq(r->allocs[CS_MAX_ALLOCS - 1].site, want);
    want[0] = 'f';
    ck_assert_str_eq(r->allocs[CS_MAX_ALLOCS - 1].frames[0], want);
    ck_assert_uint_eq(r->allocs[CS_MAX_ALLOCS - 1].nframes, 1);
    cs_runinfo_free(&ri);
}
END_TEST

START_TEST(a_record_cut_short_and_unknown_keys_are_read_as_far_as_they_go)
{
    cs_runinfo ri;
    const cs_run *r;

    ck_assert_int_eq(cs_runinfo_parse("run run/type\ntarget T\nfuture-key 42\nbinds 7\nerror crashed\\: x\n"
                                      "run run/type\ntarget U\ncal", &ri), 0);
    ck_assert_uint_eq(ri.n, 2);
    ck_assert_str_eq(ri.runs[0].target, "T");
    ck_assert_int_eq(ri.runs[0].binds, 7);
    ck_assert_str_eq(ri.runs[0].error, "crashed: x");
    r = cs_runinfo_find(&ri, "run/type");       /* the latest record of a name wins */
    ck_assert_str_eq(r->target, "U");
    ck_assert_int_eq(r->binds, -1);
    ck_assert_ptr_null(cs_runinfo_find(&ri, "run/none"));
    cs_runinfo_free(&ri);
    ck_assert_int_eq(cs_runinfo_parse(NULL, &ri), 0);
    ck_assert_uint_eq(ri.n, 0);
    cs_runinfo_free(&ri);
}
END_TEST

/* A run as the live judge saw it: an unload finding of a foreign server
 * and a blocks finding, under gate. */
static void gated_run(cs_run *r, unsigned gate)
{
    static const char *const lines[] = {
        "unload: DllCanUnloadNow says S_FALSE after every object was released",
        "BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks (16 bytes) per call",
    };

    sample_run(r, "run/type");
    r->fail_on = gate;
    r->release.measured = 1;
    r->release.foreign = 1;
    r->release.findings[0] = lines[0];
    r->release.categories[0] = CS_FAIL_UNLOAD;
    r->release.findings[1] = lines[1];
    r->release.categories[1] = CS_FAIL_BLOCKS;
    r->release.nfindings = 2;
}

/* The record keeps the figures and the gate whole: a run read back and
 * judged under any gate (the run's own, or one given to `report DIR`)
 * is judged exactly as the live run under that gate, in the verdict, the
 * categories that gate and every finding's words. Widening: a run that
 * left unload out passes, and fails under all; narrowing: a run failed
 * by unload passes with unload left out. */
START_TEST(a_run_read_back_is_judged_under_any_gate_as_the_live_run)
{
    static const unsigned gates[] = {
        CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS, CS_FAIL_ALL, CS_FAIL_DEFAULT,
        CS_FAIL_UNLOAD, CS_FAIL_REFS, CS_FAIL_RELEASE, CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS,
    };
    char want[512], got[512];
    cs_judgement live, back;
    cs_run a, rebuilt;
    const cs_run *runs[] = { &a };
    cs_runinfo ri;
    size_t g, w, k;
    char *text;

    for (w = 0; w < sizeof(gates) / sizeof(gates[0]); w++) {
        gated_run(&a, gates[w]);
        text = written(runs, 1);
        ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
        memset(&rebuilt, 0, sizeof(rebuilt));
        rebuilt.fail_on = CS_FAIL_DEFAULT;              /* what the samples alone say */
        cs_runinfo_merge(cs_runinfo_find(&ri, "run/type"), &rebuilt);
        ck_assert_uint_eq(rebuilt.fail_on, gates[w]);    /* the run's own gate, whole */
        for (g = 0; g < sizeof(gates) / sizeof(gates[0]); g++) {
            ck_int_eq(cs_judge(&rebuilt, gates[g], &back), cs_judge(&a, gates[g], &live));
            ck_assert_uint_eq(back.failed, live.failed);
            ck_int_eq(back.release_fails, live.release_fails);
            for (k = 0; k < a.release.nfindings; k++)
                ck_assert_str_eq(cs_judge_finding_line(&rebuilt, &back, k, got, sizeof(got)),
                                 cs_judge_finding_line(&a, &live, k, want, sizeof(want)));
        }
        cs_runinfo_free(&ri);
        free(text);
    }
    gated_run(&a, CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS);
    a.release.nfindings = 1;
    ck_int_eq(cs_judge(&a, a.fail_on, &live), 0);
    ck_assert_str_eq(cs_judge_finding_line(&a, &live, 0, want, sizeof(want)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)");
    ck_int_eq(cs_judge(&a, CS_FAIL_ALL, &live), 1);
    ck_assert_str_eq(cs_judge_finding_line(&a, &live, 0, want, sizeof(want)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released (a server that "
                     "never unloads by design: --fail-on leak-any,refs,objects,blocks,regression)");
}
END_TEST

/* A record written before the gate was kept whole ("gate 1", finding
 * lines with the live judge's notes in them) is judged anew: its
 * categories from the lines' words, the notes cut, the gate its leak
 * level with every release category (the gate of that time). */
START_TEST(a_record_of_the_first_format_is_judged_anew)
{
    static const char text[] =
        "run run/type\ngate 1\nrelease_failed 0\n"
        "finding unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)\n"
        "end\n";
    char got[512];
    cs_judgement j;
    cs_runinfo ri;
    cs_run r;

    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    memset(&r, 0, sizeof(r));
    cs_runinfo_merge(cs_runinfo_find(&ri, "run/type"), &r);
    ck_assert_uint_eq(r.fail_on, CS_FAIL_DEFAULT);
    ck_assert_uint_eq(r.release.categories[0], CS_FAIL_UNLOAD);
    ck_int_eq(cs_judge(&r, CS_FAIL_ALL, &j), 1);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, got, sizeof(got)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released");
    ck_int_eq(cs_judge(&r, CS_FAIL_LEAK | CS_FAIL_REFS, &j), 0);
    cs_runinfo_free(&ri);
}
END_TEST

START_TEST(a_run_set_beside_a_baseline_comes_back_with_its_changes)
{
    cs_run r, m;
    const cs_run *runs[1] = { &r };
    cs_runinfo ri;
    cs_judgement j;
    char *text;

    sample_run(&r, "run/type");
    r.baseline = "Z:/ci/main report";
    r.changes[0] = "heap_bytes: clean then, leak now (+24.0 bytes/iteration)";
    r.change_regression[0] = 1;
    r.changes[1] = "finding gone: unload: the DLL is still loaded";
    r.nchanges = 2;
    r.regressions = 1;
    text = written(runs, 1);
    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    memset(&m, 0, sizeof(m));
    m.name = "run/type";
    cs_runinfo_merge(cs_runinfo_find(&ri, "run/type"), &m);
    ck_assert_str_eq(m.baseline, "Z:/ci/main report");
    ck_assert_uint_eq(m.nchanges, 2);
    ck_assert_uint_eq(m.regressions, 1);
    ck_assert_str_eq(m.changes[0], r.changes[0]);
    ck_assert_int_eq(m.change_regression[0], 1);
    ck_assert_str_eq(m.changes[1], r.changes[1]);
    ck_assert_int_eq(m.change_regression[1], 0);
    /* judged as the live run was, under its gate and under a narrower one */
    ck_assert_int_eq(cs_judge(&m, CS_FAIL_ALL, &j), 1);
    ck_assert_uint_eq(j.failed & CS_FAIL_REGRESSION, CS_FAIL_REGRESSION);
    m.release.nfindings = 0;
    ck_assert_int_eq(cs_judge(&m, CS_FAIL_LEAK | CS_FAIL_REFS, &j), 0);
    cs_runinfo_free(&ri);
    free(text);
}
END_TEST

/* Hand-written records at the parser's edges: CRLF line ends, a number
 * that is not one (the field's default: -1 for counts, 1 for the gate, 0
 * for threads), a value ending in a lone backslash (kept), a \r escape,
 * findings past CS_MAX_FINDINGS (dropped), "alloc" lines before any
 * "allocations" line and frames past CS_ALLOC_FRAMES (dropped), an error
 * carried over by the merge. */
START_TEST(hand_written_records_are_read_at_the_parsers_edges)
{
    char text[8192];
    const cs_run *rec;
    cs_runinfo ri;
    cs_run rebuilt;
    size_t k, used;
    int i;

    used = (size_t)snprintf(text, sizeof(text), "run r\r\ntarget T\r\niterations x12\ngate many\nthreads ?\n"
                            "sampling_seconds 0.25\nunloaded 0\nfinding a\\rb\\\n");
    for (i = 1; i <= CS_MAX_FINDINGS; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "finding %d\n", i);
    used += (size_t)snprintf(text + used, sizeof(text) - used, "alloc leak\nalloc_raw 1 0x10 Z:\\\\a.dll\n");
    for (i = 0; i <= CS_ALLOC_FRAMES; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "alloc_frame f%d\n", i);
    snprintf(text + used, sizeof(text) - used, "error it broke\nend\n");
    ck_assert_int_eq(cs_runinfo_parse(text, &ri), 0);
    ck_assert_uint_eq(ri.n, 1);
    ck_assert_ptr_nonnull(rec = cs_runinfo_find(&ri, "r"));
    ck_assert_str_eq(rec->target, "T");
    ck_int_eq(rec->iterations, -1);
    ck_assert_uint_eq(rec->fail_on, CS_FAIL_DEFAULT);     /* "gate many": the default level */
    ck_int_eq(rec->threads, 0);
    ck_int_eq(rec->release.unloaded, 0);
    ck_assert(rec->sampling_seconds == 0.25);
    ck_int_eq(rec->release.nfindings, CS_MAX_FINDINGS);
    ck_assert_str_eq(rec->release.findings[0], "a\rb\\");
    ck_assert_str_eq(rec->release.findings[CS_MAX_FINDINGS - 1], "15");
    ck_int_eq(rec->nallocs, 1);
    ck_assert_str_eq(rec->allocs[0].cls, "leak");
    ck_int_eq(rec->allocs[0].nframes, CS_ALLOC_FRAMES);
    for (k = 0; k < CS_ALLOC_FRAMES; k++) {
        char want[16];

        snprintf(want, sizeof(want), "f%lu", (unsigned long)k);
        ck_assert_str_eq(rec->allocs[0].frames[k], want);
    }
    ck_int_eq(rec->allocs[0].nraw, 1);
    ck_int_eq(rec->allocs[0].raw[0].traced, 1);
    ck_int_eq(rec->allocs[0].raw[0].offset, 0x10);
    ck_assert_str_eq(rec->allocs[0].raw[0].path, "Z:\\a.dll");
    memset(&rebuilt, 0, sizeof(rebuilt));
    rebuilt.seconds = 2;
    cs_runinfo_merge(rec, &rebuilt);
    ck_assert_str_eq(rebuilt.error, "it broke");
    ck_assert(rebuilt.seconds == 2);                /* the record has none */
    ck_assert(rebuilt.sampling_seconds == 0.25);
    cs_runinfo_free(&ri);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_record_comes_back_with_every_field_and_the_text_exact),
        CS_TEST(a_record_cut_short_and_unknown_keys_are_read_as_far_as_they_go),
        CS_TEST(traced_allocation_sites_come_back_exact_with_their_frames),
        CS_TEST(an_untraced_record_has_no_sites_and_extra_sites_are_dropped),
        CS_TEST(a_run_read_back_is_judged_under_any_gate_as_the_live_run),
        CS_TEST(a_record_of_the_first_format_is_judged_anew),
        CS_TEST(a_run_set_beside_a_baseline_comes_back_with_its_changes),
        CS_TEST(hand_written_records_are_read_at_the_parsers_edges), NULL
    };

    return cs_run_tests("runinfo", NULL, NULL, tests);
}
