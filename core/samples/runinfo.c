/* The run record: see runinfo.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "runinfo.h"
#include "judge.h"
#include "status.h"

/* Writes "key value\n" with value escaped to one line; NULL writes nothing. */
static void put(FILE *f, const char *key, const char *value)
{
    const char *p;

    if (!value)
        return;
    fprintf(f, "%s ", key);
    for (p = value; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p == '\\')
            fputs("\\\\", f);
        else
            fputc(*p, f);
    }
    fputc('\n', f);
}

static void put_ll(FILE *f, const char *key, long long v)
{
    fprintf(f, "%s %lld\n", key, v);
}

static void put_d(FILE *f, const char *key, double v)
{
    if (isfinite(v))
        fprintf(f, "%s %.17g\n", key, v);
}

/* The traced allocation sites: "allocations N" (written whenever the run
 * was traced, N = 0 included, so "traced, nothing outstanding" stays apart
 * from "not traced"), then per site "alloc CLASS" followed by its fields,
 * one "alloc_frame" per frame innermost first, and for a site not named
 * yet one "alloc_raw TRACED OFFSET PATH" per frame as collected. */
static void put_allocs(FILE *f, const cs_run *r)
{
    size_t i, k;

    if (!r->allocs)
        return;
    put_ll(f, "allocations", (long long)r->nallocs);
    for (i = 0; i < r->nallocs; i++) {
        const cs_alloc_site *a = &r->allocs[i];

        put(f, "alloc", a->cls ? a->cls : "");
        put(f, "alloc_allocator", a->kind);
        put(f, "alloc_call", a->call);
        put_d(f, "alloc_bytes", a->bytes);
        put_d(f, "alloc_blocks", a->blocks);
        put_d(f, "alloc_bytes_per_iteration", a->bytes_per_iteration);
        put_d(f, "alloc_blocks_per_iteration", a->blocks_per_iteration);
        put(f, "alloc_site", a->site);
        for (k = 0; k < a->nframes && k < CS_ALLOC_FRAMES; k++)
            put(f, "alloc_frame", a->frames[k]);
        for (k = 0; k < a->nraw && k < CS_ALLOC_FRAMES; k++) {
            char raw[300];

            snprintf(raw, sizeof(raw), "%d 0x%llx %s", a->raw[k].traced ? 1 : 0, a->raw[k].offset,
                     a->raw[k].path);
            put(f, "alloc_raw", raw);
        }
    }
}

/* The gate, whole ("fail_on leak,refs,objects,blocks,unload"), and the
 * leak level the first records kept ("gate 1"), for older readers. */
static void put_gate(FILE *f, const cs_run *r)
{
    char words[96];

    put(f, "fail_on", cs_fail_on_words(r->fail_on, words, sizeof(words)));
    put_ll(f, "gate", r->fail_on & CS_FAIL_LEAK_ANY ? 2 : r->fail_on & CS_FAIL_LEAK ? 1 : 0);
}

/* The release findings as found, each "finding LINE" then its category
 * ("finding_category refs"), and whether the run's own gate fails on
 * them ("release_failed", for older readers: the judge decides anew). */
static void put_findings(FILE *f, const cs_run *r)
{
    char words[96];
    cs_judgement j;
    size_t i;

    cs_judge(r, r->fail_on, &j);
    put_ll(f, "release_failed", j.release_fails);
    put_ll(f, "server_foreign", r->release.foreign);
    if (r->release.dropped)
        put(f, "findings_dropped", cs_fail_on_words(r->release.dropped, words, sizeof(words)));
    for (i = 0; i < r->release.nfindings; i++) {
        put(f, "finding", r->release.findings[i]);
        put(f, "finding_category", cs_fail_on_words(r->release.categories[i], words, sizeof(words)));
    }
}

/* The changes against a baseline: "baseline DIR", then one line a change
 * ("regression TEXT" or "fixed TEXT") and "regressions N" (found in all). */
static void put_changes(FILE *f, const cs_run *r)
{
    size_t i;

    if (!r->baseline)
        return;
    put(f, "baseline", r->baseline);
    for (i = 0; i < r->nchanges && i < CS_MAX_CHANGES; i++)
        put(f, r->change_regression[i] ? "regression" : "fixed", r->changes[i]);
    put_ll(f, "regressions", (long long)r->regressions);
}

