/*
 * Frames to names through dbghelp, loaded only when a report is made and
 * a module's own debug information (trace_dwarf.c) does not give a line.
 *
 * Wine's dbghelp reads the DWARF that mingw emits, at version 4 or older
 * (the build asks for -gdwarf-4): SymFromAddrW then names the function and
 * SymGetLineFromAddrW64 gives file and line. For a module without debug
 * information it falls back to the nearest export, which is what a frame
 * in a system DLL shows ("OLEAUT32.dll!DispCallFunc+0x1a2").
 *
 * Return addresses point after the call: names and lines are looked up one
 * byte earlier, inside the call instruction, so a call that ends a
 * function or a line is attributed to it and not to what follows.
 */
#include "trace_internal.h"
#include "utf8.h"

#include <dbghelp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct cs_symbols {
    HMODULE dll;
    HANDLE process;
    BOOL (WINAPI *cleanup)(HANDLE);
    BOOL (WINAPI *from_addr)(HANDLE, DWORD64, DWORD64 *, SYMBOL_INFOW *);
    BOOL (WINAPI *line_from_addr)(HANDLE, DWORD64, DWORD *, IMAGEHLP_LINEW64 *);
    DWORD64 (WINAPI *load_module)(HANDLE, HANDLE, PCWSTR, PCWSTR, DWORD64, DWORD,
                                  PMODLOAD_DATA, DWORD);
    /* Inline frames (optional: without them an inlined function shows as
     * the function it was inlined into). */
    DWORD (WINAPI *inline_count)(HANDLE, DWORD64);
    BOOL (WINAPI *inline_query)(HANDLE, DWORD64, DWORD, DWORD64, DWORD64, DWORD *, DWORD *);
    BOOL (WINAPI *inline_symbol)(HANDLE, DWORD64, ULONG, DWORD64 *, SYMBOL_INFOW *);
    BOOL (WINAPI *inline_line)(HANDLE, DWORD64, ULONG, DWORD64, DWORD *, IMAGEHLP_LINEW64 *);
    /* Offline (frames of another process): in the process heap, and the
     * modules read from their files so far, by path. */
    BOOL offline;
    unsigned nloaded;
    struct { char path[260]; uint64_t base; } loaded[32];
};

/* w in UTF-8 into out (size bytes): a name longer than out is cut at a
 * character with "...", not lost (WideCharToMultiByte into too small a
 * buffer fails and wrote nothing of it). "" when memory runs out. */
static void to_utf8(const WCHAR *w, char *out, size_t size)
{
    char *whole = cs_utf16_to_utf8((const uint16_t *)w);

    out[0] = 0;
    if (whole)
        cs_utf8_cut(out, size, whole);
    free(whole);
}

static const WCHAR *file_part(const WCHAR *path)
{
    const WCHAR *a = wcsrchr(path, L'\\'), *b = wcsrchr(path, L'/');

    if (b > a)
        a = b;
    return a ? a + 1 : path;
}

/* Tells dbghelp where a traced module unloaded during the session was. */
static void load_departed(const WCHAR *path, uint64_t base, DWORD size, void *ctx)
{
    cs_symbols *sym = ctx;

    sym->load_module(sym->process, NULL, path, NULL, base, size, NULL, 0);
}

/* Frees what open_symbols allocated, from the heap it came from. */
static void free_symbols(cs_symbols *sym)
{
    if (sym && sym->offline)
        HeapFree(GetProcessHeap(), 0, sym);
    else if (sym)
        cs_raw.free(cs_raw.heap, 0, sym);
}

/* dbghelp loaded and initialised for this process: with its modules
 * (invade) for the live tracer, or with none (offline). */
