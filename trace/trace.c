/*
 * The tracing session: start, per-thread context, collect, format, stop.
 * See trace.h for the contract and trace_internal.h for the lifetimes.
 */
#include "trace_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile LONG cs_trace_on;
volatile LONG cs_trace_inflight;
cs_trace_raw cs_raw;

/* 0: off, 1: on (or starting, or stopping). */
static volatile LONG session;

volatile LONG64 cs_trace_latest_iteration = CS_TRACE_NO_ITERATION;
volatile LONG cs_trace_latest_statement = CS_TRACE_NO_STATEMENT;

/* Iterations given to cs_trace_set_context, for a collect without range. */
static volatile LONG64 seen_first = INT64_MAX, seen_last = INT64_MIN;

#define DEFAULT_SITES 32

/* Serialises the naming of frames (the name cache, dbghelp). */
static SRWLOCK names_lock = SRWLOCK_INIT;

/* How long cs_trace_stop waits for hooks in progress. */
#define DRAIN_MS 5000

/*
 * Stops a session at any stage of its start: the gate first, then the
 * slots, then the data. A hook still inside the gate after DRAIN_MS (one
 * an exception unwound, which never left it) keeps the private heap alive:
 * it is leaked rather than freed under a thread that may still read it.
 */
static void shutdown_session(void)
{
    DWORD start = GetTickCount();

    cs_trace_on = 0;
    MemoryBarrier();
    while (cs_trace_inflight && GetTickCount() - start < DRAIN_MS)
        SwitchToThread();
    cs_patch_stop();
    if (cs_trace_inflight)
        return;
    cs_table_reset();
    if (cs_raw.heap)
        HeapDestroy(cs_raw.heap);
    cs_raw.heap = NULL;
}

HRESULT cs_trace_start(const cs_trace_config *config)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    HRESULT hr;

    if (!config || config->depth > CS_TRACE_MAX_FRAMES
        || (!config->target && !(config->extra_modules && config->extra_modules[0])))
        return E_INVALIDARG;
    if (InterlockedCompareExchange(&session, 1, 0) != 0)
        return HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED);
    cs_raw.alloc = (cs_rtl_alloc_fn)(void *)GetProcAddress(ntdll, "RtlAllocateHeap");
    cs_raw.realloc = (cs_rtl_realloc_fn)(void *)GetProcAddress(ntdll, "RtlReAllocateHeap");
    cs_raw.free = (cs_rtl_free_fn)(void *)GetProcAddress(ntdll, "RtlFreeHeap");
    if (!cs_raw.alloc || !cs_raw.realloc || !cs_raw.free) {
        session = 0;
        return E_NOTIMPL;
    }
    if (!(cs_raw.heap = HeapCreate(0, 0, 0))) {
        hr = HRESULT_FROM_WIN32(GetLastError());
        session = 0;
        return hr;
    }
    cs_trace_depth = config->depth ? config->depth : CS_TRACE_MAX_FRAMES;
    seen_first = INT64_MAX;
    seen_last = INT64_MIN;
    cs_trace_latest_iteration = CS_TRACE_NO_ITERATION;
    cs_trace_latest_statement = CS_TRACE_NO_STATEMENT;
    if (FAILED(hr = cs_table_init()))
        goto out_shutdown;
    cs_trace_on = 1;
    if (FAILED(hr = cs_patch_start(config)))
        goto out_shutdown;
    return S_OK;

out_shutdown:
    shutdown_session();
    session = 0;
    return hr;
}

void cs_trace_stop(void)
{
    if (session != 1)
        return;
    AcquireSRWLockExclusive(&names_lock);
    cs_names_reset();                   /* its memory goes with the heap */
    ReleaseSRWLockExclusive(&names_lock);
    shutdown_session();
    session = 0;
}

BOOL cs_trace_active(void)
{
    return cs_trace_on != 0;
}

HANDLE cs_trace_heap(void)
{
    return cs_trace_on ? cs_raw.heap : NULL;
}

/* Lowers *at to v (or raises it, when up) unless another thread went further. */
static void extend(volatile LONG64 *at, int64_t v, BOOL up)
{
    LONG64 seen;

    while ((seen = *at), up ? seen < v : seen > v)
        if (InterlockedCompareExchange64(at, v, seen) == seen)
            break;
}

