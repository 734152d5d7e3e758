/*
 * The reader's API (debuginfo.h): an image opened, a debug file attached,
 * the tables read at the first question, an address turned into frames.
 */
#include "di_internal.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

struct cs_debuginfo {
    di_mem m;
    di_pe image;
    di_dwarf dwarf;             /* the image's, or the debug file's */
    int read;                   /* tables read */
    di_tables t;
};

static void *std_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void std_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

int cs_debuginfo_open(const uint8_t *bytes, size_t len, const cs_di_allocator *a,
                      cs_debuginfo **out)
{
    cs_di_allocator std = { std_alloc, std_free, NULL };
    cs_debuginfo *di;
    di_pe pe;

    *out = NULL;
    if (di_pe_parse(bytes, len, &pe))
        return CS_DI_NOT_PE;
    if (!a)
        a = &std;
    if (!(di = a->alloc(a->ctx, sizeof(*di))))
        return CS_DI_NO_MEMORY;
    memset(di, 0, sizeof(*di));
    di->m.a = *a;
    di->image = pe;
    di->dwarf = pe.dwarf;
    *out = di;
    return CS_DI_OK;
}

/* Frees the tables read (they are read again at the next question). */
static void free_tables(cs_debuginfo *di)
{
    size_t i;

    for (i = 0; i < di->t.nfiles; i++)
        if (di->t.file_owned[i])
            di_free(&di->m, (void *)di->t.files[i]);
    di_free(&di->m, di->t.files);
    di_free(&di->m, di->t.file_owned);
    di_free(&di->m, di->t.rows);
    di_free(&di->m, di->t.seqs);
    di_free(&di->m, di->t.scopes);
    di_free(&di->m, di->t.syms);
    di_free(&di->m, di->t.units);
    memset(&di->t, 0, sizeof(di->t));
    di->read = 0;
}

int cs_debuginfo_attach(cs_debuginfo *di, const uint8_t *bytes, size_t len)
{
    di_pe pe;

    if (di_pe_parse(bytes, len, &pe))
        return CS_DI_NOT_PE;
    if (pe.dwarf.info.p || pe.dwarf.line.p) {
        free_tables(di);
        di->dwarf = pe.dwarf;
    }
    return CS_DI_OK;
}

/* Reads the tables once. */
static void read_tables(cs_debuginfo *di)
{
    if (di->read)
        return;
    di->read = 1;
    di_line_read(&di->m, &di->dwarf, &di->t);
    di_info_read(&di->m, &di->dwarf, &di->t);
    di_syms_read(&di->m, &di->image, &di->t);
}

unsigned cs_debuginfo_what(cs_debuginfo *di)
{
    unsigned what = 0;

    read_tables(di);
    if (di->dwarf.info.p || di->dwarf.line.p)
        what |= CS_DI_HAS_DWARF;
    if (di->t.nseqs)
        what |= CS_DI_HAS_LINES;
    if (di->t.nscopes)
        what |= CS_DI_HAS_FUNCTIONS;
    if (di->t.nsyms)
        what |= CS_DI_HAS_SYMBOLS;
    if (cs_debuginfo_debuglink(di, NULL))
        what |= CS_DI_HAS_DEBUGLINK;
    if (di->image.has_build_id)
        what |= CS_DI_HAS_BUILD_ID;
    return what;
}

const char *cs_debuginfo_debuglink(const cs_debuginfo *di, uint32_t *crc)
{
    const di_bytes *b = &di->image.debuglink;
    const uint8_t *nul;
    size_t at;

    if (!b->p || !(nul = memchr(b->p, 0, b->len)) || nul == b->p)
        return NULL;
    at = ((size_t)(nul - b->p) + 4) & ~(size_t)3;   /* the name, padded to 4 */
    if (at + 4 > b->len)
        return NULL;
    if (crc) {
        di_cur c = di_cursor(b->p + at, 4);

        *crc = (uint32_t)di_uint(&c, 4);
    }
    return (const char *)b->p;
}

