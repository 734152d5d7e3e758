/*
 * The replacement allocation functions.
 *
 * Two sets. "Traced" hooks go into the import tables of the traced
 * modules: they record what they hand out, with the caller's stack. "Watch"
 * hooks go into every other module, for the three heap functions only:
 * every allocator of the process ends in the heap, so a traced block freed
 * by anyone (a BSTR the client clears, a CoTaskMem block the proxy frees)
 * is seen leaving there, and a traced call that allocates through another
 * module (SysAllocString through oleaut32, then combase, then the heap)
 * learns which heap block backs the pointer it returns: the record is
 * keyed by that block, so whichever route frees it finds it.
 *
 * A traced call made while another is in progress on the same thread
 * (a traced module calling another traced module's allocator) is recorded
 * once, by the outer call. Every hook keeps the thread's last error as the
 * original function left it.
 */
#include "trace_internal.h"

#include <oleauto.h>
#include <wchar.h>

void *volatile cs_hook_original[CS_HOOK_COUNT];
unsigned cs_trace_depth = CS_TRACE_MAX_FRAMES;

#define RETADDR ((uintptr_t)__builtin_return_address(0))
#define ORIG(id, type) ((type)cs_hook_original[id])

typedef void *(WINAPI *heap_alloc_fn)(HANDLE, DWORD, SIZE_T);
typedef void *(WINAPI *heap_realloc_fn)(HANDLE, DWORD, void *, SIZE_T);
typedef BOOL (WINAPI *heap_free_fn)(HANDLE, DWORD, void *);
typedef void *(__cdecl *malloc_fn)(size_t);
typedef void *(__cdecl *calloc_fn)(size_t, size_t);
typedef void *(__cdecl *realloc_fn)(void *, size_t);
typedef void (__cdecl *free_fn)(void *);
typedef HANDLE (WINAPI *local_alloc_fn)(UINT, SIZE_T);
typedef HANDLE (WINAPI *local_realloc_fn)(HANDLE, SIZE_T, UINT);
typedef HANDLE (WINAPI *local_free_fn)(HANDLE);
typedef void *(WINAPI *cotask_alloc_fn)(SIZE_T);
typedef void *(WINAPI *cotask_realloc_fn)(void *, SIZE_T);
typedef void (WINAPI *cotask_free_fn)(void *);
typedef BSTR (WINAPI *sys_alloc_fn)(const OLECHAR *);
typedef BSTR (WINAPI *sys_alloc_len_fn)(const OLECHAR *, UINT);
typedef BSTR (WINAPI *sys_alloc_byte_len_fn)(LPCSTR, UINT);
typedef INT (WINAPI *sys_realloc_fn)(BSTR *, const OLECHAR *);
typedef INT (WINAPI *sys_realloc_len_fn)(BSTR *, const OLECHAR *, UINT);
typedef void (WINAPI *sys_free_fn)(BSTR);

static inline void pending_set(cs_pending *p)
{
    if (cs_pending_tls < 64)
        cs_teb()->TlsSlots[cs_pending_tls] = p;
    else
        TlsSetValue(cs_pending_tls, p);
}

/* ---- what every hook shares ------------------------------------------- */

/* Removes key's record if there is one (the block is being freed). */
static void forget(void *p)
{
    if (p && cs_table_maybe((uintptr_t)p) && cs_gate_enter()) {
        cs_table_remove((uintptr_t)p, NULL);
        cs_gate_leave();
    }
}

/* A heap block allocated under a traced call of this thread. */
static void note_block(cs_pending *pend, void *block, SIZE_T size)
{
    unsigned i = pend->nblocks++ % CS_PENDING_BLOCKS;

    pend->blocks[i].block = (uintptr_t)block;
    pend->blocks[i].size = size;
}

typedef struct traced_call {
    cs_trace_thread *thread;
    cs_pending pending;
    BOOL had_old;               /* a realloc took the old block's record */
    cs_block_info old;
    unsigned nframes;
    uintptr_t frames[CS_TRACE_MAX_FRAMES];
} traced_call;

/*
 * Starts recording a call of an allocation function made from caller.
 * FALSE when tracing is off or another traced call of this thread is in
 * progress: the hook then only forwards (as a watch hook). TRUE: the call's
 * stack is captured, the gate is held, and traced_end must follow.
 */
