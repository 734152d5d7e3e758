/*
 * Frames named from a module's own debug information (core/debuginfo),
 * independent of the formats Wine's dbghelp reads: gcc 12's default
 * DWARF 5, DWARF 4 with the last line entry at an address (as addr2line),
 * a stripped DLL's separate debug file, the COFF symbols of a build
 * without -g.
 *
 * Files are mapped, not read into a heap: a module's bytes never sit in
 * the heaps a sampler walks. The reader's tables come from the private
 * heap while tracing (offline, from the process heap: nothing samples
 * it then). One cs_dwarf lives for one collect, as dbghelp does.
 *
 * A separate debug file is looked for as gdb does: the file the
 * .gnu_debuglink section names (its CRC-32 must match) beside the DLL,
 * in a .debug folder there, and in the debug directory given
 * (cs_trace_set_debug_dir); and by build id, DIR/.build-id/xx/rest.debug
 * under the DLL's folder and the debug directory. When a module's code
 * cannot be named, cs_dwarf_hint says in one line what would name it.
 */
#include "trace_internal.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>
#include "debuginfo.h"

#define MAX_MODULES 24

/* A file mapped read-only. */
typedef struct mapping {
    HANDLE file, map;
    const uint8_t *view;
    size_t len;
} mapping;

typedef struct dw_module {
    char path[260];             /* UTF-8, as frames carry it */
    mapping image, debug;
    cs_debuginfo *di;           /* NULL when the file is not a PE image */
    char hint[sizeof(((cs_trace_site *)0)->hint)];  /* what would name its code, "" when named */
} dw_module;

struct cs_dwarf {
    BOOL offline;
    unsigned n;
    dw_module m[MAX_MODULES];
};

static WCHAR debug_dir[MAX_PATH];

void cs_trace_set_debug_dir(const WCHAR *dir)
{
    if (!dir)
        debug_dir[0] = 0;
    else
        lstrcpynW(debug_dir, dir, MAX_PATH);
}

static void *priv_alloc(void *ctx, size_t size)
{
    return cs_raw.alloc(cs_raw.heap, 0, size);
}

static void priv_free(void *ctx, void *p)
{
    cs_raw.free(cs_raw.heap, 0, p);
}

static void *proc_alloc(void *ctx, size_t size)
{
    return HeapAlloc(GetProcessHeap(), 0, size);
}

static void proc_free(void *ctx, void *p)
{
    HeapFree(GetProcessHeap(), 0, p);
}

cs_dwarf *cs_dwarf_open(BOOL offline)
{
    cs_dwarf *dw = offline ? HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*dw))
                           : cs_priv_alloc(sizeof(*dw));

    if (dw)
        dw->offline = offline;
    return dw;
}

/* Maps path (UTF-16) read-only; FALSE when it cannot be. */
static BOOL map_file(const WCHAR *path, mapping *mp)
{
    LARGE_INTEGER size;

    memset(mp, 0, sizeof(*mp));
    mp->file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (mp->file == INVALID_HANDLE_VALUE) {
        mp->file = NULL;
        return FALSE;
    }
    if (!GetFileSizeEx(mp->file, &size) || !size.QuadPart || (uint64_t)size.QuadPart > SIZE_MAX
        || !(mp->map = CreateFileMappingW(mp->file, NULL, PAGE_READONLY, 0, 0, NULL))
        || !(mp->view = MapViewOfFile(mp->map, FILE_MAP_READ, 0, 0, 0))) {
        if (mp->map)
            CloseHandle(mp->map);
        CloseHandle(mp->file);
        memset(mp, 0, sizeof(*mp));
        return FALSE;
    }
    mp->len = (size_t)size.QuadPart;
    return TRUE;
}

static void unmap_file(mapping *mp)
{
    if (mp->view)
        UnmapViewOfFile(mp->view);
    if (mp->map)
        CloseHandle(mp->map);
    if (mp->file)
        CloseHandle(mp->file);
    memset(mp, 0, sizeof(*mp));
}

/* dir (with its separator) into out, then the UTF-8 tail. */
static BOOL join(WCHAR *out, const WCHAR *dir, const char *tail)
{
    size_t n = wcslen(dir);

    if (n + 2 >= MAX_PATH)
        return FALSE;
    wcscpy(out, dir);
    if (n && out[n - 1] != L'\\' && out[n - 1] != L'/')
        out[n++] = L'\\';
    return MultiByteToWideChar(CP_UTF8, 0, tail, -1, out + n, (int)(MAX_PATH - n)) > 0;
}

/* Tries one candidate debug file; crc is checked unless 0 is given for
 * a build-id candidate (any_crc). *seen counts files found that did not
 * match. TRUE when attached. */
static BOOL try_debug(dw_module *mod, const WCHAR *dir, const char *tail, uint32_t crc,
                      BOOL any_crc, unsigned *seen)
{
    WCHAR path[MAX_PATH];
    mapping mp;

    if (!dir[0] || !join(path, dir, tail) || !map_file(path, &mp))
        return FALSE;
    if ((!any_crc && cs_di_crc32(0, mp.view, mp.len) != crc)
        || cs_debuginfo_attach(mod->di, mp.view, mp.len) != CS_DI_OK) {
        unmap_file(&mp);
        ++*seen;
        return FALSE;
    }
    mod->debug = mp;
    return TRUE;
}

/* The hint for a debug file asked for (named want) but not found, or
 * found and not matching (seen). */