int cs_runinfo_write(FILE *f, const cs_run *r)
{

    put(f, "run", r->name);
    put(f, "target", r->target);
    put(f, "calls", r->calls);
    put(f, "cache", r->cache);
    put(f, "apartment", r->apartment);
    put(f, "heap_mode", r->heap_mode);
    put(f, "heap_walk", r->heap_walk);
    put(f, "activation", r->activation);
    put(f, "scenario", r->scenario);
    put_ll(f, "threads", r->threads);
    put_gate(f, r);
    put_ll(f, "iterations", r->iterations);
    put_d(f, "seconds", r->seconds);
    put_d(f, "calls_per_second", r->calls_per_second);
    put_d(f, "loop_seconds", r->loop_seconds);
    put_d(f, "sampling_seconds", r->sampling_seconds);
    put_ll(f, "binds", r->binds);
    put_ll(f, "getidsofnames_calls", r->getidsofnames_calls);
    put_ll(f, "type_fallbacks", r->type_fallbacks);
    put_ll(f, "cache_entries_end", r->cache_entries_end);
    put_ll(f, "cache_bytes_end", r->cache_bytes_end);
    put_ll(f, "outstanding_refs", r->release.outstanding_refs);
    put_ll(f, "can_unload", r->release.can_unload);
    put_ll(f, "unloaded", r->release.unloaded);
    put_findings(f, r);
    put_changes(f, r);
    put_allocs(f, r);
    put(f, "error", r->error);
    put(f, "status", cs_status_word(r->status));
    fputs("end\n", f);
    return ferror(f) || fflush(f) ? -1 : 0;
}

/* Unescapes value[0..n) into dst (at most size - 1 bytes, always
 * NUL-terminated when size > 0): \n, \t, \r, and a backslash before any
 * other character stands for that character. */
static void unescape(char *dst, size_t size, const char *value, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n && k + 1 < size; i++) {
        if (value[i] == '\\' && i + 1 < n) {
            i++;
            dst[k++] = value[i] == 'n' ? '\n' : value[i] == 't' ? '\t' : value[i] == 'r' ? '\r' : value[i];
        } else {
            dst[k++] = value[i];
        }
    }
    if (size)
        dst[k] = 0;
}

/* Remembers block p (malloc'd) in ri, to be freed with it; p, or NULL
 * (p freed) when out of memory. */
static void *own(cs_runinfo *ri, void *p)
{
    void **grown;

    if (!p || !(grown = realloc(ri->owned, (ri->nowned + 1) * sizeof(*grown)))) {
        free(p);
        return NULL;
    }
    ri->owned = grown;
    ri->owned[ri->nowned++] = p;
    return p;
}

/* A copy of value[0..n) unescaped, remembered in ri; NULL when out of memory. */
static char *keep(cs_runinfo *ri, const char *value, size_t n)
{
    char *s = own(ri, malloc(n + 1));

    if (s)
        unescape(s, n + 1, value, n);
    return s;
}

/* A whole number, or keep the default when the text is none. */
static long long to_ll(const char *v, long long dflt)
{
    char *end;
    long long x;

    errno = 0;
    x = strtoll(v, &end, 10);
    return errno || end == v ? dflt : x;
}

#define IS(k) (klen == sizeof(k) - 1 && !memcmp(key, k, klen))

/* r's allocation sites, made (CS_MAX_ALLOCS of them, none used) on the
 * first line that needs them; NULL when out of memory. The storage is
 * ri's own, so writing through it is allowed. */
static cs_alloc_site *sites_of(cs_runinfo *ri, cs_run *r)
{
    if (!r->allocs)
        r->allocs = own(ri, calloc(CS_MAX_ALLOCS, sizeof(cs_alloc_site)));
    return (cs_alloc_site *)r->allocs;
}

/* "TRACED OFFSET PATH" into f; what does not parse stays zero. */
static void read_raw(cs_raw_frame *f, const char *v, size_t vlen)
{
    char text[300], *end;

    unescape(text, sizeof(text), v, vlen);
    f->traced = text[0] == '1';
    f->offset = strtoull(text + (text[0] ? 1 : 0), &end, 16);
    while (*end == ' ')
        end++;
    snprintf(f->path, sizeof(f->path), "%s", end);
}

/*
 * Applies one "allocations" or "alloc..." line to r; *cur is the site the
 * "alloc_..." lines fill (the one the last "alloc" line started, NULL
 * when none or past CS_MAX_ALLOCS: its fields are then skipped). Returns
 * 1 when the key was one of these, 0 when not, -1 when out of memory.
 */
