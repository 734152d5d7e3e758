/*
 * CoTaskMem / BSTR accounting through IMallocSpy. Every block allocated
 * while the spy is registered is recorded (address -> size and the call
 * site current on the allocating thread) in a table kept in a private heap,
 * so live blocks and bytes are known per site. Blocks get no headers:
 * Wine frees some CoTaskMem blocks by other routes, and a changed block
 * layout turned that into heap corruption (a failing type-library name
 * look-up crashed the process).
 *
 * oleaut32 caches freed BSTRs, which hides frees: cs_spy_start turns the
 * cache off (SetOaNoCache) unless told to keep it, and reports whether it
 * is off so reports can say so.
 */
#ifndef CS_MALLOCSPY_H
#define CS_MALLOCSPY_H

#include <windows.h>

#define CS_SPY_SITES 32      /* site 0: outside any call; 1..31: call sites */

typedef struct cs_spy_site_stats {
    long long allocs, frees;
    long long live_blocks, live_bytes;
} cs_spy_site_stats;

/* Registers the spy (CoRegisterMallocSpy). keep_bstr_cache: leave
 * oleaut32's BSTR cache on. Returns S_OK or the failure. */
HRESULT cs_spy_start(BOOL keep_bstr_cache);

/* Revokes the spy; blocks still live stay counted. */
void cs_spy_stop(void);

/* The private heap of the spy's table (for cs_samplers_exclude_heap). */
HANDLE cs_spy_heap(void);

/* TRUE when the BSTR cache was turned off by cs_spy_start. */
BOOL cs_spy_bstr_cache_off(void);

/* The call site the current thread is in (0 = none); cheap (TLS). */
void cs_spy_set_site(int site);

/* Makes the current figures the zero of later cs_spy_site/cs_spy_totals
 * readings (one run after another in the same process). */
void cs_spy_mark(void);

/* Totals over every site, and one site's figures, since the last mark. */
void cs_spy_totals(cs_spy_site_stats *out);
void cs_spy_site(int site, cs_spy_site_stats *out);

#endif
