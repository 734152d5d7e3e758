/*
 * Suite "oom": memory running out inside the core's readers and parsers.
 * The suite is linked with malloc, calloc and realloc wrapped (ld's
 * --wrap): while armed, the n-th allocation fails. Each operation is run
 * with its first allocation failing, then its second, and so on until
 * it makes fewer allocations than the one armed: every run that lost an
 * allocation must fail as the function's contract says (-1, NULL, "out
 * of memory"), never crash and never claim success; the run that lost
 * none must succeed with the full result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "bindcache.h"
#include "callspec.h"
#include "report_csv.h"
#include "release_rules.h"
#include "runinfo.h"
#include "stats.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static long fail_at = -1;   /* the allocation (0-based, since armed) to fail; -1 none */
static long made;           /* allocations since armed */
static int tripped;         /* the armed allocation was reached */

static int fail_now(void)
{
    if (fail_at < 0)
        return 0;
    if (made++ != fail_at)
        return 0;
    tripped = 1;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static void arm(long n)
{
    made = 0;
    tripped = 0;
    fail_at = n;
}

static void disarm(void)
{
    fail_at = -1;
}

/* The longest sweep: an operation making more allocations than this is
 * a test to rethink. */
#define MAX_ALLOCS 4000

START_TEST(a_call_text_that_runs_out_of_memory_fails_with_out_of_memory)
{
    static const char *const texts[] = {
        "Add(1)", "Value = 5", "Consume(@obj, [1, 'two', 3.5], #2024-01-02#)", "Swap(a := 1, b := 'x')",
    };
    cs_callspec *spec;
    char err[128];
    size_t t;
    long n;
    int rc;

    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        for (n = 0; n < MAX_ALLOCS; n++) {
            err[0] = 0;
            spec = (cs_callspec *)1;
            arm(n);
            rc = cs_callspec_parse(texts[t], &spec, err, sizeof(err));
            disarm();
            if (!tripped)
                break;
            ck_assert_msg(rc == -1 && !spec && !strcmp(err, "out of memory"),
                          "'%s', allocation %ld failing: rc %d, '%s'", texts[t], n, rc, err);
        }
        ck_assert_msg(rc == 0 && spec, "'%s': %s", texts[t], err);
        ck_assert_msg(n > 0, "'%s' made no allocation", texts[t]);
        cs_callspec_free(spec);
    }
}
END_TEST

START_TEST(a_script_that_runs_out_of_memory_fails_with_out_of_memory)
{
    static const char *text = "@c = CreateChild()\n# a comment\n@c.Add(1)\neach Items: Name\nadvise @obj\n"
                              "Echo('a string of some length')\n";
    cs_script *script;
    char err[160];
    long n;
    int rc;

    for (n = 0; n < MAX_ALLOCS; n++) {
        err[0] = 0;
        script = (cs_script *)1;
        arm(n);
        rc = cs_script_parse(text, &script, err, sizeof(err));
        disarm();
        if (!tripped)
            break;
        ck_assert_msg(rc == -1 && !script && strstr(err, "out of memory"),
                      "allocation %ld failing: rc %d, '%s'", n, rc, err);
    }
    ck_assert_msg(rc == 0 && script, "%s", err);
    ck_assert_msg(n > 5, "the script made %ld allocations", n);
    ck_int_eq(script->count, 5);
    cs_script_free(script);
}
END_TEST

/* samples.csv of three runs, ten rows each, the columns in the writer's
 * order. */
static void write_samples(const char *path)
{
    cs_csv_writer *w = cs_csv_open(path);
    cs_sample s;
    int i, r, m;

    ck_assert_ptr_nonnull(w);
    for (i = 0; i < 10; i++) {
        for (r = 0; r < 3; r++) {
            char name[32];

            memset(&s, 0, sizeof(s));
            s.iteration = 100 * i;
            s.elapsed_s = 0.5 * i;
            for (m = 0; m < CS_M_COUNT; m++)
                s.v[m] = 1000 * r + i + m;
            snprintf(name, sizeof(name), "compare/run-%d", r);
            ck_assert_int_eq(cs_csv_write(w, name, &s), 0);
        }
    }
    ck_assert_int_eq(cs_csv_close(w), 0);
}

START_TEST(samples_read_back_out_of_memory_fail_naming_the_file)
{
    cs_csv_data d;
    char err[256];
    FILE *f;
    long n;
    int rc;

    write_samples("oom-samples.csv");
    for (n = 0; n < MAX_ALLOCS; n++) {
        f = fopen("oom-samples.csv", "rb");
        ck_assert_ptr_nonnull(f);
        err[0] = 0;
        arm(n);
        rc = cs_csv_read_stream(f, "oom-samples.csv", &d, err, sizeof(err));
        disarm();
        fclose(f);
        if (!tripped)
            break;
        ck_assert_msg(rc == -1 && !strncmp(err, "oom-samples.csv: out of memory", 30),
                      "allocation %ld failing: rc %d, '%s'", n, rc, err);
        cs_csv_free(&d);
    }
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_msg(n > 3, "reading made %ld allocations", n);
    ck_int_eq(d.nruns, 3);
    ck_int_eq(cs_csv_find(&d, "compare/run-2")->n, 10);
    cs_csv_free(&d);
}
END_TEST