int cs_debuginfo_build_id(const cs_debuginfo *di, char hex[33])
{
    unsigned i;

    hex[0] = 0;
    if (!di->image.has_build_id)
        return 0;
    for (i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", di->image.build_id[i]);
    return 1;
}

uint64_t cs_debuginfo_image_base(const cs_debuginfo *di)
{
    return di->image.image_base;
}

/* The line row in effect at addr: the last row at or before it in the
 * sequence that covers it (several rows at one address: the last). */
static const di_row *row_at(const di_tables *t, uint64_t addr)
{
    size_t lo = 0, hi = t->nseqs, i;

    while (lo < hi) {                       /* the first sequence past addr */
        size_t mid = lo + (hi - lo) / 2;

        if (t->seqs[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i-- > 0;) {                /* sequences may overlap: look back */
        const di_seq *q = &t->seqs[i];
        size_t a = 0, b = q->n - 1;         /* the end row is not a line */

        if (addr >= q->hi || addr < q->lo)
            continue;
        while (a < b) {                     /* the first row past addr */
            size_t mid = a + (b - a) / 2;

            if (t->rows[q->first + mid].addr <= addr)
                a = mid + 1;
            else
                b = mid;
        }
        if (a)
            return &t->rows[q->first + a - 1];
    }
    return NULL;
}

static const char *file_name(const di_tables *t, uint32_t i)
{
    return i < t->nfiles && t->files[i] ? t->files[i] : "";
}

/* The scopes at addr into chain[], one per depth (the narrowest when
 * several claim one depth); returns the number of depths, 0 when no
 * function holds addr. */
static unsigned scopes_at(const di_tables *t, uint64_t addr, const di_scope **chain, unsigned max)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; i < t->nscopes; i++) {
        const di_scope *s = &t->scopes[i];

        if (addr < s->lo || addr >= s->hi || s->depth >= max)
            continue;
        if (!chain[s->depth] || s->hi - s->lo < chain[s->depth]->hi - chain[s->depth]->lo)
            chain[s->depth] = s;
        if (s->depth + 1 > n)
            n = s->depth + 1;
    }
    for (i = 0; i < n; i++)                 /* a gap: keep the outer part */
        if (!chain[i])
            return (unsigned)i;
    return n;
}

/* The COFF symbol at or before rva, or NULL. */
static const di_sym *symbol_at(const di_tables *t, uint64_t rva)
{
    size_t lo = 0, hi = t->nsyms;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->syms[mid].rva <= rva)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &t->syms[lo - 1] : NULL;
}

#define MAX_INLINE 32

unsigned cs_debuginfo_lookup(cs_debuginfo *di, uint64_t rva, cs_di_frame *out, unsigned max)
{
    const di_scope *chain[MAX_INLINE] = { NULL };
    uint64_t addr = di->image.image_base + rva;
    const di_row *row;
    const di_sym *sym;
    unsigned depth, n = 0, i;

    if (!max)
        return 0;
    read_tables(di);
    row = row_at(&di->t, addr);
    depth = scopes_at(&di->t, addr, chain, MAX_INLINE);
    /* Innermost first: the deepest scope at the row's line, then each
     * outer one at the line of the inlined call it holds. */
    for (i = depth; i-- > 0 && n < max;) {
        const di_scope *inner = i + 1 < depth ? chain[i + 1] : NULL;

        out[n].function = chain[i]->name;
        out[n].offset = addr - chain[i]->entry;
        out[n].inlined = i > 0;
        out[n].file = inner ? file_name(&di->t, inner->call_file) : row ? file_name(&di->t, row->file) : "";
        out[n].line = inner ? inner->call_line : row ? row->line : 0;
        n++;
    }
    if (n)
        return n;
    sym = symbol_at(&di->t, rva);
    if (!row && !sym)
        return 0;
    out[0].function = sym ? sym->name : "";
    out[0].offset = sym ? rva - sym->rva : 0;
    out[0].file = row ? file_name(&di->t, row->file) : "";
    out[0].line = row ? row->line : 0;
    out[0].inlined = 0;
    return 1;
}

void cs_debuginfo_close(cs_debuginfo *di)
{
    if (!di)
        return;
    free_tables(di);
    di->m.a.free(di->m.a.ctx, di);
}
