/* The release rules: see release_rules.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "release_rules.h"
#include "say.h"

void cs_release_init(cs_release *r)
{
    memset(r, 0, sizeof(*r));
    r->measured = 1;
    r->outstanding_refs = r->use_after_release = -1;
    r->live_objects_end = r->locks_end = -1;
    r->cotaskmem_live_blocks = r->cotaskmem_live_bytes = -1;
    r->can_unload = r->unloaded = -1;
    r->bstr_cache_off = -1;
}

void cs_release_add(cs_release *r, cs_release_store *st, unsigned category, const char *fmt, ...)
{
    char *line;
    va_list ap;

    if (r->nfindings == CS_MAX_FINDINGS) {
        r->dropped |= category;
        return;
    }
    line = st->lines[r->nfindings];
    va_start(ap, fmt);
    vsnprintf(line, CS_FINDING_LEN, fmt, ap);
    va_end(ap);
    r->findings[r->nfindings] = line;
    r->categories[r->nfindings] = category;
    r->nfindings++;
}

void cs_per_iteration(char *buf, size_t len, long long n, long long iterations, const char *what)
{
    if (iterations > 0 && n >= iterations && n % iterations == 0)
        snprintf(buf, len, "%lld %s per iteration", n / iterations, what);
    else
        snprintf(buf, len, "%lld %s", n, what);
}

void cs_release_judge_ledger(cs_release *r, cs_release_store *st, const char *origin,
                             long long refs, long long use_after_release,
                             long long first, long long last, long long iterations)
{
    char what[96];

    if (refs) {
        cs_per_iteration(what, sizeof(what), refs, iterations, "outstanding");
        cs_release_add(r, st, CS_FAIL_REFS, "refcount leak: IDispatch from %s, %s (iterations %lld..%lld)",
                       origin, what, first, last);
    }
    if (use_after_release)
        cs_release_add(r, st, CS_FAIL_REFS,
                       "use after release: IDispatch from %s called %lld times after its last Release",
                       origin, use_after_release);
}

void cs_release_judge_probe(cs_release *r, cs_release_store *st, long long iterations)
{
    char what[96];

    if (r->live_objects_end > 0) {
        cs_per_iteration(what, sizeof(what), r->live_objects_end, iterations, "never freed");
        cs_release_add(r, st, CS_FAIL_OBJECTS, "object leak: server objects %s (server live-object counter)",
                       what);
    }
    if (r->locks_end > 0)
        cs_release_add(r, st, CS_FAIL_OBJECTS, "lock leak: %ld server locks never released (DLL cannot unload)",
                       r->locks_end);
}

void cs_release_judge_site(cs_release *r, cs_release_store *st, const char *call,
                           long long live_blocks, long long live_bytes, long long iterations)
{
    /* at least half a block per iteration, in whole numbers: nothing left
     * is never a finding, however short the run */
    if (iterations <= 0 || live_blocks <= 0 || 2 * live_blocks < iterations)
        return;
    if (call)
        cs_release_add(r, st, CS_FAIL_BLOCKS, "BSTR/CoTaskMem leak: %s, %.1f blocks (%.0f bytes) per call",
                       call, (double)live_blocks / iterations, (double)live_bytes / iterations);
    else
        cs_release_add(r, st, CS_FAIL_BLOCKS, "BSTR/CoTaskMem leak: in the harness outside calls, "
                       "%.1f blocks (%.0f bytes) per iteration",
                       (double)live_blocks / iterations, (double)live_bytes / iterations);
}

void cs_release_judge_unload(cs_release *r, cs_release_store *st, int ours, const char *freed_by)
{
    r->foreign = !ours;
    if (r->can_unload == 0)
        cs_release_add(r, st, CS_FAIL_UNLOAD, "unload: DllCanUnloadNow says S_FALSE after every object was "
                       "released");
    if (r->unloaded == 0)
        cs_release_add(r, st, CS_FAIL_UNLOAD, "unload: the server DLL is still loaded after %s", freed_by);
}

void cs_release_judge_sink(cs_release *r, cs_release_store *st, const char *verdict, int client_side,
                           int line, const char *text, long long sinks, long long refs,
                           long long first, long long last, long long iterations)
{
    char where[CS_FINDING_LEN], held[64], each[64];

    if (sinks <= 0)
        return;
    if (line)
        snprintf(where, sizeof(where), "line %d: %s", line, text);
    else
        snprintf(where, sizeof(where), "%s", text);
    cs_per_iteration(held, sizeof(held), sinks, iterations, "held");
    if (refs % sinks == 0)
        snprintf(each, sizeof(each), "%lld reference%s each", refs / sinks, refs == sinks ? "" : "s");
    else
        snprintf(each, sizeof(each), "%lld references in all", refs);
    cs_release_add(r, st, CS_FAIL_REFS, "sink %s: %s (%s), %s, %s (iterations %lld..%lld)",
                   client_side ? "cycle" : "leak", verdict, where, held, each, first, last);
}

void cs_release_judge_alloc(cs_release *r, cs_release_store *st, const cs_alloc_site *a)
{
    const char *what = !strcmp(a->kind, "bstr") ? "BSTR leak"
                       : !strcmp(a->kind, "cotaskmem") ? "CoTaskMem leak" : "heap leak";
    char amount[64], head[CS_FINDING_LEN], site[CS_FINDING_LEN];
    size_t room;
    int n;

    if (strcmp(a->cls, "leak"))
        return;
    if (a->blocks_per_iteration < 0.995 || a->blocks_per_iteration > 1.005)
        snprintf(amount, sizeof(amount), "%.2f B (%.2f blocks)", a->bytes_per_iteration,
                 a->blocks_per_iteration);
    else
        snprintf(amount, sizeof(amount), "%.0f B", a->bytes_per_iteration);
    if (a->call)
        n = snprintf(head, sizeof(head), "%s: %s per call of %s, allocated in ", what, amount, a->call);
    else
        n = snprintf(head, sizeof(head), "%s: %s per iteration, allocated in ", what, amount);
    /* the site takes what the line has left, cut between frames */
    room = n > 0 && (size_t)n < sizeof(head) - 16 ? sizeof(head) - (size_t)n : 16;
    cs_release_add(r, st, CS_FAIL_BLOCKS, "%s%s", head, cs_cut_frames(a->site, site, room));
}
