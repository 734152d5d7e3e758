/* run.json writer; see report_json.h. */
#include "report_json.h"
#include "report_util.h"
#include "judge.h"
#include "status.h"
#include "release_rules.h"
#include <errno.h>
#include <math.h>
#include <string.h>

/* One `"key": ` at the given indent, preceded by a comma unless first. */
static void key(FILE *f, int indent, int first, const char *name)
{
    fprintf(f, "%s\n%*s\"%s\": ", first ? "" : ",", indent, "", name);
}

static void kv_str(FILE *f, int indent, const char *name, const char *v)
{
    key(f, indent, 0, name);
    cs_put_json_string(f, v);
}

static void kv_num(FILE *f, int indent, const char *name, double v)
{
    key(f, indent, 0, name);
    cs_put_json_number(f, v);
}

/* A count that is -1 when not measured: written as null then. */
static void kv_count(FILE *f, int indent, const char *name, long long v)
{
    key(f, indent, 0, name);
    if (v < 0)
        fputs("null", f);
    else
        fprintf(f, "%lld", v);
}

/* A tri-state flag (1, 0, -1 not measured) as true, false, null. */
static void kv_flag(FILE *f, int indent, const char *name, int v)
{
    key(f, indent, 0, name);
    fputs(v < 0 ? "null" : v ? "true" : "false", f);
}

static void write_context(FILE *f, const cs_context *c)
{
    static const cs_context none;

    if (!c)
        c = &none;
    key(f, 2, 0, "context");
    fputc('{', f);
    key(f, 4, 1, "date");
    cs_put_json_string(f, c->date);
    kv_str(f, 4, "host", c->host);
    kv_str(f, 4, "os_version", c->os_version);
    kv_str(f, 4, "build_type", c->build_type);
    kv_str(f, 4, "comstress_version", c->version);
    kv_str(f, 4, "command_line", c->command_line);
    kv_str(f, 4, "heap_mode", c->heap_mode);
    kv_str(f, 4, "heap_walk", c->heap_walk);
    kv_num(f, 4, "harness_heap_bytes", c->harness_heap_bytes < 0 ? NAN : c->harness_heap_bytes);
    fputs("\n  }", f);
}

/* "verdicts": {metric: {verdict, per_iteration, ci_low, ci_high, warmup,
 * samples, stands_in_for_heap}} in model order. */
static void write_verdicts(FILE *f, const cs_run *r)
{
    size_t i;

    key(f, 6, 0, "verdicts");
    fputc('{', f);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++) {
        const cs_verdict *v = &r->verdicts[i];

        key(f, 8, i == 0, cs_metric_name(v->metric));
        fputc('{', f);
        key(f, 10, 1, "verdict");
        cs_put_json_string(f, cs_verdict_name(v->kind));
        kv_num(f, 10, "per_iteration", v->per_iteration);
        kv_num(f, 10, "ci_low", v->ci_low);
        kv_num(f, 10, "ci_high", v->ci_high);
        kv_num(f, 10, "warmup", (double)v->warmup);
        kv_num(f, 10, "samples", (double)v->samples);
        kv_num(f, 10, "from_iteration", v->from);
        kv_num(f, 10, "to_iteration", v->to);
        key(f, 10, 0, "stands_in_for_heap");
        fputs(v->stands_in ? "true" : "false", f);
        fputs("\n        }", f);
    }
    fputs(r->nverdicts ? "\n      }" : "}", f);
}

/* "release": the release checks, or null when none were made; "failed"
 * and each finding's words are the judgement j's (of the run). */
static void write_release(FILE *f, const cs_run *r, const cs_judgement *j)
{
    const cs_release *rel = &r->release;
    char line[CS_FINDING_LEN + 128];
    size_t i;

    key(f, 6, 0, "release");
    if (!rel->measured) {
        fputs("null", f);
        return;
    }
    fputc('{', f);
    key(f, 8, 1, "failed");
    fputs(j->release_fails ? "true" : "false", f);
    kv_count(f, 8, "outstanding_refs", rel->outstanding_refs);
    kv_count(f, 8, "use_after_release", rel->use_after_release);
    kv_count(f, 8, "live_objects_end", rel->live_objects_end);
    kv_count(f, 8, "locks_end", rel->locks_end);
    kv_flag(f, 8, "can_unload", rel->can_unload);
    kv_flag(f, 8, "unloaded", rel->unloaded);
    kv_count(f, 8, "cotaskmem_live_blocks", rel->cotaskmem_live_blocks);
    kv_count(f, 8, "cotaskmem_live_bytes", rel->cotaskmem_live_bytes);
    kv_flag(f, 8, "bstr_cache_off", rel->bstr_cache_off);
    key(f, 8, 0, "findings");
    fputc('[', f);
    for (i = 0; i < rel->nfindings && i < sizeof(rel->findings) / sizeof(rel->findings[0]); i++) {
        fputs(i ? ", " : "", f);
        cs_put_json_string(f, cs_judge_finding_line(r, j, i, line, sizeof(line)));
    }
    fputs("]\n      }", f);
}

/* "allocations": the traced sites (frames, bytes, blocks, per-iteration
 * figures, the call), or null when the run was not traced. */
