/* Grouping and classification of outstanding allocations (see trace_groups.h). */
#include "trace_groups.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[CS_TRACE_KIND_COUNT] = {
    [CS_TRACE_KIND_HEAP] = "heap",
    [CS_TRACE_KIND_CRT] = "crt",
    [CS_TRACE_KIND_LOCAL] = "local",
    [CS_TRACE_KIND_GLOBAL] = "global",
    [CS_TRACE_KIND_COTASKMEM] = "cotaskmem",
    [CS_TRACE_KIND_BSTR] = "bstr",
};

const char *cs_trace_kind_name(cs_trace_kind kind)
{
    return (unsigned)kind < CS_TRACE_KIND_COUNT ? kind_names[kind] : "";
}

const char *cs_trace_class_name(cs_trace_class cls)
{
    switch (cls) {
    case CS_TRACE_LEAK: return "leak";
    case CS_TRACE_PLATEAU: return "plateau";
    case CS_TRACE_ONE_OFF: return "one-off";
    }
    return "";
}

uint32_t cs_trace_stack_hash(const uintptr_t *frames, uint32_t nframes)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ nframes;
    uint32_t i;

    /* Independent products (each frame times its own odd factor), so the
     * multiplications overlap; one mix at the end. */
    for (i = 0; i < nframes; i++)
        h += ((uint64_t)frames[i] ^ (frames[i] >> 29)) * (0xff51afd7ed558ccdull + 2 * i);
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)(h ^ (h >> 32));
}

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

/* Same group: same stack (hash first, then the frames) and statement. */
static int same_group(const cs_trace_record *a, const cs_trace_record *b)
{
    return a->stack_hash == b->stack_hash && a->statement == b->statement
        && a->nframes == b->nframes
        && (a->frames == b->frames
            || !memcmp(a->frames, b->frames, a->nframes * sizeof(*a->frames)));
}

/* Record order: stack hash, statement, frames, then iteration. */
static int cmp_records(const void *pa, const void *pb)
{
    const cs_trace_record *a = pa, *b = pb;
    uint32_t i;
    int c;

    if (a->stack_hash != b->stack_hash)
        return a->stack_hash < b->stack_hash ? -1 : 1;
    if (a->statement != b->statement)
        return a->statement < b->statement ? -1 : 1;
    if (a->nframes != b->nframes)
        return a->nframes < b->nframes ? -1 : 1;
    for (i = 0; i < a->nframes && a->frames != b->frames; i++)
        if (a->frames[i] != b->frames[i])
            return a->frames[i] < b->frames[i] ? -1 : 1;
    if ((c = cmp_i64(a->iteration, b->iteration)))
        return c;
    return a->size < b->size ? -1 : a->size > b->size;
}

/* Group order: class, bytes per iteration, bytes (descending), hash. */
static int cmp_groups(const void *pa, const void *pb)
{
    const cs_trace_group *a = pa, *b = pb;

    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->bytes_per_iteration != b->bytes_per_iteration)
        return a->bytes_per_iteration > b->bytes_per_iteration ? -1 : 1;
    if (a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    if (a->stack_hash != b->stack_hash)
        return a->stack_hash < b->stack_hash ? -1 : 1;
    return a->statement < b->statement ? -1 : a->statement > b->statement;
}

/* The run's range cut in pieces; valid is 0 when there is no range. */
typedef struct range_split {
    int valid;
    int64_t first, last;
    int64_t mid;        /* the second half starts here */
    int64_t tail;       /* the last quarter starts here */
    double length, early_length, late_length, tail_length;
} range_split;

static range_split split_range(int64_t first, int64_t last)
{
    range_split r = { 0 };
    uint64_t n, tail_n;

    if (last < first || first == CS_TRACE_NO_ITERATION)
        return r;
    n = (uint64_t)last - (uint64_t)first + 1;
    tail_n = n / 4 ? n / 4 : 1;
    r.valid = 1;
    r.first = first;
    r.last = last;
    r.mid = first + (int64_t)(n / 2);
    r.tail = last - (int64_t)tail_n + 1;
    r.length = (double)n;
    r.early_length = (double)(n / 2);
    r.late_length = (double)(n - n / 2);
    r.tail_length = (double)tail_n;
    return r;
}

/* Sums one group's records [from, to) and classifies it. */
static void measure_group(const cs_trace_record *rec, size_t from, size_t to,
                          const range_split *r, cs_trace_group *g)
{
    size_t i, early = 0, tail = 0;
    int64_t last_late = CS_TRACE_NO_ITERATION;
    double early_rate, late_rate;

    memset(g, 0, sizeof(*g));
    g->frames = rec[from].frames;
    g->nframes = rec[from].nframes;
    g->stack_hash = rec[from].stack_hash;
    g->statement = rec[from].statement;
    g->kind = rec[from].kind;
    g->first = from;
    g->first_iteration = g->last_iteration = CS_TRACE_NO_ITERATION;
    for (i = from; i < to; i++) {
        int64_t it = rec[i].iteration;
        g->blocks++;
        g->bytes += rec[i].size;
        if (!r->valid || it == CS_TRACE_NO_ITERATION || it < r->first || it > r->last)
            continue;
        if (!g->blocks_in_range++)
            g->first_iteration = it;
        g->last_iteration = it;     /* records are in iteration order */
        if (it < r->mid) {
            early++;
            continue;
        }
        g->late_blocks++;
        g->late_bytes += rec[i].size;
        if (it != last_late)
            g->late_iterations++;
        last_late = it;
        if (it >= r->tail)
            tail++;
    }
    if (r->valid) {
        g->blocks_per_iteration = (double)g->late_blocks / r->late_length;
        g->bytes_per_iteration = (double)g->late_bytes / r->late_length;
    }
    early_rate = r->early_length > 0 ? (double)early / r->early_length : 0;
    late_rate = g->blocks_per_iteration;
    if (r->valid && g->late_iterations >= 2 && 2 * late_rate >= early_rate
        && 2 * (double)tail / r->tail_length >= (double)g->blocks_in_range / r->length)
        g->cls = CS_TRACE_LEAK;
    else if (g->blocks_in_range == 0 || g->first_iteration == g->last_iteration)
        g->cls = CS_TRACE_ONE_OFF;
    else
        g->cls = CS_TRACE_PLATEAU;
}

size_t cs_trace_group_records(cs_trace_record *records, size_t n, int64_t first_iteration,
                              int64_t last_iteration, cs_trace_group *groups)
{
    range_split r = split_range(first_iteration, last_iteration);
    size_t i, start = 0, count = 0;

    if (n == 0)
        return 0;
    qsort(records, n, sizeof(*records), cmp_records);
    for (i = 1; i <= n; i++) {
        if (i < n && same_group(&records[start], &records[i]))
            continue;
        measure_group(records, start, i, &r, &groups[count++]);
        start = i;
    }
    qsort(groups, count, sizeof(*groups), cmp_groups);
    return count;
}
