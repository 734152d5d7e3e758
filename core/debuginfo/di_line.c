/*
 * DWARF line tables (.debug_line, versions 2 to 5): every unit's file
 * names and its line program run into rows and sequences.
 */
#include "di_internal.h"

#include <stdlib.h>
#include <string.h>

/* A line unit's header, as the program needs it. */
typedef struct line_hdr {
    di_unitctx u;
    unsigned min_inst, opcode_base, line_range;
    int line_base, default_stmt;
    const uint8_t *std_lengths;     /* opcode_base - 1 of them */
    uint32_t first_file;            /* the unit's file 0 in t->files */
    const char **dirs;
    size_t ndirs, capdirs;
} line_hdr;

/* Appends a file (dir joined to name unless name is absolute). */
static void add_file(di_mem *m, di_tables *t, const char *dir, const char *name)
{
    size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
    int absolute = name[0] == '/' || name[0] == '\\' || (name[0] && name[1] == ':');
    char *joined = NULL;

    if (di_grow(m, (void **)&t->files, &t->capfiles, t->nfiles + 1, sizeof(*t->files))
        || di_grow(m, (void **)&t->file_owned, &t->capowned, t->nfiles + 1, 1))
        return;
    if (dl && !absolute && (joined = di_alloc(m, dl + nl + 2))) {
        memcpy(joined, dir, dl);
        joined[dl] = '/';
        memcpy(joined + dl + 1, name, nl + 1);
    }
    t->files[t->nfiles] = joined ? joined : name;
    t->file_owned[t->nfiles++] = joined != NULL;
}

static const char *dir_of(const line_hdr *h, uint64_t i)
{
    return i < h->ndirs ? h->dirs[i] : NULL;
}

/* DWARF 5: a table of entries described by (content, form) pairs; each
 * entry's path and directory index. files: add them, else directories. */
static int read_entries(di_mem *m, di_cur *c, line_hdr *h, di_tables *t, int files)
{
    uint64_t nformats = di_uint(c, 1), i, k, count;
    uint64_t fmt[16][2];

    if (nformats > 16)
        return -1;
    for (k = 0; k < nformats; k++) {
        fmt[k][0] = di_uleb(c);
        fmt[k][1] = di_uleb(c);
    }
    count = di_uleb(c);
    for (i = 0; i < count && !c->err; i++) {
        const char *path = "";
        uint64_t dir = 0;
        const uint8_t *start = c->p;

        for (k = 0; k < nformats; k++) {
            di_val v;

            if (di_form_read(c, &h->u, fmt[k][1], 0, &v))
                return -1;
            if (fmt[k][0] == 1 && v.cls == DI_V_STR)          /* DW_LNCT_path */
                path = v.s;
            else if (fmt[k][0] == 2 && v.cls == DI_V_CONST)   /* directory_index */
                dir = v.u;
        }
        if (c->p == start)
            return -1;          /* entries of no bytes: a count to run for ever */
        if (files)
            add_file(m, t, dir_of(h, dir), path);
        else if (!di_grow(m, (void **)&h->dirs, &h->capdirs, h->ndirs + 1, sizeof(*h->dirs)))
            h->dirs[h->ndirs++] = path;
    }
    return c->err ? -1 : 0;
}

/* DWARF 2-4: include_directories then file_names, each list ending with
 * an empty string. Directory 0 and file 0 are implicit. */
static int read_old_entries(di_mem *m, di_cur *c, line_hdr *h, di_tables *t)
{
    const char *s;

    if (!di_grow(m, (void **)&h->dirs, &h->capdirs, 1, sizeof(*h->dirs)))
        h->dirs[h->ndirs++] = NULL;               /* the compilation directory */
    while (!c->err && *(s = di_cstr(c)))
        if (!di_grow(m, (void **)&h->dirs, &h->capdirs, h->ndirs + 1, sizeof(*h->dirs)))
            h->dirs[h->ndirs++] = s;
    add_file(m, t, NULL, "");                     /* file numbers start at 1 */
    while (!c->err && *(s = di_cstr(c))) {
        uint64_t dir = di_uleb(c);

        di_uleb(c);
        di_uleb(c);
        add_file(m, t, dir_of(h, dir), s);
    }
    return c->err ? -1 : 0;
}

/* Reads the header fields from the version on; c ends at the program. */
static int read_header(di_mem *m, di_cur *c, line_hdr *h, di_tables *t)
{
    uint64_t hlen;
    di_cur hc;

    h->u.version = (unsigned)di_uint(c, 2);
    if (h->u.version < 2 || h->u.version > 5)
        return -1;
    h->u.addr_size = 8;
    if (h->u.version >= 5) {
        h->u.addr_size = (unsigned)di_uint(c, 1);
        di_uint(c, 1);
    }
    hlen = di_uint(c, h->u.offset_size);
    if (c->err || hlen > di_left(c))
        return -1;
    hc = di_cursor(c->p, (size_t)hlen);
    di_skip(c, hlen);
    h->min_inst = (unsigned)di_uint(&hc, 1);
    if (h->u.version >= 4)
        di_uint(&hc, 1);
    h->default_stmt = (int)di_uint(&hc, 1);
    h->line_base = (int8_t)di_uint(&hc, 1);
    h->line_range = (unsigned)di_uint(&hc, 1);
    h->opcode_base = (unsigned)di_uint(&hc, 1);
    h->std_lengths = hc.p;
    di_skip(&hc, h->opcode_base ? h->opcode_base - 1 : 0);
    if (hc.err || !h->line_range || !h->opcode_base)
        return -1;
    h->first_file = (uint32_t)t->nfiles;
    if (h->u.version >= 5)
        return read_entries(m, &hc, h, t, 0) || read_entries(m, &hc, h, t, 1) ? -1 : 0;
    return read_old_entries(m, &hc, h, t);
}

