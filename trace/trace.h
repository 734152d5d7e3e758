/*
 * Allocation tracing with call stacks for an in-process target.
 *
 * cs_trace_start redirects, in the import tables of the traced modules (the
 * target DLL and any extra module named), the allocation functions they
 * import: the heap functions, the C runtime's malloc family (msvcrt and the
 * universal CRT), LocalAlloc, GlobalAlloc, CoTaskMem* and the BSTR
 * functions. Every block one of them hands to a traced module is recorded
 * with its size, a call stack, and the iteration and call statement the
 * harness set on that thread, until it is freed by anyone: the heap-level
 * functions are redirected in every module too, so a block freed by
 * another module (a BSTR cleared by oleaut32, say) leaves the record.
 * Modules loaded later are patched as the loader maps them, before their
 * DllMain runs. docs/tracing.md says what is and is not seen.
 *
 * Typical use by a harness:
 *   cs_trace_start(&config);                    before the target loads
 *   per iteration: cs_trace_set_context(i, s);  on each worker thread
 *   cs_trace_collect(&options, &report);        at the end of the run
 *   cs_trace_format_site(&report->sites[k], line, sizeof(line));
 *   cs_trace_report_free(report); cs_trace_stop();
 *
 * Off by default: nothing is redirected before cs_trace_start or after
 * cs_trace_stop. One tracing session per process at a time.
 */
#ifndef CS_TRACE_H
#define CS_TRACE_H

#include <windows.h>
#include "trace_groups.h"

typedef struct cs_trace_config {
    /* The target module: a full path (compared whole, case and slash
     * direction ignored) or a file name such as "comstress_server.dll". */
    const WCHAR *target;
    /* More modules to trace by file name or path; NULL-terminated list,
     * or NULL. */
    const WCHAR *const *extra_modules;
    /* Frames kept per allocation, 1 to CS_TRACE_MAX_FRAMES; 0 means
     * CS_TRACE_MAX_FRAMES. */
    unsigned depth;
} cs_trace_config;

/*
 * Starts tracing: patches the modules already loaded and registers for the
 * loader's notifications so that later ones are patched before their
 * initialisation. Returns S_OK; E_INVALIDARG when no module is named or
 * depth is out of range; HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED)
 * when tracing is already on; E_OUTOFMEMORY; E_NOTIMPL when ntdll lacks
 * the loader functions needed (nothing is patched then).
 */
HRESULT cs_trace_start(const cs_trace_config *config);

/*
 * Sets the iteration and the call statement index (0-based, or
 * CS_TRACE_NO_STATEMENT) for the calling thread's next allocations. Costs
 * two interlocked operations; does nothing when tracing is off.
 */
void cs_trace_set_context(int64_t iteration, int32_t statement);

/* TRUE between cs_trace_start and cs_trace_stop. */
BOOL cs_trace_active(void);

/* The tracer's private heap (records, stacks, patch log), for a heap
 * sampler to leave out; NULL when tracing is off. */
HANDLE cs_trace_heap(void);

typedef struct cs_trace_stats {
    LONG modules_traced;        /* modules whose allocation imports are hooked */
    LONG modules_watched;       /* other modules whose heap imports are hooked */
    LONG slots_patched;         /* import slots redirected now */
    LONG64 allocations;         /* blocks recorded since the start */
    LONG64 frees;               /* recorded blocks freed since the start */
    LONG64 live_blocks;         /* recorded and not yet freed */
    LONG64 live_bytes;
    int64_t first_iteration;    /* range given to cs_trace_set_context, or */
    int64_t last_iteration;     /* CS_TRACE_NO_ITERATION for both */
    BOOL load_notifications;    /* the loader tells us about new modules */
    LONG symbol_opens;          /* collects that opened dbghelp (a name
                                 * not remembered yet) */
} cs_trace_stats;

/* Counters of the current session (zeros when tracing is off). */
void cs_trace_get_stats(cs_trace_stats *stats);

/* One stack frame, symbolised. Strings are UTF-8, "" when unknown. */
typedef struct cs_trace_frame {
    uint64_t address;           /* return address */
    BOOL traced;                /* inside a traced module */
    BOOL inlined;               /* inlined into the next frame (same address) */
    char module[64];            /* file name of the module */
    char function[128];         /* symbol, or the nearest export */
    uint64_t offset;            /* from function if known, else from the module */
    char file[260];             /* source file as the debug information names it */
    char path[260];             /* the module's file, to name the frame later
                                 * in another process (cs_trace_name_frames) */
    unsigned line;              /* 0 when unknown */
} cs_trace_frame;