static void not_found_hint(dw_module *mod, const char *want, const WCHAR *folder, unsigned seen,
                           BOOL dot_debug)
{
    const char *name = strrchr(mod->path, '\\');
    char shown[2][MAX_PATH];
    unsigned i;

    for (i = 0; i < 2; i++)
        if (!WideCharToMultiByte(CP_UTF8, 0, i ? debug_dir : folder, -1, shown[i],
                                 sizeof(shown[i]), NULL, NULL))
            shown[i][0] = 0;
    if (seen)
        snprintf(mod->hint, sizeof(mod->hint), "debug file %s does not match %s (rebuilt since?)",
                 want, name ? name + 1 : mod->path);
    else if (shown[1][0])
        snprintf(mod->hint, sizeof(mod->hint), "debug file %s not in %s%s or %s", want, shown[0],
                 dot_debug ? ", .debug\\ there" : "", shown[1]);
    else
        snprintf(mod->hint, sizeof(mod->hint), "debug file %s not in %s%s: use --debug-dir", want,
                 shown[0], dot_debug ? " or .debug\\ there" : "");
}

/* Looks for the module's separate debug file where gdb would; sets the
 * hint when the module asks for one that is not found. */
static void find_debug_file(dw_module *mod, const WCHAR *folder)
{
    char tail[300], by_id[80], id[33];
    const char *link = cs_debuginfo_debuglink(mod->di, NULL);
    uint32_t crc = 0;
    unsigned seen = 0;

    if (link) {
        cs_debuginfo_debuglink(mod->di, &crc);
        snprintf(tail, sizeof(tail), ".debug\\%s", link);
        if (try_debug(mod, folder, link, crc, FALSE, &seen)
            || try_debug(mod, folder, tail, crc, FALSE, &seen)
            || try_debug(mod, debug_dir, link, crc, FALSE, &seen))
            return;
    }
    if (cs_debuginfo_build_id(mod->di, id)) {
        snprintf(by_id, sizeof(by_id), ".build-id\\%.2s\\%s.debug", id, id + 2);
        if (try_debug(mod, debug_dir, by_id, 0, TRUE, &seen)
            || try_debug(mod, folder, by_id, 0, TRUE, &seen))
            return;
    }
    if (link)
        not_found_hint(mod, link, folder, seen, TRUE);
    else if (id[0])
        not_found_hint(mod, by_id, folder, 0, FALSE);
}

/* The module of path, opened (and its debug file found) the first
 * time; NULL when it cannot be read. */
static dw_module *module_of(cs_dwarf *dw, const char *path)
{
    cs_di_allocator priv = { priv_alloc, priv_free, NULL }, proc = { proc_alloc, proc_free, NULL };
    WCHAR wpath[MAX_PATH], *slash;
    dw_module *mod;
    unsigned i;

    for (i = 0; i < dw->n; i++)
        if (!strcmp(dw->m[i].path, path))
            return dw->m[i].di ? &dw->m[i] : NULL;
    if (dw->n == MAX_MODULES || !path[0]
        || !MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH))
        return NULL;
    mod = &dw->m[dw->n++];
    snprintf(mod->path, sizeof(mod->path), "%s", path);
    if (!map_file(wpath, &mod->image))
        return NULL;
    if (cs_debuginfo_open(mod->image.view, mod->image.len, dw->offline ? &proc : &priv, &mod->di)) {
        unmap_file(&mod->image);
        return NULL;
    }
    if ((slash = wcsrchr(wpath, L'\\')))
        slash[1] = 0;
    if (!(cs_debuginfo_what(mod->di) & CS_DI_HAS_DWARF))
        find_debug_file(mod, slash ? wpath : L".\\");
    return mod;
}

unsigned cs_dwarf_expand(cs_dwarf *dw, const cs_trace_frame *f, cs_trace_frame *out, unsigned max)
{
    cs_di_frame frames[CS_TRACE_MAX_FRAMES];
    dw_module *mod = dw && f->offset ? module_of(dw, f->path) : NULL;
    unsigned n, i;

    if (!mod || !max)
        return 0;
    n = cs_debuginfo_lookup(mod->di, f->offset - 1, frames, max < CS_TRACE_MAX_FRAMES ? max : CS_TRACE_MAX_FRAMES);
    for (i = 0; i < n; i++) {
        out[i] = *f;
        cs_utf8_cut(out[i].function, sizeof(out[i].function), frames[i].function);
        cs_utf8_cut(out[i].file, sizeof(out[i].file), frames[i].file);
        out[i].line = frames[i].line;
        out[i].inlined = frames[i].inlined;
        out[i].offset = frames[i].function[0] ? frames[i].offset + 1 : f->offset;
    }
    return n;
}

size_t cs_dwarf_hint(cs_dwarf *dw, const cs_trace_frame *f, char *buf, size_t size)
{
    dw_module *mod = dw ? module_of(dw, f->path) : NULL;
    unsigned what;

    if (!mod)
        return (size_t)snprintf(buf, size, "%s could not be read to name it", f->module);
    if (mod->hint[0])
        return (size_t)snprintf(buf, size, "%s", mod->hint);
    what = cs_debuginfo_what(mod->di);
    if (what & CS_DI_HAS_LINES)     /* DWARF, but not for this code (the C runtime's only) */
        return (size_t)snprintf(buf, size, "no debug information for this code: build %s with -g",
                                f->module);
    return (size_t)snprintf(buf, size, "no debug information: build %s with -g", f->module);
}

void cs_dwarf_close(cs_dwarf *dw)
{
    unsigned i;

    if (!dw)
        return;
    for (i = 0; i < dw->n; i++) {
        cs_debuginfo_close(dw->m[i].di);
        unmap_file(&dw->m[i].debug);
        unmap_file(&dw->m[i].image);
    }
    if (dw->offline)
        HeapFree(GetProcessHeap(), 0, dw);
    else
        cs_raw.free(cs_raw.heap, 0, dw);
}
