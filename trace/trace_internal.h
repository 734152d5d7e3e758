/*
 * What the tracer's files share: the session gate, per-thread state, the
 * fast stack walker, the table of live blocks, the import patcher and the
 * hooks. Not for the harness: trace.h is the public API.
 *
 * Lifetimes. The session's data (records, stacks, thread states, patch
 * log) live in the private heap, destroyed by cs_trace_stop. Hooks may run
 * on any thread at any moment, so anything that touches session data does
 * it inside the gate (cs_gate_enter/leave), and cs_trace_stop closes the
 * gate and waits for it to drain before destroying anything. The hot paths
 * that every heap call of the process takes (a free of an untraced block,
 * an allocation outside a traced call) touch only static data.
 */
#ifndef CS_TRACE_INTERNAL_H
#define CS_TRACE_INTERNAL_H

#include "trace.h"

#include <winternl.h>

/* ---- the session gate ---------------------------------------------- */

extern volatile LONG cs_trace_on;

/* Enters the gate: TRUE when tracing is on (then call cs_gate_leave). */
static inline BOOL cs_gate_enter(void)
{
    extern volatile LONG cs_trace_inflight;

    if (!cs_trace_on)
        return FALSE;
    InterlockedIncrement(&cs_trace_inflight);
    if (cs_trace_on)
        return TRUE;
    InterlockedDecrement(&cs_trace_inflight);
    return FALSE;
}

static inline void cs_gate_leave(void)
{
    extern volatile LONG cs_trace_inflight;

    InterlockedDecrement(&cs_trace_inflight);
}

/* ---- raw allocator entry points (ntdll, never redirected) ------------ */

typedef void *(WINAPI *cs_rtl_alloc_fn)(HANDLE, ULONG, SIZE_T);
typedef void *(WINAPI *cs_rtl_realloc_fn)(HANDLE, ULONG, void *, SIZE_T);
typedef BOOLEAN (WINAPI *cs_rtl_free_fn)(HANDLE, ULONG, void *);

typedef struct cs_trace_raw {
    cs_rtl_alloc_fn alloc;
    cs_rtl_realloc_fn realloc;
    cs_rtl_free_fn free;
    HANDLE heap;                /* the session's private heap */
} cs_trace_raw;

/* Filled by cs_trace_start before anything is patched. */
extern cs_trace_raw cs_raw;

/* Zeroed block of the private heap, or NULL. */
static inline void *cs_priv_alloc(SIZE_T size)
{
    return cs_raw.alloc(cs_raw.heap, HEAP_ZERO_MEMORY, size);
}

/* ---- thread-local values (read straight from the TEB) ----------------- */

/* The thread's TEB (gs:0x30 holds its own address on x64). Spelled out
 * because gcc 12 misreads mingw's NtCurrentTeb as an out-of-bounds access. */
static inline TEB *cs_teb(void)
{
    TEB *teb;

    __asm__("movq %%gs:0x30, %0" : "=r"(teb));
    return teb;
}

_Static_assert(offsetof(TEB, TlsSlots) == 0x1480, "TEB.TlsSlots is at 0x1480 on x64");

/* The thread's last error, read and written in the TEB (GetLastError and
 * SetLastError without the calls). */
#define CS_TEB_LAST_ERROR 0x68

static inline DWORD cs_last_error(void)
{
    return *(volatile DWORD *)((BYTE *)cs_teb() + CS_TEB_LAST_ERROR);
}

static inline void cs_set_last_error(DWORD err)
{
    *(volatile DWORD *)((BYTE *)cs_teb() + CS_TEB_LAST_ERROR) = err;
}

/* TlsGetValue without touching the thread's last error. */
static inline void *cs_tls_get(DWORD index)
{
    if (index < 64)
        return cs_teb()->TlsSlots[index];
    {
        DWORD err = GetLastError();
        void *v = TlsGetValue(index);
        SetLastError(err);
        return v;
    }
}

/* ---- the fast stack walker (trace_unwind.c) ---------------------------- */

#define CS_UNWIND_CACHE_SIZE 512    /* entries per thread, a power of two */