static BOOL traced_begin(traced_call *c, uintptr_t caller)
{
    if (cs_pending_get() || !cs_gate_enter())
        return FALSE;
    if (!(c->thread = cs_thread_state())) {
        cs_gate_leave();
        return FALSE;
    }
    c->nframes = cs_unwind_capture(&c->thread->unwind, caller, c->frames, cs_trace_depth);
    c->pending.self = &c->pending;
    c->pending.nblocks = 0;
    c->had_old = FALSE;
    pending_set(&c->pending);
    return TRUE;
}

/* Records p, keyed by the heap block that holds it when one was seen. */
static void record(traced_call *c, void *p, SIZE_T size, cs_trace_kind kind)
{
    uintptr_t key = (uintptr_t)p;
    cs_block_info info;
    unsigned i, n = c->pending.nblocks < CS_PENDING_BLOCKS ? c->pending.nblocks
                                                            : CS_PENDING_BLOCKS;

    info.size = size;
    for (i = 0; i < n; i++) {
        unsigned j = (c->pending.nblocks - 1 - i) % CS_PENDING_BLOCKS;
        uintptr_t b = c->pending.blocks[j].block;
        if (b <= key && key < b + (c->pending.blocks[j].size ? c->pending.blocks[j].size : 1)) {
            key = b;
            info.size = c->pending.blocks[j].size;
            break;
        }
    }
    info.stack = cs_stack_intern(c->thread, c->frames, c->nframes);
    info.iteration = c->thread->iteration;
    info.statement = c->thread->statement;
    if (!c->thread->context_set) {          /* a thread of the target's own */
        info.iteration = cs_trace_latest_iteration;
        info.statement = info.iteration == CS_TRACE_NO_ITERATION ? CS_TRACE_NO_STATEMENT
                                                                  : cs_trace_latest_statement;
    }
    info.kind = kind;
    cs_table_insert(key, &info);
}

/* Takes old's record before a reallocation (it may go back on failure). */
static void traced_take(traced_call *c, void *old)
{
    c->had_old = old && cs_table_remove((uintptr_t)old, &c->old);
}

/*
 * Ends a traced call that returned p (NULL: failed, or nothing made). For
 * a reallocation, old is the block passed in; a NULL result with freed set
 * means the old block was freed (realloc(p, 0)), otherwise that it stays.
 */
static void traced_end(traced_call *c, void *old, void *p, SIZE_T size, cs_trace_kind kind,
                       BOOL freed)
{
    DWORD err = cs_last_error();

    pending_set(NULL);
    c->pending.self = NULL;
    if (p)
        record(c, p, size, kind);
    else if (c->had_old && !freed)
        cs_table_insert((uintptr_t)old, &c->old);
    cs_gate_leave();
    cs_set_last_error(err);
}

/* ---- the heap (watch hooks, and traced ones for direct callers) -------- */

static void *WINAPI watch_heap_alloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    void *p = ORIG(CS_HOOK_HEAP_ALLOC, heap_alloc_fn)(heap, flags, size);
    cs_pending *pend;

    if (p && (pend = cs_pending_get()))
        note_block(pend, p, size);
    return p;
}

/* A traced block moved by code outside any traced call keeps its origin. */
static void *WINAPI watch_heap_realloc(HANDLE heap, DWORD flags, void *old, SIZE_T size)
{
    cs_pending *pend = cs_pending_get();
    cs_block_info info;
    BOOL gate = FALSE, had = FALSE;
    void *p;

    if (old && cs_table_maybe((uintptr_t)old) && (gate = cs_gate_enter()))
        had = cs_table_remove((uintptr_t)old, &info);
    p = ORIG(CS_HOOK_HEAP_REALLOC, heap_realloc_fn)(heap, flags, old, size);
    if (pend && p)
        note_block(pend, p, size);
    if (had && (!p || !pend)) {
        DWORD err = cs_last_error();
        if (p)
            info.size = size;
        cs_table_insert((uintptr_t)(p ? p : old), &info);
        cs_set_last_error(err);
    }
    if (gate)
        cs_gate_leave();
    return p;
}

static BOOL WINAPI watch_heap_free(HANDLE heap, DWORD flags, void *p)
{
    forget(p);
    return ORIG(CS_HOOK_HEAP_FREE, heap_free_fn)(heap, flags, p);
}