void cs_trace_set_context(int64_t iteration, int32_t statement)
{
    cs_trace_thread *t;

    if (!cs_gate_enter())
        return;
    if ((t = cs_thread_state())) {
        t->iteration = iteration;
        t->statement = statement;
        t->context_set = TRUE;
    }
    if (iteration != CS_TRACE_NO_ITERATION) {
        extend(&seen_first, iteration, FALSE);
        extend(&seen_last, iteration, TRUE);
        cs_trace_latest_statement = statement;
        cs_trace_latest_iteration = iteration;
    }
    cs_gate_leave();
}

void cs_trace_get_stats(cs_trace_stats *s)
{
    memset(s, 0, sizeof(*s));
    s->first_iteration = s->last_iteration = CS_TRACE_NO_ITERATION;
    if (!cs_gate_enter())
        return;
    cs_patch_counts(&s->modules_traced, &s->modules_watched, &s->slots_patched,
                    &s->load_notifications);
    cs_table_counts(&s->allocations, &s->frees, &s->live_blocks, &s->live_bytes);
    s->symbol_opens = cs_names_opens();
    if (seen_first <= seen_last) {
        s->first_iteration = seen_first;
        s->last_iteration = seen_last;
    }
    cs_gate_leave();
}

/* Copies the live records into a private-heap array (*n of them). */
static cs_trace_record *snapshot(size_t *n)
{
    size_t cap = 1024, total;
    cs_trace_record *records;

    for (;;) {
        if (!(records = cs_priv_alloc(cap * sizeof(*records))))
            return NULL;
        if ((total = cs_table_snapshot(records, cap)) <= cap)
            break;
        cs_raw.free(cs_raw.heap, 0, records);
        cap = total + total / 4 + 64;   /* more may arrive meanwhile */
    }
    *n = total;
    return records;
}

/* Fills a site from its group; frames are symbolised later. */
static void fill_site(cs_trace_site *site, const cs_trace_group *g)
{
    unsigned i;

    memset(site, 0, sizeof(*site));
    site->cls = g->cls;
    site->kind = g->kind;
    site->statement = g->statement;
    site->blocks = g->blocks;
    site->bytes = g->bytes;
    site->blocks_per_iteration = g->blocks_per_iteration;
    site->bytes_per_iteration = g->bytes_per_iteration;
    site->first_iteration = g->first_iteration;
    site->last_iteration = g->last_iteration;
    site->nframes = g->nframes;
    for (i = 0; i < g->nframes; i++)
        site->frames[i].address = g->frames[i];
}

/* Groups the records into a new report (malloc'd) holding max_sites. */
static cs_trace_report *build_report(cs_trace_record *records, size_t n, int64_t first,
                                     int64_t last, size_t max_sites)
{
    cs_trace_group *groups = cs_priv_alloc((n ? n : 1) * sizeof(*groups));
    cs_trace_report *r = NULL;
    size_t ngroups, keep, i;

    if (!groups)
        return NULL;
    ngroups = cs_trace_group_records(records, n, first, last, groups);
    keep = ngroups < max_sites ? ngroups : max_sites;
    if (!(r = calloc(1, sizeof(*r) + keep * sizeof(r->sites[0]))))
        goto out_free;
    r->first_iteration = first;
    r->last_iteration = last;
    r->ngroups = ngroups;
    r->nsites = keep;
    for (i = 0; i < n; i++) {
        r->blocks++;
        r->bytes += records[i].size;
    }
    for (i = 0; i < keep; i++)
        fill_site(&r->sites[i], &groups[i]);
out_free:
    cs_raw.free(cs_raw.heap, 0, groups);
    return r;
}

/* Replaces a site's addresses by symbolised frames, inlined calls
 * expanded (the deepest frames give way when they no longer fit). */
static void symbolise_site(cs_names *names, cs_trace_site *site)
{
    uint64_t raw[CS_TRACE_MAX_FRAMES];
    unsigned nraw = site->nframes, i, n = 0;

    for (i = 0; i < nraw; i++)
        raw[i] = site->frames[i].address;
    for (i = 0; i < nraw && n < CS_TRACE_MAX_FRAMES; i++)
        n += cs_names_expand(names, raw[i], &site->frames[n], CS_TRACE_MAX_FRAMES - n);
    site->nframes = n;
}