typedef struct cs_unwind_entry {
    uint64_t pc;                /* 0: empty slot */
    int32_t ret;                /* return address slot (offset and flags) */
    int32_t rbp;                /* caller's rbp slot (offset and flags) */
} cs_unwind_entry;

typedef struct cs_unwind_cache {
    cs_unwind_entry entries[CS_UNWIND_CACHE_SIZE];
} cs_unwind_cache;

/*
 * Walks the calling thread's stack and stores up to max return addresses,
 * starting at the frame whose return address is first_pc (the hook's own
 * return address, so the hook and the walker are left out). Returns the
 * number stored; when first_pc is not met within a few frames, stores
 * first_pc alone. The walk stops at a frame without unwind information, a
 * frame shape it does not know, or the end of the thread's stack.
 */
unsigned cs_unwind_capture(cs_unwind_cache *cache, uintptr_t first_pc, uintptr_t *frames,
                           unsigned max);

/* ---- per-thread state (trace_table.c) --------------------------------- */

#define CS_STACK_CACHE_SIZE 16

struct cs_trace_stack;

typedef struct cs_trace_thread {
    int64_t iteration;
    int32_t statement;
    BOOL context_set;           /* cs_trace_set_context ran on this thread */
    struct cs_trace_stack *recent[CS_STACK_CACHE_SIZE];  /* interned lately */
    cs_unwind_cache unwind;
} cs_trace_thread;

/* The calling thread's state, created on first use; NULL when out of
 * memory. Inside the gate only. */
cs_trace_thread *cs_thread_state(void);

/*
 * A traced call in progress on this thread (on the hook's stack), so that
 * the heap-level hooks running under it can say which heap block backs the
 * pointer the traced function returns.
 */
#define CS_PENDING_BLOCKS 4

typedef struct cs_pending {
    struct cs_pending *self;    /* == the record's own address while valid */
    unsigned nblocks;           /* heap allocations seen, ring of the last 4 */
    struct { uintptr_t block; SIZE_T size; } blocks[CS_PENDING_BLOCKS];
} cs_pending;

/* TLS index holding the cs_pending of the call in progress (or NULL).
 * Allocated once per process, never freed. */
extern DWORD cs_pending_tls;

/*
 * The traced call in progress on this thread, or NULL. The record lives in
 * the traced hook's frame, so everything that call runs sits deeper in the
 * stack (at lower addresses). A record at or below the caller's frame, or
 * whose self-pointer is gone, was left behind by a call that an exception
 * unwound (an allocator raising HEAP_GENERATE_EXCEPTIONS): it is ignored,
 * never written.
 */
static inline cs_pending *cs_pending_get(void)
{
    volatile char here;
    cs_pending *p;

    if (cs_pending_tls == TLS_OUT_OF_INDEXES || !(p = cs_tls_get(cs_pending_tls)))
        return NULL;
    return (uintptr_t)p > (uintptr_t)&here && p->self == p ? p : NULL;
}

/* ---- the table of live blocks and the interned stacks (trace_table.c) -- */

typedef struct cs_trace_stack {
    struct cs_trace_stack *next;
    uint32_t hash;
    uint32_t nframes;
    uintptr_t frames[];
} cs_trace_stack;

/* What a live block remembers (besides its address). */
typedef struct cs_block_info {
    uint64_t size;
    const cs_trace_stack *stack;
    int64_t iteration;
    int32_t statement;
    cs_trace_kind kind;
} cs_block_info;

HRESULT cs_table_init(void);            /* at start, after the heap exists */
void cs_table_reset(void);              /* at stop, before the heap goes */

/* The interned copy of a stack (shared by every block with that stack). */
const cs_trace_stack *cs_stack_intern(cs_trace_thread *t, const uintptr_t *frames,
                                      unsigned nframes);

/* Records (or replaces) the block at key. FALSE when out of memory. */
BOOL cs_table_insert(uintptr_t key, const cs_block_info *info);

/* Quick test that needs no gate: FALSE means key is surely not recorded. */
BOOL cs_table_maybe(uintptr_t key);

/* Removes the record of key; TRUE (and *info when not NULL) if found. */
BOOL cs_table_remove(uintptr_t key, cs_block_info *info);