static void *WINAPI traced_heap_alloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, RETADDR))
        return watch_heap_alloc(heap, flags, size);
    p = ORIG(CS_HOOK_HEAP_ALLOC, heap_alloc_fn)(heap, flags, size);
    traced_end(&c, NULL, p, size, CS_TRACE_KIND_HEAP, FALSE);
    return p;
}

static void *WINAPI traced_heap_realloc(HANDLE heap, DWORD flags, void *old, SIZE_T size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, RETADDR))
        return watch_heap_realloc(heap, flags, old, size);
    traced_take(&c, old);
    p = ORIG(CS_HOOK_HEAP_REALLOC, heap_realloc_fn)(heap, flags, old, size);
    traced_end(&c, old, p, size, CS_TRACE_KIND_HEAP, FALSE);
    return p;
}

/* ---- the C runtimes (msvcrt and ucrtbase, one original each) ----------- */

static void *crt_malloc(cs_hook_id id, uintptr_t caller, size_t size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, caller))
        return ORIG(id, malloc_fn)(size);
    p = ORIG(id, malloc_fn)(size);
    traced_end(&c, NULL, p, size, CS_TRACE_KIND_CRT, FALSE);
    return p;
}

static void *crt_calloc(cs_hook_id id, uintptr_t caller, size_t count, size_t size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, caller))
        return ORIG(id, calloc_fn)(count, size);
    p = ORIG(id, calloc_fn)(count, size);
    traced_end(&c, NULL, p, count * size, CS_TRACE_KIND_CRT, FALSE);
    return p;
}

static void *crt_realloc(cs_hook_id id, uintptr_t caller, void *old, size_t size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, caller))
        return ORIG(id, realloc_fn)(old, size);
    traced_take(&c, old);
    p = ORIG(id, realloc_fn)(old, size);
    traced_end(&c, old, p, size, CS_TRACE_KIND_CRT, size == 0);
    return p;
}

static void crt_free(cs_hook_id id, void *p)
{
    forget(p);
    ORIG(id, free_fn)(p);
}

static void *__cdecl msvcrt_malloc(size_t n) { return crt_malloc(CS_HOOK_MSVCRT_MALLOC, RETADDR, n); }
static void *__cdecl msvcrt_calloc(size_t n, size_t s) { return crt_calloc(CS_HOOK_MSVCRT_CALLOC, RETADDR, n, s); }
static void *__cdecl msvcrt_realloc(void *p, size_t n) { return crt_realloc(CS_HOOK_MSVCRT_REALLOC, RETADDR, p, n); }
static void __cdecl msvcrt_free(void *p) { crt_free(CS_HOOK_MSVCRT_FREE, p); }
static void *__cdecl ucrt_malloc(size_t n) { return crt_malloc(CS_HOOK_UCRT_MALLOC, RETADDR, n); }
static void *__cdecl ucrt_calloc(size_t n, size_t s) { return crt_calloc(CS_HOOK_UCRT_CALLOC, RETADDR, n, s); }
static void *__cdecl ucrt_realloc(void *p, size_t n) { return crt_realloc(CS_HOOK_UCRT_REALLOC, RETADDR, p, n); }
static void __cdecl ucrt_free(void *p) { crt_free(CS_HOOK_UCRT_FREE, p); }

/* ---- LocalAlloc and GlobalAlloc (same shapes, one helper each) --------- */

static HANDLE handle_alloc(cs_hook_id id, uintptr_t caller, UINT flags, SIZE_T size,
                           cs_trace_kind kind)
{
    traced_call c;
    HANDLE p;

    if (!traced_begin(&c, caller))
        return ORIG(id, local_alloc_fn)(flags, size);
    p = ORIG(id, local_alloc_fn)(flags, size);
    traced_end(&c, NULL, p, size, kind, FALSE);
    return p;
}

static HANDLE handle_realloc(cs_hook_id id, uintptr_t caller, HANDLE old, SIZE_T size,
                             UINT flags, cs_trace_kind kind)
{
    traced_call c;
    HANDLE p;

    if (!traced_begin(&c, caller))
        return ORIG(id, local_realloc_fn)(old, size, flags);
    traced_take(&c, old);
    p = ORIG(id, local_realloc_fn)(old, size, flags);
    traced_end(&c, old, p, size, kind, FALSE);
    return p;
}