/* One group of outstanding allocations (see cs_trace_group) with its
 * frames symbolised. This is what run.json's allocations entries carry:
 * frames, bytes, blocks, per-iteration figures and the statement (call). */
typedef struct cs_trace_site {
    cs_trace_class cls;
    cs_trace_kind kind;
    int32_t statement;
    uint64_t blocks;
    uint64_t bytes;
    double blocks_per_iteration;
    double bytes_per_iteration;
    int64_t first_iteration;
    int64_t last_iteration;
    /* When the first frame is in a traced module and has no source line:
     * one line saying what would name it ("no debug information: build x.dll with -g", or where its
     * debug file was looked for); "" otherwise or when not named. */
    char hint[240];
    unsigned nframes;           /* innermost first, inlined calls included */
    cs_trace_frame frames[CS_TRACE_MAX_FRAMES];
} cs_trace_site;

typedef struct cs_trace_report {
    int64_t first_iteration;    /* the range the groups were classified on */
    int64_t last_iteration;
    uint64_t blocks;            /* every outstanding recorded block */
    uint64_t bytes;
    size_t ngroups;             /* groups found */
    size_t nsites;              /* groups kept in sites[], in group order */
    cs_trace_site sites[];
} cs_trace_report;

typedef struct cs_trace_collect_options {
    /* The run's iterations; first > last means the range seen by
     * cs_trace_set_context. */
    int64_t first_iteration;
    int64_t last_iteration;
    size_t max_sites;           /* groups kept; 0 means 32 */
    BOOL no_symbols;            /* addresses and modules only (no dbghelp) */
} cs_trace_collect_options;

/*
 * Snapshots the outstanding allocations, groups and classifies them
 * (cs_trace_group_records), and symbolises the kept groups' frames from
 * each module's own debug information (DWARF, COFF symbols, a separate
 * debug file), or through dbghelp where that knows more. options may be NULL (defaults). Tracing stays on. *report is
 * malloc'd (free with cs_trace_report_free) and valid after cs_trace_stop.
 * May be called again and again while the target runs: the names found
 * are remembered until cs_trace_stop (dropped when a module was loaded or
 * unloaded since), so a collect whose addresses all have one opens no
 * dbghelp and costs only the grouping.
 * Returns S_OK, E_POINTER, E_UNEXPECTED when tracing is off, E_OUTOFMEMORY.
 */
HRESULT cs_trace_collect(const cs_trace_collect_options *options, cs_trace_report **report);

void cs_trace_report_free(cs_trace_report *report);

/*
 * Names frames collected without symbols (no_symbols), in any process,
 * tracing on or off: each frame's module is read from its file (path) and
 * the frame is looked up at its offset in it, inlined calls expanded as
 * cs_trace_collect does. That is how frames written to disk by a run that
 * then crashed are named afterwards, without the run paying for dbghelp
 * while it went. raw[0..n) in, out has room for max; a frame whose module
 * file cannot be read is copied as it was. Returns the frames written.
 */
unsigned cs_trace_name_frames(const cs_trace_frame *raw, unsigned n, cs_trace_frame *out, unsigned max);

/*
 * Fills site->hint for frames named by cs_trace_name_frames (as a collect
 * does for its own sites): what would name the first frame when it has no
 * source line. Reads the module's file, like the naming.
 */
void cs_trace_site_hint(cs_trace_site *site);

/*
 * Where separate debug files are looked for besides the folder of the DLL
 * they describe (and its .debug folder): by the name the DLL's
 * .gnu_debuglink gives, and by build id under DIR/.build-id/. NULL for
 * none. Kept for the process (not only a session); call before naming.
 */
void cs_trace_set_debug_dir(const WCHAR *dir);

/*
 * Writes where a site's blocks were allocated as one line, innermost
 * first: the frames in traced modules up to the first frame outside them
 * (the target's own calls; the first frame alone if it is not traced), for
 * example
 *   target_on_call (target.c:49) <- target_Add (target.c:176)
 * A frame without a source line reads "module!function+0x1c", and one
 * without a symbol "module+0x1c40"; a site's hint follows in
 * parentheses. Returns the length the whole line
 * needs, like snprintf; buf is always NUL-terminated when size > 0.
 */
size_t cs_trace_format_site(const cs_trace_site *site, char *buf, size_t size);

/*
 * Stops tracing: waits for hooks in progress, restores every patched
 * import slot, unregisters from the loader and frees the private heap.
 * Safe to call when tracing is off. A traced allocation call holds the
 * session while its allocator runs, so call this from a thread that holds
 * no lock such a call could wait for. Reports already made stay valid.
 */
void cs_trace_stop(void);

#endif
