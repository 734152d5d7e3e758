/*
 * The debug information reader's ground floor: the bounds-checked cursor,
 * the allocator's arrays, the PE image's sections (DWARF, .gnu_debuglink,
 * the CodeView build id) and its COFF function symbols.
 */
#include "di_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t di_uint(di_cur *c, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    if (c->err || (size_t)(c->end - c->p) < size) {
        c->err = 1;
        return 0;
    }
    for (i = 0; i < size; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += size;
    return v;
}

uint64_t di_uleb(di_cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;

    while (!c->err) {
        uint8_t b;

        if (c->p >= c->end) {
            c->err = 1;
            break;
        }
        b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    return v;
}

int64_t di_sleb(di_cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;

    while (!c->err) {
        if (c->p >= c->end) {
            c->err = 1;
            return 0;
        }
        b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

void di_skip(di_cur *c, uint64_t n)
{
    if (c->err || (uint64_t)(c->end - c->p) < n)
        c->err = 1;
    else
        c->p += n;
}

const char *di_cstr(di_cur *c)
{
    const uint8_t *nul;

    if (c->err || !(nul = memchr(c->p, 0, (size_t)(c->end - c->p)))) {
        c->err = 1;
        return "";
    }
    {
        const char *s = (const char *)c->p;

        c->p = nul + 1;
        return s;
    }
}

const char *di_str_at(const uint8_t *sec, size_t len, uint64_t off)
{
    if (!sec || off >= len || !memchr(sec + off, 0, len - (size_t)off))
        return NULL;
    return (const char *)sec + off;
}

void *di_alloc(di_mem *m, size_t size)
{
    void *p = m->a.alloc(m->a.ctx, size ? size : 1);

    if (!p)
        m->failed = 1;
    return p;
}

void di_free(di_mem *m, void *p)
{
    if (p)
        m->a.free(m->a.ctx, p);
}

int di_grow(di_mem *m, void **items, size_t *cap, size_t need, size_t size)
{
    size_t room = *cap ? *cap : 16;
    void *p;

    if (need <= *cap)
        return 0;
    while (room < need) {
        if (room > SIZE_MAX / 2 / size) {
            m->failed = 1;
            return -1;
        }
        room *= 2;
    }
    if (!(p = di_alloc(m, room * size)))
        return -1;
    if (*items)
        memcpy(p, *items, *cap * size);
    di_free(m, *items);
    *items = p;
    *cap = room;
    return 0;
}

/* ---- PE ---------------------------------------------------------------- */

#define SECTION_SIZE 40
#define SYMBOL_SIZE 18
#define DEBUG_DIR_INDEX 6
#define DEBUG_TYPE_CODEVIEW 2

/* A section's name: 8 bytes, or "/N" for offset N in the string table. */
static void section_name(const di_pe *pe, const uint8_t *h, char *out, size_t size)
{
    const char *s;
    unsigned long off = 0;
    unsigned i;

    if (h[0] == '/') {
        for (i = 1; i < 8 && h[i] >= '0' && h[i] <= '9'; i++)
            off = off * 10 + (unsigned long)(h[i] - '0');
        s = di_str_at(pe->strings, pe->strings_len, off);
        snprintf(out, size, "%s", s ? s : "");
        return;
    }
    memcpy(out, h, 8);
    out[8] = 0;
}

/* The bytes of a section within the file: its raw data, cut to its
 * virtual size when that is smaller (the rest is the file's padding). */
static di_bytes section_bytes(const uint8_t *bytes, size_t len, const uint8_t *h)
{
    di_cur c = di_cursor(h + 8, 32);
    uint64_t vsize = di_uint(&c, 4), raw, off;
    di_bytes b = { NULL, 0 };

    di_uint(&c, 4);
    raw = di_uint(&c, 4);
    off = di_uint(&c, 4);
    if (vsize && vsize < raw)
        raw = vsize;
    if (off >= len || raw == 0)
        return b;
    b.p = bytes + off;
    b.len = (size_t)(raw < len - off ? raw : len - off);
    return b;
}

/* Files each section the reader knows into pe. */
static void take_section(di_pe *pe, const char *name, di_bytes b)
{
    static const struct { const char *name; size_t at; } known[] = {
        { ".debug_info", offsetof(di_dwarf, info) },
        { ".debug_abbrev", offsetof(di_dwarf, abbrev) },
        { ".debug_line", offsetof(di_dwarf, line) },
        { ".debug_line_str", offsetof(di_dwarf, line_str) },
        { ".debug_str", offsetof(di_dwarf, str) },
        { ".debug_str_offsets", offsetof(di_dwarf, str_offsets) },
        { ".debug_addr", offsetof(di_dwarf, addr) },
        { ".debug_ranges", offsetof(di_dwarf, ranges) },
        { ".debug_rnglists", offsetof(di_dwarf, rnglists) },
    };
    size_t i;

    if (!strcmp(name, ".gnu_debuglink"))
        pe->debuglink = b;
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (!strcmp(name, known[i].name))
            *(di_bytes *)((char *)&pe->dwarf + known[i].at) = b;
}

/* The file offset of rva, through the section table; 0 when unmapped. */
static uint64_t rva_to_offset(const di_pe *pe, uint64_t rva)
{
    unsigned i;

    for (i = 0; i < pe->nsections; i++) {
        di_cur c = di_cursor(pe->sections + i * SECTION_SIZE + 8, 32);
        uint64_t vsize = di_uint(&c, 4), va = di_uint(&c, 4), raw = di_uint(&c, 4);
        uint64_t off = di_uint(&c, 4);

        if (rva >= va && rva - va < (vsize > raw ? vsize : raw))
            return rva - va < raw ? off + (rva - va) : 0;
    }
    return 0;
}

/* The CodeView entry's GUID of the debug directory (dir: its RVA, size). */
static void read_build_id(di_pe *pe, const uint8_t *bytes, size_t len, uint64_t rva, uint64_t size)
{
    uint64_t at = rva_to_offset(pe, rva), n;

    if (!at || at >= len)
        return;
    for (n = 0; n + 28 <= size && at + n + 28 <= len; n += 28) {
        di_cur c = di_cursor(bytes + at + n + 12, 16);
        uint64_t type = di_uint(&c, 4), dsize = di_uint(&c, 4), off;

        di_uint(&c, 4);
        off = di_uint(&c, 4);
        if (type == DEBUG_TYPE_CODEVIEW && dsize >= 20 && off < len && len - off >= 20
            && !memcmp(bytes + off, "RSDS", 4)) {
            const uint8_t *g = bytes + off + 4;
            static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
                                               8, 9, 10, 11, 12, 13, 14, 15 };
            unsigned k;

            /* The GUID's first three fields are little-endian numbers;
             * the build id is the GUID read as one big-endian value. */
            for (k = 0; k < 16; k++)
                pe->build_id[k] = g[order[k]];
            pe->has_build_id = 1;
            return;
        }
    }
}

/* The optional header: image base and the debug directory. */
static int read_optional(di_pe *pe, const uint8_t *opt, size_t size, uint64_t *dbg_rva,
                         uint64_t *dbg_size)
{
    di_cur c = di_cursor(opt, size);
    uint64_t magic = di_uint(&c, 2), ndirs;
    size_t dirs;

    *dbg_rva = *dbg_size = 0;
    if (magic == 0x20b) {
        di_skip(&c, 22);
        pe->image_base = di_uint(&c, 8);
        dirs = 112;
    } else if (magic == 0x10b) {
        di_skip(&c, 26);
        pe->image_base = di_uint(&c, 4);
        dirs = 96;
    } else {
        return -1;
    }
    c = di_cursor(opt, size);
    di_skip(&c, dirs - 4);
    ndirs = di_uint(&c, 4);
    if (!c.err && ndirs > DEBUG_DIR_INDEX) {
        di_skip(&c, DEBUG_DIR_INDEX * 8);
        *dbg_rva = di_uint(&c, 4);
        *dbg_size = di_uint(&c, 4);
    }
    return c.err ? -1 : 0;
}

int di_pe_parse(const uint8_t *bytes, size_t len, di_pe *pe)
{
    di_cur c;
    uint64_t pe_at, nsections, symtab, nsyms, optsize, dbg_rva, dbg_size, strsize;
    unsigned i;

    memset(pe, 0, sizeof(*pe));
    if (!bytes || len < 0x40 || bytes[0] != 'M' || bytes[1] != 'Z')
        return -1;
    c = di_cursor(bytes + 0x3c, 4);
    pe_at = di_uint(&c, 4);
    if (pe_at > len || len - pe_at < 24 || memcmp(bytes + pe_at, "PE\0\0", 4))
        return -1;
    c = di_cursor(bytes + pe_at + 4, 20);
    di_uint(&c, 2);
    nsections = di_uint(&c, 2);
    di_uint(&c, 4);
    symtab = di_uint(&c, 4);
    nsyms = di_uint(&c, 4);
    optsize = di_uint(&c, 2);
    if (pe_at + 24 + optsize > len
        || read_optional(pe, bytes + pe_at + 24, (size_t)optsize, &dbg_rva, &dbg_size))
        return -1;
    if (pe_at + 24 + optsize + nsections * SECTION_SIZE > len)
        return -1;
    pe->sections = bytes + pe_at + 24 + optsize;
    pe->nsections = (unsigned)nsections;
    if (symtab && symtab < len && nsyms <= (len - symtab) / SYMBOL_SIZE) {
        pe->symbols = bytes + symtab;
        pe->nsymbols = (uint32_t)nsyms;
        c = di_cursor(bytes + symtab + nsyms * SYMBOL_SIZE, len - symtab - nsyms * SYMBOL_SIZE);
        strsize = di_uint(&c, 4);
        if (!c.err && strsize >= 4 && strsize <= len - symtab - nsyms * SYMBOL_SIZE) {
            pe->strings = bytes + symtab + nsyms * SYMBOL_SIZE;
            pe->strings_len = (size_t)strsize;
        }
    }
    for (i = 0; i < pe->nsections; i++) {
        char name[64];
        const uint8_t *h = pe->sections + i * SECTION_SIZE;

        section_name(pe, h, name, sizeof(name));
        take_section(pe, name, section_bytes(bytes, len, h));
    }
    if (dbg_size)
        read_build_id(pe, bytes, len, dbg_rva, dbg_size);
    return 0;
}

/* ---- COFF symbols ------------------------------------------------------ */

static int sym_order(const void *a, const void *b)
{
    const di_sym *x = a, *y = b;

    return x->rva < y->rva ? -1 : x->rva > y->rva;
}

/* Sets a symbol's name: at an offset in the string table, or the 8 bytes
 * of the record (copied: they need not end in a NUL). FALSE when empty. */
static int symbol_name(const di_pe *pe, const uint8_t *s, di_sym *out)
{
    memset(out->inl, 0, sizeof(out->inl));
    out->name = NULL;
    if (!s[0] && !s[1] && !s[2] && !s[3]) {
        di_cur c = di_cursor(s + 4, 4);

        out->name = di_str_at(pe->strings, pe->strings_len, di_uint(&c, 4));
        return out->name && out->name[0];
    }
    memcpy(out->inl, s, 8);
    return out->inl[0] != 0;
}

void di_syms_read(di_mem *m, const di_pe *pe, di_tables *t)
{
    size_t cap = 0;
    uint32_t i;

    for (i = 0; i < pe->nsymbols; i++) {
        const uint8_t *s = pe->symbols + (size_t)i * SYMBOL_SIZE;
        di_cur c = di_cursor(s + 8, 10);
        uint64_t value = di_uint(&c, 4), section = di_uint(&c, 2), type = di_uint(&c, 2);
        uint64_t cls = di_uint(&c, 1), naux = di_uint(&c, 1);
        i += (uint32_t)naux;
        if ((type & 0x30) != 0x20 || (cls != 2 && cls != 3) || section < 1
            || section > pe->nsections)
            continue;
        if (di_grow(m, (void **)&t->syms, &cap, t->nsyms + 1, sizeof(*t->syms)))
            break;
        if (!symbol_name(pe, s, &t->syms[t->nsyms]))
            continue;
        c = di_cursor(pe->sections + (section - 1) * SECTION_SIZE + 12, 4);
        t->syms[t->nsyms++].rva = di_uint(&c, 4) + value;
    }
    if (t->nsyms)
        qsort(t->syms, t->nsyms, sizeof(*t->syms), sym_order);
    for (i = 0; i < t->nsyms; i++)        /* the array moves no more */
        if (!t->syms[i].name)
            t->syms[i].name = t->syms[i].inl;
}

/* ---- CRC-32 (reflected, polynomial 0xedb88320) ------------------------- */

uint32_t cs_di_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    unsigned k;

    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++)
            crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}
