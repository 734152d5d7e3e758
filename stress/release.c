/* Release checks; see release.h. */
#include <windows.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <math.h>
#include "release.h"
#include "mallocspy.h"

/* Appends one finding line and marks the checks failed. */
static void add(cs_release *r, cs_release_store *st, const char *fmt, ...)
{
    va_list ap;

    r->failed = 1;
    if (r->nfindings == 16)
        return;
    va_start(ap, fmt);
    vsnprintf(st->lines[r->nfindings], sizeof(st->lines[0]), fmt, ap);
    va_end(ap);
    r->findings[r->nfindings] = st->lines[r->nfindings];
    r->nfindings++;
}

/* "1 outstanding per iteration" or "37 outstanding" when not per iteration. */
static void per_iteration(char *buf, size_t len, long long n, long long iterations, const char *what)
{
    if (iterations > 0 && n >= iterations && n % iterations == 0)
        snprintf(buf, len, "%lld %s per iteration", n / iterations, what);
    else
        snprintf(buf, len, "%lld %s", n, what);
}

static void collect_ledger(cs_release *r, cs_release_store *st, cs_ledger *l, long long iterations)
{
    cs_ledger_finding f[8];
    cs_ledger_totals t;
    size_t n, i;
    char what[96];

    cs_ledger_totals_get(l, &t);
    r->outstanding_refs = t.outstanding_refs;
    r->use_after_release = t.use_after_release;
    n = cs_ledger_findings(l, f, 8);
    for (i = 0; i < n && i < 8; i++) {
        if (f[i].refs) {
            per_iteration(what, sizeof(what), f[i].refs, iterations, "outstanding");
            add(r, st, "refcount leak: IDispatch from %s, %s (iterations %lld..%lld)",
                f[i].origin, what, f[i].first_iteration, f[i].last_iteration);
        }
        if (f[i].use_after_release)
            add(r, st, "use after release: IDispatch from %s called %lld times after its last Release",
                f[i].origin, f[i].use_after_release);
    }
}

static void collect_probe(cs_release *r, cs_release_store *st, cs_target *t, long long iterations)
{
    cs_sample s;
    char what[96];
    int i;

    for (i = 0; i < CS_M_COUNT; i++)
        s.v[i] = NAN;
    cs_target_sample(t, &s);
    r->live_objects_end = isnan(s.v[CS_M_LIVE_OBJECTS]) ? -1 : (long)s.v[CS_M_LIVE_OBJECTS];
    r->locks_end = isnan(s.v[CS_M_SERVER_LOCKS]) ? -1 : (long)s.v[CS_M_SERVER_LOCKS];
    if (r->live_objects_end > 0) {
        per_iteration(what, sizeof(what), r->live_objects_end, iterations, "never freed");
        add(r, st, "object leak: server objects %s (server live-object counter)", what);
    }
    if (r->locks_end > 0)
        add(r, st, "lock leak: %ld server locks never released (DLL cannot unload)", r->locks_end);
}

/* Blocks left at call sites: only a steady per-call loss is a finding,
 * not a one-off cache fill. */
static void collect_spy(cs_release *r, cs_release_store *st, const char *const *calls,
                        size_t ncalls, long long iterations)
{
    cs_spy_site_stats s, tot;
    size_t i;

    cs_spy_totals(&tot);
    r->cotaskmem_live_blocks = tot.live_blocks;
    r->cotaskmem_live_bytes = tot.live_bytes;
    r->bstr_cache_off = cs_spy_bstr_cache_off();
    for (i = 0; i < ncalls && i + 1 < CS_SPY_SITES; i++) {
        cs_spy_site((int)i + 1, &s);
        if (iterations > 0 && s.live_blocks >= iterations / 2)
            add(r, st, "BSTR/CoTaskMem leak: %s, %.1f blocks (%.0f bytes) per call",
                calls[i], (double)s.live_blocks / iterations, (double)s.live_bytes / iterations);
    }
    cs_spy_site(0, &s);
    if (iterations > 0 && s.live_blocks >= iterations / 2)
        add(r, st, "BSTR/CoTaskMem leak: in the harness outside calls, %.1f blocks (%.0f bytes) per iteration",
            (double)s.live_blocks / iterations, (double)s.live_bytes / iterations);
}

void cs_release_collect(cs_release *r, cs_release_store *st, cs_target *t, cs_ledger *l,
                        int spy_on, const char *const *calls, size_t ncalls, long long iterations)
{
    memset(r, 0, sizeof(*r));
    r->measured = 1;
    r->outstanding_refs = r->use_after_release = -1;
    r->cotaskmem_live_blocks = r->cotaskmem_live_bytes = -1;
    r->can_unload = r->unloaded = -1;
    r->bstr_cache_off = -1;
    if (l)
        collect_ledger(r, st, l, iterations);
    collect_probe(r, st, t, iterations);
    if (spy_on)
        collect_spy(r, st, calls, ncalls, iterations);
}

void cs_release_unload(cs_release *r, cs_release_store *st, cs_target *t)
{
    HRESULT (WINAPI *can_unload)(void);
    HMODULE mod;

    if (!t->server_path[0])
        return;
    cs_target_close(t);                 /* the probe keeps the DLL busy */
    mod = GetModuleHandleA(t->server_path);
    if (!mod) {
        r->can_unload = r->unloaded = 1;  /* already gone */
        return;
    }
    can_unload = (void *)GetProcAddress(mod, "DllCanUnloadNow");
    r->can_unload = can_unload ? can_unload() == S_OK : -1;
    CoFreeUnusedLibrariesEx(0, 0);
    r->unloaded = GetModuleHandleA(t->server_path) == NULL;
    if (r->can_unload == 0)
        add(r, st, "unload: DllCanUnloadNow says S_FALSE after every object was released");
    if (!r->unloaded)
        add(r, st, "unload: the server DLL is still loaded after CoFreeUnusedLibrariesEx(0, 0)");
}