static cs_symbols *open_symbols(BOOL offline)
{
    BOOL (WINAPI *initialize)(HANDLE, PCWSTR, BOOL);
    DWORD (WINAPI *set_options)(DWORD);
    cs_symbols *sym = offline ? HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*sym))
                              : cs_priv_alloc(sizeof(*sym));

    if (!sym)
        return NULL;
    sym->offline = offline;
    if (!(sym->dll = LoadLibraryW(L"dbghelp.dll")))
        goto out_free;
    initialize = (void *)GetProcAddress(sym->dll, "SymInitializeW");
    set_options = (void *)GetProcAddress(sym->dll, "SymSetOptions");
    sym->cleanup = (void *)GetProcAddress(sym->dll, "SymCleanup");
    sym->from_addr = (void *)GetProcAddress(sym->dll, "SymFromAddrW");
    sym->line_from_addr = (void *)GetProcAddress(sym->dll, "SymGetLineFromAddrW64");
    sym->load_module = (void *)GetProcAddress(sym->dll, "SymLoadModuleExW");
    sym->inline_count = (void *)GetProcAddress(sym->dll, "SymAddrIncludeInlineTrace");
    sym->inline_query = (void *)GetProcAddress(sym->dll, "SymQueryInlineTrace");
    sym->inline_symbol = (void *)GetProcAddress(sym->dll, "SymFromInlineContextW");
    sym->inline_line = (void *)GetProcAddress(sym->dll, "SymGetLineFromInlineContextW");
    if (!sym->inline_count || !sym->inline_query || !sym->inline_symbol || !sym->inline_line)
        sym->inline_count = NULL;
    if (!initialize || !set_options || !sym->cleanup || !sym->from_addr
        || !sym->line_from_addr || !sym->load_module)
        goto out_unload;
    sym->process = GetCurrentProcess();
    set_options(SYMOPT_LOAD_LINES | SYMOPT_UNDNAME | SYMOPT_DEFERRED_LOADS
                | SYMOPT_FAIL_CRITICAL_ERRORS);
    if (!initialize(sym->process, NULL, !offline))
        goto out_unload;
    if (!offline)
        cs_patch_departed(load_departed, sym);
    return sym;

out_unload:
    FreeLibrary(sym->dll);
out_free:
    free_symbols(sym);
    return NULL;
}

cs_symbols *cs_symbols_open(void)
{
    return open_symbols(FALSE);
}

cs_symbols *cs_symbols_open_offline(void)
{
    return open_symbols(TRUE);
}

/* The module part of a frame: from the traced modules (which remember the
 * departed ones), else from the loader. */
static void resolve_module(cs_trace_frame *f, uint64_t *base)
{
    WCHAR path[MAX_PATH];
    HMODULE h;

    *base = 0;
    f->traced = cs_patch_traced_module(f->address, path, MAX_PATH, base, NULL);
    if (!f->traced) {
        if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                                | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                (const WCHAR *)(uintptr_t)f->address, &h)
            || !GetModuleFileNameW(h, path, MAX_PATH))
            return;
        *base = (uint64_t)h;
    }
    to_utf8(file_part(path), f->module, sizeof(f->module));
    to_utf8(path, f->path, sizeof(f->path));
}

typedef union symbol_buffer {
    SYMBOL_INFOW info;
    char space[sizeof(SYMBOL_INFOW) + 256 * sizeof(WCHAR)];
} symbol_buffer;

static SYMBOL_INFOW *symbol_init(symbol_buffer *s)
{
    memset(&s->info, 0, sizeof(s->info));
    s->info.SizeOfStruct = sizeof(SYMBOL_INFOW);
    s->info.MaxNameLen = 256;
    return &s->info;
}

/* Sets a frame's function and line from what dbghelp returned. */
static void set_names(cs_trace_frame *f, BOOL have_symbol, const SYMBOL_INFOW *info,
                      DWORD64 disp, BOOL have_line, const IMAGEHLP_LINEW64 *line)
{
    if (have_symbol && info->Name[0]) {
        to_utf8(info->Name, f->function, sizeof(f->function));
        f->offset = disp + 1;
    }
    if (have_line && line->FileName) {
        to_utf8(line->FileName, f->file, sizeof(f->file));
        f->line = line->LineNumber;
    }
}

/* Names the frame f (module and offset set, f.address where dbghelp
 * knows the code) into out, inlined calls first; see cs_symbols_expand. */
