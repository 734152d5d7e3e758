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
        cs_release_judge_site(r, st, calls[i], s.live_blocks, s.live_bytes, iterations);
    }
    cs_spy_site(0, &s);
    cs_release_judge_site(r, st, NULL, s.live_blocks, s.live_bytes, iterations);
}

void cs_release_collect(cs_release *r, cs_release_store *st, cs_target *t, cs_ledger *l,
                        int spy_on, const char *const *calls, size_t ncalls, long long iterations)
{
    cs_release_init(r);
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
    WCHAR *wpath;

    if (!t->server_path[0])
        return;
    cs_target_close(t);                 /* the probe keeps the DLL busy */
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
    cs_release_judge_unload(r, st);
}