static HANDLE handle_free(cs_hook_id id, HANDLE p)
{
    forget(p);
    return ORIG(id, local_free_fn)(p);
}

static HLOCAL WINAPI traced_local_alloc(UINT f, SIZE_T n)
{ return handle_alloc(CS_HOOK_LOCAL_ALLOC, RETADDR, f, n, CS_TRACE_KIND_LOCAL); }
static HLOCAL WINAPI traced_local_realloc(HLOCAL h, SIZE_T n, UINT f)
{ return handle_realloc(CS_HOOK_LOCAL_REALLOC, RETADDR, h, n, f, CS_TRACE_KIND_LOCAL); }
static HLOCAL WINAPI traced_local_free(HLOCAL h) { return handle_free(CS_HOOK_LOCAL_FREE, h); }
static HGLOBAL WINAPI traced_global_alloc(UINT f, SIZE_T n)
{ return handle_alloc(CS_HOOK_GLOBAL_ALLOC, RETADDR, f, n, CS_TRACE_KIND_GLOBAL); }
static HGLOBAL WINAPI traced_global_realloc(HGLOBAL h, SIZE_T n, UINT f)
{ return handle_realloc(CS_HOOK_GLOBAL_REALLOC, RETADDR, h, n, f, CS_TRACE_KIND_GLOBAL); }
static HGLOBAL WINAPI traced_global_free(HGLOBAL h) { return handle_free(CS_HOOK_GLOBAL_FREE, h); }

/* ---- CoTaskMem ---------------------------------------------------------- */

static void *WINAPI traced_cotask_alloc(SIZE_T size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_COTASKMEM_ALLOC, cotask_alloc_fn)(size);
    p = ORIG(CS_HOOK_COTASKMEM_ALLOC, cotask_alloc_fn)(size);
    traced_end(&c, NULL, p, size, CS_TRACE_KIND_COTASKMEM, FALSE);
    return p;
}

static void *WINAPI traced_cotask_realloc(void *old, SIZE_T size)
{
    traced_call c;
    void *p;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_COTASKMEM_REALLOC, cotask_realloc_fn)(old, size);
    traced_take(&c, old);
    p = ORIG(CS_HOOK_COTASKMEM_REALLOC, cotask_realloc_fn)(old, size);
    traced_end(&c, old, p, size, CS_TRACE_KIND_COTASKMEM, size == 0);
    return p;
}

static void WINAPI traced_cotask_free(void *p)
{
    forget(p);
    ORIG(CS_HOOK_COTASKMEM_FREE, cotask_free_fn)(p);
}

/* ---- BSTRs: sizes are the text's; the backing block's replaces them ---- */

static BSTR WINAPI traced_sys_alloc(const OLECHAR *s)
{
    traced_call c;
    BSTR b;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_SYS_ALLOC_STRING, sys_alloc_fn)(s);
    b = ORIG(CS_HOOK_SYS_ALLOC_STRING, sys_alloc_fn)(s);
    traced_end(&c, NULL, b, b ? wcslen(s) * sizeof(OLECHAR) : 0, CS_TRACE_KIND_BSTR, FALSE);
    return b;
}

static BSTR WINAPI traced_sys_alloc_len(const OLECHAR *s, UINT len)
{
    traced_call c;
    BSTR b;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_SYS_ALLOC_STRING_LEN, sys_alloc_len_fn)(s, len);
    b = ORIG(CS_HOOK_SYS_ALLOC_STRING_LEN, sys_alloc_len_fn)(s, len);
    traced_end(&c, NULL, b, (SIZE_T)len * sizeof(OLECHAR), CS_TRACE_KIND_BSTR, FALSE);
    return b;
}

static BSTR WINAPI traced_sys_alloc_byte_len(LPCSTR s, UINT len)
{
    traced_call c;
    BSTR b;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_SYS_ALLOC_STRING_BYTE_LEN, sys_alloc_byte_len_fn)(s, len);
    b = ORIG(CS_HOOK_SYS_ALLOC_STRING_BYTE_LEN, sys_alloc_byte_len_fn)(s, len);
    traced_end(&c, NULL, b, len, CS_TRACE_KIND_BSTR, FALSE);
    return b;
}