static unsigned name_frame(cs_symbols *sym, cs_trace_frame f, cs_trace_frame *out, unsigned max)
{
    symbol_buffer s;
    IMAGEHLP_LINEW64 line;
    DWORD64 disp, pc = f.address - 1;
    DWORD line_disp, count = 0, first = 0, index = 0, i;
    unsigned n = 0;
    BOOL ok;

    if (sym && sym->inline_count && (count = sym->inline_count(sym->process, pc))
        && !sym->inline_query(sym->process, pc, 0, pc, pc, &first, &index))
        count = 0;
    /* Inline contexts first + 0 .. count - 1 are the inlined calls,
     * innermost first; first + count is the function that holds them, and
     * its line there is the line of the outermost inlined call. */
    for (i = 0; sym && i < count && n + 1 < max; i++) {
        out[n] = f;
        out[n].inlined = TRUE;
        memset(&line, 0, sizeof(line));
        line.SizeOfStruct = sizeof(line);
        disp = 0;
        ok = sym->inline_symbol(sym->process, pc, first + i, &disp, symbol_init(&s));
        set_names(&out[n], ok, &s.info, disp,
                  sym->inline_line(sym->process, pc, first + i, 0, &line_disp, &line), &line);
        n++;
    }
    out[n] = f;
    if (sym) {
        memset(&line, 0, sizeof(line));
        line.SizeOfStruct = sizeof(line);
        disp = 0;
        ok = sym->from_addr(sym->process, pc, &disp, symbol_init(&s));
        set_names(&out[n], ok, &s.info, disp,
                  count ? sym->inline_line(sym->process, pc, first + count, 0, &line_disp, &line)
                        : sym->line_from_addr(sym->process, pc, &line_disp, &line), &line);
    }
    return n + 1;
}

void cs_symbols_module(uint64_t address, cs_trace_frame *f)
{
    uint64_t base;

    memset(f, 0, sizeof(*f));
    f->address = address;
    resolve_module(f, &base);
    f->offset = base ? address - base : address;
}

unsigned cs_symbols_choose(cs_trace_frame *own, unsigned nown, const cs_trace_frame *help,
                           unsigned nhelp, unsigned max)
{
    BOOL take_help = nhelp && ((!nown && (help[nhelp - 1].function[0] || help[0].line))
                               || (help[0].line && !own[0].line)
                               || (help[nhelp - 1].function[0] && !own[nown - 1].function[0]));

    if (!take_help)
        return nown;
    if (nhelp > max)
        nhelp = max;
    memcpy(own, help, nhelp * sizeof(*help));
    return nhelp;
}

unsigned cs_symbols_expand(cs_symbols *sym, uint64_t address, cs_trace_frame *out, unsigned max)
{
    cs_trace_frame f;
    uint64_t base;

    memset(&f, 0, sizeof(f));
    f.address = address;
    resolve_module(&f, &base);
    f.offset = base ? address - base : address;
    return name_frame(sym, f, out, max);
}

/* Where dbghelp has the module of path (read from the file the first
 * time, at the base the file asks for), or 0 when it cannot be read. */
static uint64_t offline_base(cs_symbols *sym, const char *path)
{
    WCHAR wpath[MAX_PATH];
    uint64_t base;
    unsigned i;

    for (i = 0; i < sym->nloaded; i++)
        if (!strcmp(sym->loaded[i].path, path))
            return sym->loaded[i].base;
    if (!path[0] || !MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH))
        return 0;
    base = sym->load_module(sym->process, NULL, wpath, NULL, 0, 0, NULL, 0);
    if (sym->nloaded < sizeof(sym->loaded) / sizeof(sym->loaded[0])) {
        snprintf(sym->loaded[sym->nloaded].path, sizeof(sym->loaded[0].path), "%s", path);
        sym->loaded[sym->nloaded++].base = base;
    }
    return base;
}

unsigned cs_symbols_expand_raw(cs_symbols *sym, const cs_trace_frame *raw, cs_trace_frame *out,
                               unsigned max)
{
    cs_trace_frame f = *raw;
    uint64_t base = sym ? offline_base(sym, raw->path) : 0;

    if (!base) {
        out[0] = *raw;
        return 1;
    }
    f.function[0] = f.file[0] = 0;
    f.line = 0;
    f.address = base + raw->offset;
    return name_frame(sym, f, out, max);
}

void cs_symbols_close(cs_symbols *sym)
{
    if (!sym)
        return;
    sym->cleanup(sym->process);
    FreeLibrary(sym->dll);
    free_symbols(sym);
}