static int apply_alloc(cs_runinfo *ri, cs_run *r, cs_alloc_site **cur, const char *key, size_t klen,
                       const char *v, size_t vlen, const char *num)
{
    cs_alloc_site *sites, *a = *cur;

    if (klen < 5 || memcmp(key, "alloc", 5))
        return 0;
    if (IS("allocations") || IS("alloc")) {
        if (!(sites = sites_of(ri, r)))
            return -1;
        if (IS("allocations"))
            return 1;                 /* traced; its sites follow */
        *cur = r->nallocs < CS_MAX_ALLOCS ? &sites[r->nallocs++] : NULL;
        if (*cur && !((*cur)->cls = keep(ri, v, vlen)))
            return -1;
        return 1;
    }
    if (!a)
        return 1;
    if (IS("alloc_allocator"))
        return (a->kind = keep(ri, v, vlen)) ? 1 : -1;
    if (IS("alloc_call"))
        return (a->call = keep(ri, v, vlen)) ? 1 : -1;
    if (IS("alloc_bytes"))
        a->bytes = strtod(num, NULL);
    else if (IS("alloc_blocks"))
        a->blocks = strtod(num, NULL);
    else if (IS("alloc_bytes_per_iteration"))
        a->bytes_per_iteration = strtod(num, NULL);
    else if (IS("alloc_blocks_per_iteration"))
        a->blocks_per_iteration = strtod(num, NULL);
    else if (IS("alloc_site"))
        unescape(a->site, sizeof(a->site), v, vlen);
    else if (IS("alloc_frame") && a->nframes < CS_ALLOC_FRAMES)
        unescape(a->frames[a->nframes++], CS_FRAME_LEN, v, vlen);
    else if (IS("alloc_raw") && a->nraw < CS_ALLOC_FRAMES)
        read_raw(&a->raw[a->nraw++], v, vlen);
    return 1;                          /* alloc_ keys unknown here are skipped */
}

/* CS_FAIL_* categories from a value of words ("leak,refs"); 0 when they
 * do not parse (a damaged record: the gate is then the default). */
static unsigned gate_words(const char *v, size_t vlen)
{
    char text[128], err[CS_ERR_LEN];
    unsigned mask;

    unescape(text, sizeof(text), v, vlen);
    return vlen < sizeof(text) && !cs_fail_on_parse(text, &mask, err, sizeof(err)) ? mask : 0;
}

/*
 * Applies a line of the gate or the end to r: "status WORD" (how the run
 * ended, cs_status_word; a word unknown here reads as an internal
 * error), "fail_on WORDS" (the gate whole),
 * "gate LEVEL" (a record before the whole gate: its leak level, with
 * every release category, as the gate then was; a whole gate read
 * first wins), "finding_category WORD" (the last finding's),
 * "findings_dropped WORDS". Returns 1 when the key was one of these,
 * else 0.
 */
static int apply_gate(const cs_runinfo *ri, cs_run *r, const char *key, size_t klen, const char *v,
                      size_t vlen)
{
    size_t last = r->release.nfindings;

    if (IS("status")) {
        char word[32];
        cs_status st;

        unescape(word, sizeof(word), v, vlen);
        st = cs_status_from_word(word);
        r->status = st == CS_ST_COUNT ? CS_ST_INTERNAL : st;
    } else if (IS("fail_on")) {
        r->fail_on = gate_words(v, vlen);
    } else if (IS("gate")) {
        long long level = vlen && *v >= '0' && *v <= '2' ? *v - '0' : 1;
        if (!r->fail_on)
            r->fail_on = CS_FAIL_RELEASE | CS_FAIL_REGRESSION | (level >= 2 ? CS_FAIL_LEAK | CS_FAIL_LEAK_ANY
                                            : level == 1 ? CS_FAIL_LEAK : 0);
    } else if (IS("finding_category")) {
        if (last && last <= CS_MAX_FINDINGS && ri->finding_kept)
            r->release.categories[last - 1] = gate_words(v, vlen) & CS_FAIL_RELEASE;
    } else if (IS("findings_dropped")) {
        r->release.dropped = gate_words(v, vlen) & CS_FAIL_RELEASE;
    } else {
        return 0;
    }
    return 1;
}

/* Applies a "key number" line of a seconds figure to r; 1 when key was
 * one, else 0. */