static INT WINAPI traced_sys_realloc(BSTR *pb, const OLECHAR *s)
{
    traced_call c;
    BSTR old = pb ? *pb : NULL;
    INT ok;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_SYS_REALLOC_STRING, sys_realloc_fn)(pb, s);
    traced_take(&c, old);
    ok = ORIG(CS_HOOK_SYS_REALLOC_STRING, sys_realloc_fn)(pb, s);
    traced_end(&c, old, ok ? *pb : NULL, ok && s ? wcslen(s) * sizeof(OLECHAR) : 0,
               CS_TRACE_KIND_BSTR, FALSE);
    return ok;
}

static INT WINAPI traced_sys_realloc_len(BSTR *pb, const OLECHAR *s, UINT len)
{
    traced_call c;
    BSTR old = pb ? *pb : NULL;
    INT ok;

    if (!traced_begin(&c, RETADDR))
        return ORIG(CS_HOOK_SYS_REALLOC_STRING_LEN, sys_realloc_len_fn)(pb, s, len);
    traced_take(&c, old);
    ok = ORIG(CS_HOOK_SYS_REALLOC_STRING_LEN, sys_realloc_len_fn)(pb, s, len);
    traced_end(&c, old, ok ? *pb : NULL, (SIZE_T)len * sizeof(OLECHAR), CS_TRACE_KIND_BSTR,
               FALSE);
    return ok;
}

static void WINAPI traced_sys_free(BSTR b)
{
    forget(b);
    ORIG(CS_HOOK_SYS_FREE_STRING, sys_free_fn)(b);
}

/* ---- the tables the patcher installs from ------------------------------- */

static void *const traced_hooks[CS_HOOK_COUNT] = {
    [CS_HOOK_HEAP_ALLOC] = traced_heap_alloc,
    [CS_HOOK_HEAP_REALLOC] = traced_heap_realloc,
    [CS_HOOK_HEAP_FREE] = watch_heap_free,
    [CS_HOOK_MSVCRT_MALLOC] = msvcrt_malloc,
    [CS_HOOK_MSVCRT_CALLOC] = msvcrt_calloc,
    [CS_HOOK_MSVCRT_REALLOC] = msvcrt_realloc,
    [CS_HOOK_MSVCRT_FREE] = msvcrt_free,
    [CS_HOOK_UCRT_MALLOC] = ucrt_malloc,
    [CS_HOOK_UCRT_CALLOC] = ucrt_calloc,
    [CS_HOOK_UCRT_REALLOC] = ucrt_realloc,
    [CS_HOOK_UCRT_FREE] = ucrt_free,
    [CS_HOOK_LOCAL_ALLOC] = traced_local_alloc,
    [CS_HOOK_LOCAL_REALLOC] = traced_local_realloc,
    [CS_HOOK_LOCAL_FREE] = traced_local_free,
    [CS_HOOK_GLOBAL_ALLOC] = traced_global_alloc,
    [CS_HOOK_GLOBAL_REALLOC] = traced_global_realloc,
    [CS_HOOK_GLOBAL_FREE] = traced_global_free,
    [CS_HOOK_COTASKMEM_ALLOC] = traced_cotask_alloc,
    [CS_HOOK_COTASKMEM_REALLOC] = traced_cotask_realloc,
    [CS_HOOK_COTASKMEM_FREE] = traced_cotask_free,
    [CS_HOOK_SYS_ALLOC_STRING] = traced_sys_alloc,
    [CS_HOOK_SYS_ALLOC_STRING_LEN] = traced_sys_alloc_len,
    [CS_HOOK_SYS_ALLOC_STRING_BYTE_LEN] = traced_sys_alloc_byte_len,
    [CS_HOOK_SYS_REALLOC_STRING] = traced_sys_realloc,
    [CS_HOOK_SYS_REALLOC_STRING_LEN] = traced_sys_realloc_len,
    [CS_HOOK_SYS_FREE_STRING] = traced_sys_free,
};

void *cs_hook_traced(cs_hook_id id)
{
    return (unsigned)id < CS_HOOK_COUNT ? traced_hooks[id] : NULL;
}

void *cs_hook_watch(cs_hook_id id)
{
    switch (id) {
    case CS_HOOK_HEAP_ALLOC: return watch_heap_alloc;
    case CS_HOOK_HEAP_REALLOC: return watch_heap_realloc;
    case CS_HOOK_HEAP_FREE: return watch_heap_free;
    default: return NULL;
    }
}