/* The line program's state. */
typedef struct line_state {
    uint64_t addr, file, line, seq_first;
} line_state;

static void emit(di_mem *m, di_tables *t, const line_hdr *h, line_state *s, int end)
{
    di_row *r;

    if (di_grow(m, (void **)&t->rows, &t->caprows, t->nrows + 1, sizeof(*t->rows)))
        return;
    r = &t->rows[t->nrows++];
    r->addr = s->addr;
    r->file = (uint32_t)(h->first_file + s->file);
    r->line = (uint32_t)s->line;
    r->end = end;
    if (!end)
        return;
    if (t->nrows - (size_t)s->seq_first >= 2
        && !di_grow(m, (void **)&t->seqs, &t->capseqs, t->nseqs + 1, sizeof(*t->seqs))) {
        di_seq *q = &t->seqs[t->nseqs++];

        q->first = (size_t)s->seq_first;
        q->n = t->nrows - (size_t)s->seq_first;
        q->lo = t->rows[q->first].addr;
        q->hi = s->addr;
    }
    s->seq_first = t->nrows;
}

/* An extended opcode (after its 0 byte). */
static void extended(di_mem *m, di_cur *c, di_tables *t, line_hdr *h, line_state *s)
{
    uint64_t len = di_uleb(c), op;
    di_cur e;

    if (c->err || !len || len > di_left(c)) {
        c->err = 1;
        return;
    }
    e = di_cursor(c->p, (size_t)len);
    di_skip(c, len);
    op = di_uint(&e, 1);
    if (op == 1) {                                  /* DW_LNE_end_sequence */
        emit(m, t, h, s, 1);
        s->addr = 0, s->file = 1, s->line = 1;
    } else if (op == 2 && len - 1 <= 8) {           /* DW_LNE_set_address */
        s->addr = di_uint(&e, (unsigned)(len - 1));
    } else if (op == 3 && h->u.version < 5) {       /* DW_LNE_define_file */
        const char *name = di_cstr(&e);

        if (!e.err)
            add_file(m, t, dir_of(h, di_uleb(&e)), name);
    }
}

/* Runs the program in c, appending rows and sequences. */
static void run_program(di_mem *m, di_cur *c, di_tables *t, line_hdr *h)
{
    line_state s = { 0, 1, 1, t->nrows };

    while (di_left(c) && !m->failed) {
        unsigned op = (unsigned)di_uint(c, 1);

        if (op >= h->opcode_base) {                 /* special */
            op -= h->opcode_base;
            s.addr += (uint64_t)(op / h->line_range) * h->min_inst;
            s.line += (uint64_t)(int64_t)(h->line_base + (int)(op % h->line_range));
            emit(m, t, h, &s, 0);
            continue;
        }
        switch (op) {
        case 0: extended(m, c, t, h, &s); break;
        case 1: emit(m, t, h, &s, 0); break;                            /* copy */
        case 2: s.addr += di_uleb(c) * h->min_inst; break;              /* advance_pc */
        case 3: s.line += (uint64_t)di_sleb(c); break;                  /* advance_line */
        case 4: s.file = di_uleb(c); break;                             /* set_file */
        case 8:                                                         /* const_add_pc */
            s.addr += (uint64_t)((255 - h->opcode_base) / h->line_range) * h->min_inst;
            break;
        case 9: s.addr += di_uint(c, 2); break;                         /* fixed_advance_pc */
        default: {
            unsigned k, n = h->std_lengths[op - 1];

            for (k = 0; k < n; k++)
                di_uleb(c);
        }
        }
    }
}

static int seq_order(const void *a, const void *b)
{
    const di_seq *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void di_line_read(di_mem *m, const di_dwarf *d, di_tables *t)
{
    di_cur all = di_cursor(d->line.p, d->line.len);

    while (di_left(&all) >= 4 && !m->failed) {
        line_hdr h;
        uint64_t off = (uint64_t)(all.p - d->line.p), len;
        di_cur c;

        memset(&h, 0, sizeof(h));
        h.u.d = d;
        h.u.offset_size = 4;
        if ((len = di_uint(&all, 4)) == 0xffffffffu) {
            len = di_uint(&all, 8);
            h.u.offset_size = 8;
        }
        if (all.err || len > di_left(&all))
            break;
        c = di_cursor(all.p, (size_t)len);
        di_skip(&all, len);
        if (!di_grow(m, (void **)&t->units, &t->capunits, t->nunits + 1, sizeof(*t->units))) {
            t->units[t->nunits].off = off;
            t->units[t->nunits++].first = (uint32_t)t->nfiles;
        }
        if (!read_header(m, &c, &h, t))
            run_program(m, &c, t, &h);
        di_free(m, h.dirs);
    }
    if (t->nseqs)
        qsort(t->seqs, t->nseqs, sizeof(*t->seqs), seq_order);
}

uint32_t di_line_unit(const di_tables *t, uint64_t off)
{
    size_t i;

    for (i = 0; i < t->nunits; i++)
        if (t->units[i].off == off)
            return t->units[i].first;
    return UINT32_MAX;
}