/*
 * Copies every live record into out (room for max), frames pointing at the
 * interned stacks (valid until cs_trace_stop). Returns the number of live
 * records, which may exceed max (then only max were copied).
 */
size_t cs_table_snapshot(cs_trace_record *out, size_t max);

void cs_table_counts(LONG64 *allocations, LONG64 *frees, LONG64 *live_blocks,
                     LONG64 *live_bytes);

/* ---- hooks (trace_hooks.c) and their originals ------------------------ */

typedef enum cs_hook_id {
    CS_HOOK_HEAP_ALLOC, CS_HOOK_HEAP_REALLOC, CS_HOOK_HEAP_FREE,
    CS_HOOK_MSVCRT_MALLOC, CS_HOOK_MSVCRT_CALLOC, CS_HOOK_MSVCRT_REALLOC, CS_HOOK_MSVCRT_FREE,
    CS_HOOK_UCRT_MALLOC, CS_HOOK_UCRT_CALLOC, CS_HOOK_UCRT_REALLOC, CS_HOOK_UCRT_FREE,
    CS_HOOK_LOCAL_ALLOC, CS_HOOK_LOCAL_REALLOC, CS_HOOK_LOCAL_FREE,
    CS_HOOK_GLOBAL_ALLOC, CS_HOOK_GLOBAL_REALLOC, CS_HOOK_GLOBAL_FREE,
    CS_HOOK_COTASKMEM_ALLOC, CS_HOOK_COTASKMEM_REALLOC, CS_HOOK_COTASKMEM_FREE,
    CS_HOOK_SYS_ALLOC_STRING, CS_HOOK_SYS_ALLOC_STRING_LEN, CS_HOOK_SYS_ALLOC_STRING_BYTE_LEN,
    CS_HOOK_SYS_REALLOC_STRING, CS_HOOK_SYS_REALLOC_STRING_LEN, CS_HOOK_SYS_FREE_STRING,
    CS_HOOK_COUNT
} cs_hook_id;

/* The function each hook forwards to (set by the patcher as it resolves
 * them; a hook is only ever installed once its original is known). */
extern void *volatile cs_hook_original[CS_HOOK_COUNT];

/* Replacement installed in traced modules for each id. */
void *cs_hook_traced(cs_hook_id id);

/* Replacement installed in every other module (heap functions only: the
 * blocks they free or move may be traced ones); NULL when none. */
void *cs_hook_watch(cs_hook_id id);

/*
 * The latest context any thread set (cs_trace_set_context), for blocks
 * made on a thread that never set one: a thread the target started (a
 * worker of its own, a pool's) does its part of the calls the harness
 * makes, so its blocks are judged per iteration like the calls' own.
 * CS_TRACE_NO_ITERATION until a context is set.
 */
extern volatile LONG64 cs_trace_latest_iteration;
extern volatile LONG cs_trace_latest_statement;

/* Frames kept per allocation (set at start). */
extern unsigned cs_trace_depth;

/* ---- the import patcher (trace_patch.c) ------------------------------- */

/* Patches every loaded module and registers for load notifications. */
HRESULT cs_patch_start(const cs_trace_config *config);

/* Restores every slot and unregisters; the gate is already drained. */
void cs_patch_stop(void);

/* Counters for cs_trace_get_stats. */
void cs_patch_counts(LONG *traced, LONG *watched, LONG *slots, BOOL *notifications);

/* TRUE when address lies in a traced module loaded now or earlier in this
 * session; fills the module's file path (UTF-16) and base when asked. */
BOOL cs_patch_traced_module(uint64_t address, WCHAR *path, DWORD path_len, uint64_t *base,
                            DWORD *size);

/* Calls fn for every traced module that was unloaded during the session
 * (their frames need their file loaded by path to be symbolised). */
void cs_patch_departed(void (*fn)(const WCHAR *path, uint64_t base, DWORD size, void *ctx),
                       void *ctx);

/* Modules loaded or unloaded since the process started, as the loader's
 * notifications told: unchanged means the module list is as it was. */
LONG cs_patch_module_changes(void);

/* ---- symbols (trace_symbols.c) ---------------------------------------- */

