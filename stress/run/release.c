/* Release checks; see release.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "paths.h"
#include "release.h"
#include "mallocspy.h"

static void collect_ledger(cs_release *r, cs_release_store *st, cs_ledger *l, long long iterations)
{
    cs_ledger_finding f[8];
    cs_ledger_totals t;
    size_t n, i;

    cs_ledger_totals_get(l, &t);
    r->outstanding_refs = t.outstanding_refs;
    r->use_after_release = t.use_after_release;
    n = cs_ledger_findings(l, f, 8);
    for (i = 0; i < n && i < 8; i++)
        cs_release_judge_ledger(r, st, f[i].origin, f[i].refs, f[i].use_after_release,
                                f[i].first_iteration, f[i].last_iteration, iterations);
}

static void collect_probe(cs_release *r, cs_release_store *st, cs_target *t, long long iterations)
{
    cs_sample s;
    int i;

    for (i = 0; i < CS_M_COUNT; i++)
        s.v[i] = NAN;
    cs_target_sample(t, &s);
    r->live_objects_end = isnan(s.v[CS_M_LIVE_OBJECTS]) ? -1 : (long)s.v[CS_M_LIVE_OBJECTS];
    r->locks_end = isnan(s.v[CS_M_SERVER_LOCKS]) ? -1 : (long)s.v[CS_M_SERVER_LOCKS];
    cs_release_judge_probe(r, st, iterations);
}

/* Blocks left at site since the spy mark (the end of the warm-up) when
 * one was taken, and over how many iterations. */
static long long spy_since_mark(int site, const cs_run_extra *x, long long iterations, cs_spy_site_stats *s)
{
    cs_spy_site(site, s);
    if (!x || x->spy_at <= 0 || x->spy_at >= iterations)
        return iterations;
    s->live_blocks -= x->spy[site].live_blocks;
    s->live_bytes -= x->spy[site].live_bytes;
    return iterations - x->spy_at;
}

/* Blocks left at call sites: only a steady per-call loss after the
 * warm-up is a finding, not a one-off cache fill (type information loaded
 * by the first call of a member). */
static void collect_spy(cs_release *r, cs_release_store *st, const char *const *calls,
                        size_t ncalls, const cs_run_extra *x, long long iterations)
{
    cs_spy_site_stats s, tot;
    long long n;
    size_t i;

    cs_spy_totals(&tot);
    r->cotaskmem_live_blocks = tot.live_blocks;
    r->cotaskmem_live_bytes = tot.live_bytes;
    r->bstr_cache_off = cs_spy_bstr_cache_off();
    for (i = 0; i < ncalls && i + 1 < CS_SPY_SITES; i++) {
        n = spy_since_mark((int)i + 1, x, iterations, &s);
        cs_release_judge_site(r, st, calls[i], s.live_blocks, s.live_bytes, n);
    }
    n = spy_since_mark(0, x, iterations, &s);
    cs_release_judge_site(r, st, NULL, s.live_blocks, s.live_bytes, n);
}

/* Event sinks someone still held after their iteration: the server's
 * fault (kept after Unadvise, or by a released source) or the client's
 * cycle (never unadvised). */
static void collect_sinks(cs_release *r, cs_release_store *st, const cs_run_sinks *sinks, long long iterations)
{
    size_t i;

    for (i = 0; sinks && i < sinks->n; i++) {
        const cs_sink_finding *f = &sinks->f[i];
        cs_release_judge_sink(r, st, cs_sink_verdict_text(f->verdict), f->verdict == CS_SINK_CYCLE, f->line,
                              f->text, f->sinks, f->refs, f->first_iteration, f->last_iteration, iterations);
    }
}

void cs_release_collect(cs_release *r, cs_release_store *st, cs_target *t, cs_ledger *l,
                        int spy_on, const char *const *calls, size_t ncalls,
                        const cs_run_extra *extra, long long iterations)
{
    cs_release_init(r);
    if (l)
        collect_ledger(r, st, l, iterations);
    if (extra)
        collect_sinks(r, st, &extra->sinks, iterations);
    collect_probe(r, st, t, iterations);
    if (spy_on)
        collect_spy(r, st, calls, ncalls, extra, iterations);
}

void cs_release_unload(cs_release *r, cs_release_store *st, cs_target *t)
{
    HRESULT (WINAPI *can_unload)(void);
    HMODULE mod;
    WCHAR *wpath;
    int ours = t->probe != NULL;

    if (!t->server_path[0])
        return;
    cs_target_close(t);                 /* the probe keeps the DLL busy */
    if (t->from_dll) {
        cs_dll_unload(&t->dll, &r->can_unload, &r->unloaded);
        cs_release_judge_unload(r, st, ours, "FreeLibrary");
        return;
    }
    wpath = cs_wide_path(t->server_path);
    mod = wpath ? GetModuleHandleW(wpath) : NULL;
    if (!mod) {
        r->can_unload = r->unloaded = 1;  /* already gone */
        free(wpath);
        return;
    }
    can_unload = (void *)GetProcAddress(mod, "DllCanUnloadNow");
    r->can_unload = can_unload ? can_unload() == S_OK : -1;
    CoFreeUnusedLibrariesEx(0, 0);
    r->unloaded = GetModuleHandleW(wpath) == NULL;
    free(wpath);
    cs_release_judge_unload(r, st, ours, "CoFreeUnusedLibrariesEx(0, 0)");
}
