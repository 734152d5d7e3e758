/*
 * Names of return addresses, remembered between collects.
 *
 * Opening dbghelp and reading the debug information of the modules a
 * stack goes through is most of what a collect costs: the better part of
 * a second under Wine, every time, because dbghelp forgets it all when it
 * is closed. A harness that collects again and again while the target
 * runs (comstress writes its allocation sites to disk as a run goes)
 * would pay that each time, and keeping dbghelp open instead would leave
 * its tables in the process heap, where a heap sampler walks them at
 * every sample. So the names found are kept here, in the tracer's private
 * heap (which samplers leave out), keyed by address: a collect whose
 * addresses are all known opens no dbghelp at all.
 *
 * An address names the same code only while the module list stays as it
 * was: when the loader has loaded or unloaded a module since the last
 * collect, the names kept are dropped. Changes made while a collect runs
 * (dbghelp loading itself) are taken as known when it ends.
 */
#include "trace_internal.h"

#include <string.h>

/* One address's expansion: frames[first .. first + n) of the store. */
typedef struct name_entry {
    uint64_t address;
    unsigned first, n;
} name_entry;

/* The store, sorted by address; every pointer into the private heap. */
static struct {
    name_entry *e;
    size_t n, cap;
    cs_trace_frame *frames;
    size_t nframes, capframes;
    LONG changes;               /* cs_patch_module_changes when last valid */
    volatile LONG opens;        /* dbghelp opened, for the stats */
} store;

/* Grows a private-heap array to room for need items of size each; FALSE
 * when out of memory (the array is left as it was). */
static BOOL grow(void **items, size_t *cap, size_t need, size_t size)
{
    size_t room = *cap ? *cap : 64;
    void *p;

    if (need <= *cap)
        return TRUE;
    while (room < need)
        room *= 2;
    p = *items ? cs_raw.realloc(cs_raw.heap, 0, *items, room * size) : cs_priv_alloc(room * size);
    if (!p)
        return FALSE;
    *items = p;
    *cap = room;
    return TRUE;
}

/* Index of address in the store, or where it would go (*found FALSE). */
static size_t find(uint64_t address, BOOL *found)
{
    size_t lo = 0, hi = store.n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (store.e[mid].address < address)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < store.n && store.e[lo].address == address;
    return lo;
}

/* Remembers frames[0..n) for address at index at (best effort: nothing is
 * kept when memory runs out). */
static void remember(size_t at, uint64_t address, const cs_trace_frame *frames, unsigned n)
{
    if (!grow((void **)&store.e, &store.cap, store.n + 1, sizeof(*store.e))
        || !grow((void **)&store.frames, &store.capframes, store.nframes + n, sizeof(*store.frames)))
        return;
    memmove(&store.e[at + 1], &store.e[at], (store.n - at) * sizeof(*store.e));
    store.e[at].address = address;
    store.e[at].first = (unsigned)store.nframes;
    store.e[at].n = n;
    store.n++;
    memcpy(&store.frames[store.nframes], frames, n * sizeof(*frames));
    store.nframes += n;
}

void cs_names_begin(cs_names *names, BOOL no_symbols)
{
    names->sym = NULL;
    names->opened = FALSE;
    names->no_symbols = no_symbols;
    names->dw = NULL;
    if (store.changes != cs_patch_module_changes())
        store.n = store.nframes = 0;          /* another module list */
}

/* Copies an expansion of n frames into out (room for max >= 1) as
 * cs_symbols_expand would have written it with that room: the inlined
 * calls that fit, then always the function that holds them. */
static unsigned copy_out(const cs_trace_frame *frames, unsigned n, cs_trace_frame *out, unsigned max)
{
    if (n <= max) {
        memcpy(out, frames, n * sizeof(*frames));
        return n;
    }
    memcpy(out, frames, (max - 1) * sizeof(*frames));
    out[max - 1] = frames[n - 1];
    return max;
}

/* dbghelp's naming of address into help (opened now if not yet); the
 * number of frames, 0 without dbghelp. */
static unsigned ask_dbghelp(cs_names *names, uint64_t address, cs_trace_frame *help)
{
    if (!names->opened) {
        names->sym = cs_symbols_open();       /* the first address it is needed for */
        names->opened = TRUE;
        InterlockedIncrement(&store.opens);
    }
    return names->sym ? cs_symbols_expand(names->sym, address, help, CS_TRACE_MAX_FRAMES) : 0;
}

unsigned cs_names_expand(cs_names *names, uint64_t address, cs_trace_frame *out, unsigned max)
{
    cs_trace_frame all[CS_TRACE_MAX_FRAMES], help[CS_TRACE_MAX_FRAMES], f;
    BOOL found;
    size_t at = find(address, &found);
    unsigned n, nhelp;

    if (found && !names->no_symbols)
        return copy_out(&store.frames[store.e[at].first], store.e[at].n, out, max);
    cs_symbols_module(address, &f);
    if (names->no_symbols) {
        out[0] = f;
        return 1;
    }
    if (!names->dw)
        names->dw = cs_dwarf_open(FALSE);
    /* The module's own information first; dbghelp where it knows more
     * (no line from the module: a PDB of an MSVC build, say). */
    n = cs_dwarf_expand(names->dw, &f, all, CS_TRACE_MAX_FRAMES);
    if (!n || !all[0].line) {
        nhelp = ask_dbghelp(names, address, help);
        n = cs_symbols_choose(all, n, help, nhelp, CS_TRACE_MAX_FRAMES);
    }
    if (!n) {
        all[0] = f;
        n = 1;
    }
    if (names->sym || names->dw)
        remember(at, address, all, n);        /* names found by nothing are not kept */
    return copy_out(all, n, out, max);
}

void cs_names_hint(cs_names *names, cs_trace_site *site)
{
    const cs_trace_frame *f = &site->frames[0];

    site->hint[0] = 0;
    if (!site->nframes || f->line || !f->traced || !f->path[0] || names->no_symbols)
        return;                 /* only the target's own code is the user's to rebuild */
    if (!names->dw)
        names->dw = cs_dwarf_open(FALSE);
    cs_dwarf_hint(names->dw, f, site->hint, sizeof(site->hint));
}

void cs_names_end(cs_names *names)
{
    cs_symbols_close(names->sym);
    names->sym = NULL;
    cs_dwarf_close(names->dw);
    names->dw = NULL;
    store.changes = cs_patch_module_changes();
}

LONG cs_names_opens(void)
{
    return store.opens;
}

void cs_names_reset(void)
{
    memset(&store, 0, sizeof(store));
}