static int apply_real(cs_run *r, const char *key, size_t klen, const char *num)
{
    static const struct { const char *key; size_t off; } reals[] = {
        { "seconds", offsetof(cs_run, seconds) }, { "calls_per_second", offsetof(cs_run, calls_per_second) },
        { "loop_seconds", offsetof(cs_run, loop_seconds) },
        { "sampling_seconds", offsetof(cs_run, sampling_seconds) },
    };
    size_t i;

    for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
        if (strlen(reals[i].key) == klen && !memcmp(key, reals[i].key, klen)) {
            *(double *)((char *)r + reals[i].off) = strtod(num, NULL);
            return 1;
        }
    return 0;
}

/* Applies one "key value" line to r (*cur: see apply_alloc); 0, or -1
 * when out of memory. */
static int apply(cs_runinfo *ri, cs_run *r, cs_alloc_site **cur, const char *key, size_t klen,
                 const char *v, size_t vlen)
{
    static const struct { const char *key; size_t off; } texts[] = {
        { "target", offsetof(cs_run, target) }, { "calls", offsetof(cs_run, calls) },
        { "cache", offsetof(cs_run, cache) }, { "apartment", offsetof(cs_run, apartment) },
        { "activation", offsetof(cs_run, activation) }, { "scenario", offsetof(cs_run, scenario) },
        { "error", offsetof(cs_run, error) }, { "heap_mode", offsetof(cs_run, heap_mode) },
        { "heap_walk", offsetof(cs_run, heap_walk) },
    };
    static const struct { const char *key; size_t off; } counts[] = {
        { "iterations", offsetof(cs_run, iterations) }, { "binds", offsetof(cs_run, binds) },
        { "getidsofnames_calls", offsetof(cs_run, getidsofnames_calls) },
        { "type_fallbacks", offsetof(cs_run, type_fallbacks) },
        { "cache_entries_end", offsetof(cs_run, cache_entries_end) },
        { "cache_bytes_end", offsetof(cs_run, cache_bytes_end) },
        { "outstanding_refs", offsetof(cs_run, release.outstanding_refs) },
    };
    char num[64];
    char *s;
    size_t i;
    int got;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (strlen(texts[i].key) == klen && !memcmp(key, texts[i].key, klen)) {
            if (!(s = keep(ri, v, vlen)))
                return -1;
            *(const char **)((char *)r + texts[i].off) = s;
            return 0;
        }
    snprintf(num, sizeof(num), "%.*s", (int)(vlen < 63 ? vlen : 63), v);
    for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        if (strlen(counts[i].key) == klen && !memcmp(key, counts[i].key, klen)) {
            *(long long *)((char *)r + counts[i].off) = to_ll(num, -1);
            return 0;
        }
    if ((got = apply_alloc(ri, r, cur, key, klen, v, vlen, num)))
        return got < 0 ? -1 : 0;
    if ((got = apply_gate(ri, r, key, klen, v, vlen)) || (got = apply_real(r, key, klen, num)))
        return got < 0 ? -1 : 0;
    if (IS("threads"))
        r->threads = (int)to_ll(num, 0);
    else if (IS("can_unload"))
        r->release.can_unload = (int)to_ll(num, -1);
    else if (IS("unloaded"))
        r->release.unloaded = (int)to_ll(num, -1);
    else if (IS("server_foreign"))
        r->release.foreign = (int)to_ll(num, 0);
    else if (IS("regressions"))
        r->regressions = (size_t)to_ll(num, 0);
    else if (IS("baseline") || ((IS("regression") || IS("fixed")) && r->nchanges < CS_MAX_CHANGES)) {
        if (!(s = keep(ri, v, vlen)))
            return -1;
        if (IS("baseline")) {
            r->baseline = s;
        } else {
            r->change_regression[r->nchanges] = IS("regression");
            r->changes[r->nchanges++] = s;
        }
    }
    else if (IS("finding") && !(ri->finding_kept = r->release.nfindings < CS_MAX_FINDINGS)) {
        ;                              /* past the most a run keeps: dropped */
    }
    else if (IS("finding")) {
        if (!(s = keep(ri, v, vlen)))
            return -1;
        r->release.categories[r->release.nfindings] = cs_judge_category_of(s);
        r->release.findings[r->release.nfindings++] = s;
        r->release.measured = 1;
    }
    return 0;                          /* unknown keys are skipped */
}
#undef IS