HRESULT cs_trace_collect(const cs_trace_collect_options *options, cs_trace_report **report)
{
    cs_trace_collect_options opt = { 1, 0, DEFAULT_SITES, FALSE };
    cs_trace_record *records;
    cs_names names;
    size_t n = 0, i;

    if (!report)
        return E_POINTER;
    *report = NULL;
    if (options)
        opt = *options;
    if (!opt.max_sites)
        opt.max_sites = DEFAULT_SITES;
    if (!cs_gate_enter())
        return E_UNEXPECTED;
    if (opt.first_iteration > opt.last_iteration) {
        opt.first_iteration = seen_first <= seen_last ? seen_first : CS_TRACE_NO_ITERATION;
        opt.last_iteration = seen_first <= seen_last ? seen_last : CS_TRACE_NO_ITERATION;
    }
    if ((records = snapshot(&n))) {
        *report = build_report(records, n, opt.first_iteration, opt.last_iteration,
                               opt.max_sites);
        cs_raw.free(cs_raw.heap, 0, records);
    }
    if (*report) {
        AcquireSRWLockExclusive(&names_lock);
        cs_names_begin(&names, opt.no_symbols);
        for (i = 0; i < (*report)->nsites; i++) {
            symbolise_site(&names, &(*report)->sites[i]);
            cs_names_hint(&names, &(*report)->sites[i]);
        }
        cs_names_end(&names);
        ReleaseSRWLockExclusive(&names_lock);
    }
    cs_gate_leave();
    return *report ? S_OK : E_OUTOFMEMORY;
}

unsigned cs_trace_name_frames(const cs_trace_frame *raw, unsigned n, cs_trace_frame *out, unsigned max)
{
    cs_trace_frame help[CS_TRACE_MAX_FRAMES];
    cs_dwarf *dw = cs_dwarf_open(TRUE);
    cs_symbols *sym = NULL;
    BOOL opened = FALSE;
    unsigned i, k = 0, got, nhelp;

    for (i = 0; i < n && k < max; i++) {
        got = cs_dwarf_expand(dw, &raw[i], &out[k], max - k);
        if (!got || !out[k].line) {           /* dbghelp where it knows more */
            if (!opened)
                sym = cs_symbols_open_offline();
            opened = TRUE;
            nhelp = sym ? cs_symbols_expand_raw(sym, &raw[i], help, CS_TRACE_MAX_FRAMES) : 0;
            got = cs_symbols_choose(&out[k], got, help, nhelp, max - k);
        }
        if (!got)
            out[k] = raw[i], got = 1;
        k += got;
    }
    cs_symbols_close(sym);
    cs_dwarf_close(dw);
    return k;
}

void cs_trace_site_hint(cs_trace_site *site)
{
    cs_dwarf *dw;

    site->hint[0] = 0;
    if (!site->nframes || site->frames[0].line || !site->frames[0].traced
        || !site->frames[0].path[0])
        return;
    dw = cs_dwarf_open(TRUE);
    cs_dwarf_hint(dw, &site->frames[0], site->hint, sizeof(site->hint));
    cs_dwarf_close(dw);
}

void cs_trace_report_free(cs_trace_report *report)
{
    free(report);
}

static const char *base_name(const char *path)
{
    const char *a = strrchr(path, '\\'), *b = strrchr(path, '/');

    if (b > a)
        a = b;
    return a ? a + 1 : path;
}

/* Appends one frame's text at buf + *len (snprintf accounting). */
static void append_frame(const cs_trace_frame *f, char *buf, size_t size, size_t *len)
{
    char *at = *len < size ? buf + *len : NULL;
    size_t room = *len < size ? size - *len : 0;
    int n;

    if (f->function[0] && f->file[0] && f->line)
        n = snprintf(at, room, "%s (%s:%u)", f->function, base_name(f->file), f->line);
    else if (f->function[0])
        n = snprintf(at, room, "%s!%s+0x%llx", f->module[0] ? f->module : "?", f->function,
                     (unsigned long long)f->offset);
    else if (f->module[0])
        n = snprintf(at, room, "%s+0x%llx", f->module, (unsigned long long)f->offset);
    else
        n = snprintf(at, room, "0x%llx", (unsigned long long)f->address);
    if (n > 0)
        *len += (size_t)n;
}

size_t cs_trace_format_site(const cs_trace_site *site, char *buf, size_t size)
{
    size_t len = 0;
    unsigned i, last = 0;

    if (size)
        buf[0] = 0;
    /* The leading run of traced frames (the target's own calls), or the
     * first frame alone when it is not in a traced module. */
    while (last < site->nframes && site->frames[last].traced)
        last++;
    if (last == 0 && site->nframes)
        last = 1;
    for (i = 0; i < last; i++) {
        if (i) {
            int n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, " <- ");
            if (n > 0)
                len += (size_t)n;
        }
        append_frame(&site->frames[i], buf, size, &len);
    }
    if (site->hint[0]) {
        int n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, " (%s)",
                         site->hint);
        if (n > 0)
            len += (size_t)n;
    }
    if (size)
        buf[len < size ? len : size - 1] = 0;
    return len;
}