static void write_allocations(FILE *f, const cs_run *r)
{
    size_t i, k;

    key(f, 6, 0, "allocations");
    if (!r->allocs) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    for (i = 0; i < r->nallocs; i++) {
        const cs_alloc_site *a = &r->allocs[i];

        fputs(i ? ",\n        {" : "\n        {", f);
        key(f, 10, 1, "class");
        cs_put_json_string(f, a->cls);
        kv_str(f, 10, "allocator", a->kind);
        kv_str(f, 10, "call", a->call);
        kv_num(f, 10, "bytes", a->bytes);
        kv_num(f, 10, "blocks", a->blocks);
        kv_num(f, 10, "bytes_per_iteration", a->bytes_per_iteration);
        kv_num(f, 10, "blocks_per_iteration", a->blocks_per_iteration);
        kv_str(f, 10, "site", a->site);
        key(f, 10, 0, "frames");
        fputc('[', f);
        for (k = 0; k < a->nframes && k < CS_ALLOC_FRAMES; k++) {
            fputs(k ? ", " : "", f);
            cs_put_json_string(f, a->frames[k]);
        }
        fputs("]\n        }", f);
    }
    fputs(r->nallocs ? "\n      ]" : "]", f);
}

/* "baseline": the run set beside an earlier one (--baseline): its
 * directory, the regressions found and every change listed, or null. */
static void write_baseline(FILE *f, const cs_run *r)
{
    size_t i;

    key(f, 6, 0, "baseline");
    if (!r->baseline) {
        fputs("null", f);
        return;
    }
    fputc('{', f);
    key(f, 8, 1, "dir");
    cs_put_json_string(f, r->baseline);
    kv_num(f, 8, "regressions", (double)r->regressions);
    key(f, 8, 0, "changes");
    fputc('[', f);
    for (i = 0; i < r->nchanges && i < CS_MAX_CHANGES; i++) {
        fputs(i ? ",\n          {" : "\n          {", f);
        key(f, 12, 1, "kind");
        cs_put_json_string(f, r->change_regression[i] ? "regression" : "fixed");
        kv_str(f, 12, "text", r->changes[i]);
        fputs("}", f);
    }
    fputs(r->nchanges ? "\n        ]\n      }" : "]\n      }", f);
}

static void write_run(FILE *f, const cs_run *r)
{
    char gate[96];
    cs_judgement j;

    cs_judge(r, r->fail_on, &j);
    fputs("\n    {", f);
    key(f, 6, 1, "name");
    cs_put_json_string(f, r->name);
    kv_str(f, 6, "target", r->target);
    kv_str(f, 6, "calls", r->calls);
    kv_str(f, 6, "cache", r->cache);
    kv_str(f, 6, "scenario", r->scenario);
    kv_str(f, 6, "activation", r->activation);
    kv_str(f, 6, "apartment", r->apartment);
    kv_num(f, 6, "threads", r->threads);
    kv_num(f, 6, "iterations", (double)r->iterations);
    kv_num(f, 6, "warmup", (double)r->warmup);
    kv_num(f, 6, "seconds", r->seconds);
    kv_num(f, 6, "loop_seconds", r->loop_seconds);
    kv_num(f, 6, "calls_per_second", r->calls_per_second);
    kv_count(f, 6, "live_objects_end", r->live_objects_end);
    kv_count(f, 6, "server_locks_end", r->server_locks_end);
    kv_num(f, 6, "samples", (double)r->samples);
    kv_num(f, 6, "sampling_seconds", r->sampling_seconds);
    kv_num(f, 6, "sample_every_end", (double)r->sample_every_end);
    kv_num(f, 6, "heap_walks", (double)r->heap_walks);
    kv_count(f, 6, "binds", r->binds);
    kv_count(f, 6, "getidsofnames_calls", r->getidsofnames_calls);
    kv_count(f, 6, "cache_entries_end", r->cache_entries_end);
    kv_count(f, 6, "cache_bytes_end", r->cache_bytes_end);
    kv_num(f, 6, "heap_bytes_per_iteration", r->heap_bytes_per_iteration);
    kv_count(f, 6, "type_fallbacks", r->type_fallbacks);
    kv_str(f, 6, "error", r->error);
    kv_str(f, 6, "status", cs_status_word(r->status));
    kv_str(f, 6, "fail_on", cs_fail_on_words(r->fail_on, gate, sizeof(gate)));
    key(f, 6, 0, "failed");
    fputs(j.fails ? "true" : "false", f);
    write_verdicts(f, r);
    write_release(f, r, &j);
    write_allocations(f, r);
    write_baseline(f, r);
    fputs("\n    }", f);
}

int cs_json_write(FILE *f, const cs_context *ctx, const cs_run *runs, size_t n)
{
    size_t i;

    fputc('{', f);
    key(f, 2, 1, "schema_version");
    fprintf(f, "%d", CS_JSON_SCHEMA_VERSION);
    write_context(f, ctx);
    key(f, 2, 0, "runs");
    fputc('[', f);
    for (i = 0; i < n; i++) {
        fputs(i ? "," : "", f);
        write_run(f, &runs[i]);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int cs_json_write_path(const char *path, const cs_context *ctx, const cs_run *runs, size_t n,
                       char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);

    if (!f)
        return -1;
    return cs_report_close(f, cs_json_write(f, ctx, runs, n), path, err, errlen);
}
