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

/* r written to a temporary file and read back whole. */
static char *written(const cs_run *const *runs, size_t n)
{
    FILE *f = tmpfile();
    char *text;
    long len;
    size_t i;

    ck_assert_ptr_nonnull(f);
    for (i = 0; i < n; i++)
        ck_assert_int_eq(cs_runinfo_write(f, runs[i]), 0);
    len = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)len + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
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
    r->activation = "factory";
    r->scenario = "calls";
    r->threads = 2;
    r->gate = 2;
    r->iterations = 300;
    r->seconds = 1.5;
    r->calls_per_second = 12345.5;
    r->binds = 300;
    r->getidsofnames_calls = 300;
    r->type_fallbacks = 0;
    r->cache_entries_end = 128;
    r->cache_bytes_end = 4096;
    r->release.outstanding_refs = 300;
    r->release.can_unload = 1;
    r->release.unloaded = 1;
    r->release.failed = 1;
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
    ck_assert_int_eq(rebuilt.threads, 2);
    ck_assert_int_eq(rebuilt.gate, 2);
    ck_assert_int_eq(rebuilt.binds, 300);
    ck_assert(rebuilt.calls_per_second == 12345.5);
    ck_assert_int_eq(rebuilt.release.outstanding_refs, 300);
    ck_assert_int_eq(rebuilt.release.failed, 1);
    ck_assert_uint_eq(rebuilt.release.nfindings, 1);
    ck_assert_str_eq(rebuilt.release.findings[0], a.release.findings[0]);
    ck_assert_ptr_null(rebuilt.error);
    cs_runinfo_free(&ri);
    free(text);
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

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_record_comes_back_with_every_field_and_the_text_exact),
        CS_TEST(a_record_cut_short_and_unknown_keys_are_read_as_far_as_they_go), NULL
    };

    return cs_run_tests("runinfo", NULL, NULL, tests);
}