/* Starts a new record named name[0..n); NULL when out of memory. */
static cs_run *start(cs_runinfo *ri, const char *name, size_t n)
{
    cs_run *grown = realloc(ri->runs, (ri->n + 1) * sizeof(*grown)), *r;

    if (!grown)
        return NULL;
    ri->runs = grown;
    r = &ri->runs[ri->n];
    memset(r, 0, sizeof(*r));
    r->binds = r->getidsofnames_calls = r->type_fallbacks = -1;
    r->cache_entries_end = r->cache_bytes_end = -1;
    r->release.outstanding_refs = r->release.use_after_release = -1;
    r->release.can_unload = r->release.unloaded = -1;
    r->calls_per_second = r->seconds = r->sampling_seconds = r->loop_seconds = NAN;
    r->fail_on = 0;                   /* "fail_on" or "gate" sets it */
    if (!(r->name = keep(ri, name, n)))
        return NULL;
    ri->n++;
    return r;
}

int cs_runinfo_parse(const char *text, cs_runinfo *ri)
{
    const char *line, *nl, *sp;
    cs_alloc_site *cur = NULL;
    cs_run *r = NULL;

    memset(ri, 0, sizeof(*ri));
    for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
        size_t len;

        nl = strchr(line, '\n');
        len = nl ? (size_t)(nl - line) : strlen(line);
        if (len && line[len - 1] == '\r')
            len--;
        sp = memchr(line, ' ', len);
        if (len == 3 && !memcmp(line, "end", 3)) {
            r = NULL;
        } else if (sp && sp - line == 3 && !memcmp(line, "run", 3)) {
            if (!(r = start(ri, sp + 1, len - 4)))
                return -1;
            cur = NULL;
        } else if (r && sp && apply(ri, r, &cur, line, (size_t)(sp - line), sp + 1,
                                   len - (size_t)(sp - line) - 1)) {
            return -1;
        }
    }
    return 0;
}

const cs_run *cs_runinfo_find(const cs_runinfo *ri, const char *name)
{
    size_t i = ri->n;

    while (i-- > 0)                     /* the latest record of a name wins */
        if (!strcmp(ri->runs[i].name, name))
            return &ri->runs[i];
    return NULL;
}

void cs_runinfo_merge(const cs_run *rec, cs_run *r)
{
    size_t i;

    r->target = rec->target;
    r->calls = rec->calls;
    if (rec->cache)
        r->cache = rec->cache;
    r->apartment = rec->apartment;
    r->activation = rec->activation;
    r->scenario = rec->scenario;
    r->heap_mode = rec->heap_mode;
    r->heap_walk = rec->heap_walk;
    r->threads = rec->threads;
    if (rec->fail_on)
        r->fail_on = rec->fail_on;
    r->binds = rec->binds;
    r->getidsofnames_calls = rec->getidsofnames_calls;
    r->type_fallbacks = rec->type_fallbacks;
    r->seconds = isnan(rec->seconds) ? r->seconds : rec->seconds;
    r->calls_per_second = rec->calls_per_second;
    r->loop_seconds = rec->loop_seconds;
    r->sampling_seconds = rec->sampling_seconds;
    if (rec->error)
        r->error = rec->error;
    if (rec->status)
        r->status = rec->status;
    r->release.measured = 1;
    r->release.outstanding_refs = rec->release.outstanding_refs;
    r->release.can_unload = rec->release.can_unload;
    r->release.unloaded = rec->release.unloaded;
    r->release.foreign = rec->release.foreign;
    r->release.dropped = rec->release.dropped;
    r->release.nfindings = rec->release.nfindings;
    for (i = 0; i < rec->release.nfindings; i++) {
        r->release.findings[i] = rec->release.findings[i];
        r->release.categories[i] = rec->release.categories[i];
    }
    if (rec->baseline) {
        r->baseline = rec->baseline;
        r->nchanges = rec->nchanges;
        r->regressions = rec->regressions;
        for (i = 0; i < rec->nchanges; i++) {
            r->changes[i] = rec->changes[i];
            r->change_regression[i] = rec->change_regression[i];
        }
    }
    if (rec->allocs) {
        r->allocs = rec->allocs;
        r->nallocs = rec->nallocs;
    }
}

void cs_runinfo_free(cs_runinfo *ri)
{
    size_t i;

    for (i = 0; i < ri->nowned; i++)
        free(ri->owned[i]);
    free(ri->owned);
    free(ri->runs);
    memset(ri, 0, sizeof(*ri));
}