/* A run record with everything a record can hold, as text. */
static char *record_text(void)
{
    static cs_alloc_site sites[2];
    cs_run r;
    FILE *f = fopen("oom-runs.txt", "wb");
    char *text;
    int i;

    ck_assert_ptr_nonnull(f);
    memset(&r, 0, sizeof(r));
    cs_release_init(&r.release);
    r.name = "run";
    r.target = "ComStress.Target";
    r.calls = "Add(1); Echo('x')";
    r.iterations = 300;
    r.release.nfindings = 2;
    r.release.findings[0] = "refcount leak: IDispatch from Add(1), 1 outstanding per iteration";
    r.release.findings[1] = "unload: the server DLL is still loaded";
    for (i = 0; i < 2; i++) {
        sites[i].kind = i ? "bstr" : "heap";
        sites[i].cls = "leak";
        sites[i].call = i ? "Echo('x')" : "Add(1)";
        snprintf(sites[i].site, sizeof(sites[i].site), "target_Add (target.c:%d)", 40 + i);
        sites[i].nframes = 1;
        snprintf(sites[i].frames[0], sizeof(sites[i].frames[0]), "target_Add (target.c:%d)", 40 + i);
        sites[i].blocks = 300;
        sites[i].bytes_per_iteration = 24;
        sites[i].blocks_per_iteration = 1;
    }
    r.allocs = sites;
    r.nallocs = 2;
    ck_assert_int_eq(cs_runinfo_write(f, &r), 0);
    r.name = "second";
    ck_assert_int_eq(cs_runinfo_write(f, &r), 0);
    fclose(f);
    text = cs_read_file("oom-runs.txt");
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(run_records_read_back_out_of_memory_fail)
{
    char *text = record_text();
    cs_runinfo ri;
    long n;
    int rc;

    for (n = 0; n < MAX_ALLOCS; n++) {
        arm(n);
        rc = cs_runinfo_parse(text, &ri);
        disarm();
        if (!tripped)
            break;
        ck_assert_msg(rc == -1, "allocation %ld failing: rc %d", n, rc);
        cs_runinfo_free(&ri);
    }
    ck_int_eq(rc, 0);
    ck_assert_msg(n > 5, "parsing made %ld allocations", n);
    ck_int_eq(ri.n, 2);
    ck_assert_ptr_nonnull(cs_runinfo_find(&ri, "second"));
    ck_int_eq(cs_runinfo_find(&ri, "second")->nallocs, 2);
    ck_int_eq(cs_runinfo_find(&ri, "second")->release.nfindings, 2);
    cs_runinfo_free(&ri);
    free(text);
}
END_TEST

/* A binding cache out of memory: a rule that cannot be made is NULL and
 * its binding is freed; a site that cannot be made is NULL; the cache
 * goes on working. */
static int freed;

static void free_binding(void *b)
{
    freed++;
    free(b);
}

START_TEST(a_binding_cache_out_of_memory_refuses_the_rule_and_frees_its_binding)
{
    bc_cache *c;
    bc_site *s;
    bc_rule *r;
    bc_level lvl;
    bc_store store;

    for (store = BC_STORE_DLR; store <= BC_STORE_TYPE_MAP; store++) {
        ck_assert_ptr_nonnull(c = bc_new(free_binding));
        ck_assert_ptr_nonnull(s = bc_site_new(c));
        freed = 0;
        arm(0);
        r = bc_add(c, s, store, "key", 3, __real_malloc(16), 16);
        disarm();
        ck_assert(tripped);
        ck_assert_ptr_null(r);
        ck_int_eq(freed, 1);
        ck_assert_ptr_null(bc_lookup(c, s, store, "key", 3, &lvl));
        ck_assert_ptr_nonnull(bc_add(c, s, store, "key", 3, __real_malloc(16), 16));
        ck_assert_ptr_nonnull(bc_lookup(c, s, store, "key", 3, &lvl));
        arm(0);
        ck_assert_ptr_null(bc_site_new(c));
        arm(0);
        ck_assert_ptr_null(bc_ident_add(c, 0x1000));
        disarm();
        ck_assert_ptr_null(bc_ident_find(c, 0x1000));
        bc_free(c);
        ck_int_eq(freed, 2);
    }
    arm(0);
    ck_assert_ptr_null(bc_new(free_binding));
    disarm();
}
END_TEST

/* A verdict that cannot get its memory is inconclusive or the one it
 * gives with memory (a leak here: what is lost, the level change between
 * thirds, only ever decides a plateau), never another. */
START_TEST(a_verdict_out_of_memory_is_inconclusive)
{
    double x[40], y[40];
    cs_leak_params p;
    cs_verdict v;
    int i;
    long n;

    for (i = 0; i < 40; i++)
        x[i] = 100.0 * i, y[i] = 1e6 + 50 * x[i];
    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    for (n = 0; n < MAX_ALLOCS; n++) {
        arm(n);
        cs_leak_verdict(x, y, 40, 0, &p, &v);
        disarm();
        if (!tripped)
            break;
        ck_assert_msg(v.kind == CS_V_INCONCLUSIVE || v.kind == CS_V_LEAK, "allocation %ld failing: %s", n,
                      cs_verdict_name(v.kind));
    }
    ck_assert_str_eq(cs_verdict_name(v.kind), "leak");
    ck_assert_msg(n > 3, "the verdict made %ld allocations", n);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_call_text_that_runs_out_of_memory_fails_with_out_of_memory),
        CS_TEST(a_script_that_runs_out_of_memory_fails_with_out_of_memory),
        CS_TEST(samples_read_back_out_of_memory_fail_naming_the_file),
        CS_TEST(run_records_read_back_out_of_memory_fail),
        CS_TEST(a_binding_cache_out_of_memory_refuses_the_rule_and_frees_its_binding),
        CS_TEST(a_verdict_out_of_memory_is_inconclusive),
        NULL
    };

    return cs_run_tests("oom", NULL, NULL, tests);
}