/* dbghelp for the current process, or NULL when it cannot be had. */
typedef struct cs_symbols cs_symbols;
cs_symbols *cs_symbols_open(void);

/* The module part of a frame at address: module, path, traced, and the
 * offset from the module's base (the address itself when no module). */
void cs_symbols_module(uint64_t address, cs_trace_frame *f);

/*
 * Picks the better naming of one frame: the module's own debug
 * information (own[0..nown)) unless dbghelp's (help[0..nhelp)) has a line
 * where it has none, or a function where it has none. Copies the choice
 * into own (room for max) and returns its count.
 */
unsigned cs_symbols_choose(cs_trace_frame *own, unsigned nown, const cs_trace_frame *help,
                           unsigned nhelp, unsigned max);

/*
 * Symbolises one return address into out (room for max >= 1): the
 * functions inlined at that call, innermost first (marked inlined), then
 * the function that holds the code. Module and offset only when sym is
 * NULL. Returns the number of frames written (at least 1).
 */
unsigned cs_symbols_expand(cs_symbols *sym, uint64_t address, cs_trace_frame *out,
                           unsigned max);

/* dbghelp for frames of another process (cs_trace_name_frames): nothing of
 * this process is loaded into it; modules are read from their files as
 * frames name them. In the process heap: tracing need not be on. */
cs_symbols *cs_symbols_open_offline(void);

/* As cs_symbols_expand for a frame collected without symbols (module,
 * path, offset and traced set): its module is loaded from path, once. */
unsigned cs_symbols_expand_raw(cs_symbols *sym, const cs_trace_frame *raw, cs_trace_frame *out,
                               unsigned max);

void cs_symbols_close(cs_symbols *sym);

/* ---- a module's own debug information (trace_dwarf.c) ---------------- */

/* The modules read in one collect (or one offline naming). */
typedef struct cs_dwarf cs_dwarf;

/* Opens a reader set: its tables in the private heap, or (offline) in the
 * process heap. NULL when out of memory. */
cs_dwarf *cs_dwarf_open(BOOL offline);

/*
 * Names frame f (module path and offset from the module's base set) from
 * its module's own debug information, read from the file (and its debug
 * file) the first time: the inlined calls innermost first, then the
 * function that holds them, into out (room for max). Returns the frames
 * written, 0 when the module's information says nothing there.
 */
unsigned cs_dwarf_expand(cs_dwarf *dw, const cs_trace_frame *f, cs_trace_frame *out, unsigned max);

/* One line saying what would name code of f's module (the build flag, or
 * where its debug file was looked for). Returns what snprintf returns. */
size_t cs_dwarf_hint(cs_dwarf *dw, const cs_trace_frame *f, char *buf, size_t size);

void cs_dwarf_close(cs_dwarf *dw);

/* ---- names remembered between collects (trace_names.c) --------------- */

/* One collect's naming: dbghelp, opened at the first address whose name
 * is not remembered. */
typedef struct cs_names {
    cs_symbols *sym;
    BOOL opened;                /* cs_symbols_open was tried */
    BOOL no_symbols;            /* modules and offsets only */
    cs_dwarf *dw;               /* the modules' own debug information */
} cs_names;

/* Starts a collect's naming; the names remembered are dropped when a
 * module was loaded or unloaded since the last collect ended. */
void cs_names_begin(cs_names *names, BOOL no_symbols);

/* As cs_symbols_expand, from the names remembered when address has one,
 * else through dbghelp (opened now if not yet), remembering what it
 * found. Returns the number of frames written (at least 1). */
unsigned cs_names_expand(cs_names *names, uint64_t address, cs_trace_frame *out, unsigned max);

/* Ends a collect's naming: closes dbghelp if it was opened, and takes the
 * module list as it is now as the one the names belong to. */
void cs_names_end(cs_names *names);

/* Sets site->hint when its first frame has no source line (see
 * cs_trace_site); names->dw is opened if it was not. */
void cs_names_hint(cs_names *names, cs_trace_site *site);

/* Times dbghelp was opened since the session started. */
LONG cs_names_opens(void);

/* Forgets every name (the stop: their memory goes with the private heap). */
void cs_names_reset(void);

#endif
