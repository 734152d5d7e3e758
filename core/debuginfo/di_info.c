/*
 * Functions from .debug_info (DWARF 2 to 5): every subprogram with an
 * address range and every inlined subroutine inside one becomes a scope
 * (its ranges, its name, its nesting, and for an inlined call the file
 * and line of the call). Names given through DW_AT_abstract_origin or
 * DW_AT_specification (an inlined or out-of-line copy of a function
 * declared elsewhere) are looked up once the whole section is walked.
 */
#include "di_internal.h"

#include <string.h>

enum { TAG_compile_unit = 0x11, TAG_partial_unit = 0x3c, TAG_subprogram = 0x2e,
       TAG_inlined_subroutine = 0x1d };
enum { AT_name = 0x03, AT_stmt_list = 0x10, AT_low_pc = 0x11, AT_high_pc = 0x12,
       AT_abstract_origin = 0x31, AT_specification = 0x47, AT_ranges = 0x55,
       AT_call_file = 0x58, AT_call_line = 0x59, AT_str_offsets_base = 0x72,
       AT_addr_base = 0x73, AT_rnglists_base = 0x74, AT_GNU_addr_base = 0x2133 };

#define MAX_DEPTH 64
#define NO_ORIGIN UINT64_MAX

typedef struct abbrev {
    uint64_t code, tag;
    int children;
    size_t first, n;            /* specs[first .. first + n) */
} abbrev;

typedef struct spec {
    uint64_t name, form;
    int64_t implicit;
} spec;

typedef struct abbrevs {
    uint64_t off;               /* in .debug_abbrev; UINT64_MAX: none read */
    abbrev *a;
    size_t n, cap;
    spec *s;
    size_t ns, caps;
} abbrevs;

/* Reads the abbreviation table at off into t (replacing what it held). */
static int read_abbrevs(di_mem *m, const di_dwarf *d, uint64_t off, abbrevs *t)
{
    di_cur c;

    if (t->off == off)
        return 0;
    t->n = t->ns = 0;
    t->off = UINT64_MAX;
    if (off >= d->abbrev.len)
        return -1;
    c = di_cursor(d->abbrev.p + off, d->abbrev.len - (size_t)off);
    for (;;) {
        uint64_t code = di_uleb(&c), name, form;
        abbrev *a;

        if (c.err || !code || di_grow(m, (void **)&t->a, &t->cap, t->n + 1, sizeof(*t->a)))
            break;
        a = &t->a[t->n++];
        a->code = code;
        a->tag = di_uleb(&c);
        a->children = (int)di_uint(&c, 1);
        a->first = t->ns;
        while (!c.err && ((name = di_uleb(&c)) | (form = di_uleb(&c)))) {
            if (di_grow(m, (void **)&t->s, &t->caps, t->ns + 1, sizeof(*t->s)))
                return -1;
            t->s[t->ns].name = name;
            t->s[t->ns].form = form;
            t->s[t->ns++].implicit = form == 0x21 ? di_sleb(&c) : 0;
        }
        a->n = t->ns - a->first;
    }
    t->off = off;
    return c.err ? -1 : 0;
}

static const abbrev *find_abbrev(const abbrevs *t, uint64_t code)
{
    size_t i;

    if (code && code <= t->n && t->a[code - 1].code == code)
        return &t->a[code - 1];
    for (i = 0; i < t->n; i++)
        if (t->a[i].code == code)
            return &t->a[i];
    return NULL;
}

/* What one DIE says that the reader uses. */
typedef struct die {
    const abbrev *ab;
    const char *name;
    uint64_t origin;            /* abstract_origin or specification, or NO_ORIGIN */
    di_val low, high, ranges;
    uint64_t call_file, call_line, stmt_list;
    int has_stmt_list;
} die;

/* Reads the DIE at c (its abbreviation code first); the unit's bases are
 * taken as they come. 0; 1 for a null entry (end of siblings); -1 when it
 * cannot be read. */
static int read_die(di_cur *c, di_unitctx *u, const abbrevs *t, die *e)
{
    uint64_t code = di_uleb(c);
    size_t i;

    memset(e, 0, sizeof(*e));
    e->origin = NO_ORIGIN;
    if (c->err)
        return -1;
    if (!code)
        return 1;
    if (!(e->ab = find_abbrev(t, code)))
        return -1;
    for (i = 0; i < e->ab->n; i++) {
        const spec *s = &t->s[e->ab->first + i];
        di_val v;

        if (di_form_read(c, u, s->form, s->implicit, &v))
            return -1;
        switch (s->name) {
        case AT_name: if (v.cls == DI_V_STR) e->name = v.s; break;
        case AT_abstract_origin: case AT_specification:
            if (v.cls == DI_V_REF) e->origin = v.u;
            break;
        case AT_low_pc: e->low = v; break;
        case AT_high_pc: e->high = v; break;
        case AT_ranges: e->ranges = v; break;
        case AT_call_file: e->call_file = v.u; break;
        case AT_call_line: e->call_line = v.u; break;
        case AT_stmt_list: e->stmt_list = v.u; e->has_stmt_list = 1; break;
        case AT_str_offsets_base: u->str_offsets_base = v.u; break;
        case AT_addr_base: case AT_GNU_addr_base: u->addr_base = v.u; break;
        case AT_rnglists_base: u->rnglists_base = v.u; break;
        }
    }
    return 0;
}

/* The scope being added: its template and the ranges it covers. */
typedef struct adder {
    di_mem *m;
    di_tables *t;
    di_scope tmpl;
    size_t count;
} adder;

static void add_range(adder *ad, uint64_t lo, uint64_t hi)
{
    di_scope *s;

    if (hi <= lo || di_grow(ad->m, (void **)&ad->t->scopes, &ad->t->capscopes,
                            ad->t->nscopes + 1, sizeof(*ad->t->scopes)))
        return;
    if (!ad->count++)
        ad->tmpl.entry = lo;    /* the first range holds the entry */
    s = &ad->t->scopes[ad->t->nscopes++];
    *s = ad->tmpl;
    s->lo = lo;
    s->hi = hi;
}

/* DWARF 2-4 .debug_ranges at off (base: the unit's base address). */
static void old_ranges(adder *ad, const di_unitctx *u, uint64_t off, uint64_t base)
{
    const di_bytes *r = &u->d->ranges;
    uint64_t all = u->addr_size == 4 ? 0xffffffffu : UINT64_MAX;
    di_cur c;

    if (off >= r->len)
        return;
    c = di_cursor(r->p + off, r->len - (size_t)off);
    while (di_left(&c)) {
        uint64_t a = di_uint(&c, u->addr_size), b = di_uint(&c, u->addr_size);

        if (c.err || (!a && !b))
            break;
        if (a == all)
            base = b;
        else
            add_range(ad, base + a, base + b);
    }
}

/* DWARF 5 .debug_rnglists at off. */
static void new_ranges(adder *ad, const di_unitctx *u, uint64_t off, uint64_t base)
{
    const di_bytes *r = &u->d->rnglists;
    di_cur c;
    di_val v;
    uint64_t a, b;

    if (off >= r->len)
        return;
    c = di_cursor(r->p + off, r->len - (size_t)off);
    while (di_left(&c)) {
        switch (di_uint(&c, 1)) {
        case 0: return;                                           /* end_of_list */
        case 1: di_form_read(&c, u, 0x1b, 0, &v); base = v.u; break; /* base_addressx */
        case 2: di_form_read(&c, u, 0x1b, 0, &v); a = v.u;           /* startx_endx */
            di_form_read(&c, u, 0x1b, 0, &v); add_range(ad, a, v.u); break;
        case 3: di_form_read(&c, u, 0x1b, 0, &v); a = v.u;           /* startx_length */
            add_range(ad, a, a + di_uleb(&c)); break;
        case 4: a = di_uleb(&c); b = di_uleb(&c);                    /* offset_pair */
            add_range(ad, base + a, base + b); break;
        case 5: base = di_uint(&c, u->addr_size); break;             /* base_address */
        case 6: a = di_uint(&c, u->addr_size); b = di_uint(&c, u->addr_size);
            add_range(ad, a, b); break;                              /* start_end */
        case 7: a = di_uint(&c, u->addr_size);                       /* start_length */
            add_range(ad, a, a + di_uleb(&c)); break;
        default: return;
        }
    }
}

/* Adds e's ranges as scopes; FALSE when it has none. */
static int add_scopes(adder *ad, const di_unitctx *u, const die *e, uint64_t base)
{
    size_t before = ad->t->nscopes;

    if (e->low.cls == DI_V_ADDR && e->high.cls != DI_V_NONE) {
        uint64_t hi = e->high.cls == DI_V_ADDR ? e->high.u : e->low.u + e->high.u;

        add_range(ad, e->low.u, hi);
    } else if (e->ranges.cls == DI_V_RNGLISTX) {
        const di_bytes *r = &u->d->rnglists;
        uint64_t at = u->rnglists_base + e->ranges.u * u->offset_size;

        if (r->p && at < r->len && r->len - at >= u->offset_size) {
            di_cur c = di_cursor(r->p + at, u->offset_size);

            new_ranges(ad, u, u->rnglists_base + di_uint(&c, u->offset_size), base);
        }
    } else if (e->ranges.cls == DI_V_SECOFF || e->ranges.cls == DI_V_CONST) {
        if (u->version >= 5)
            new_ranges(ad, u, e->ranges.u, base);
        else
            old_ranges(ad, u, e->ranges.u, base);
    }
    return ad->t->nscopes > before;
}

/* A unit's header (at c, after its length): version, sizes, abbrevs.
 * 0, or -1 for a unit the reader skips. */
static int read_unit_header(di_cur *c, di_unitctx *u, uint64_t *abbrev_off)
{
    uint64_t type = 1;

    u->version = (unsigned)di_uint(c, 2);
    if (u->version < 2 || u->version > 5)
        return -1;
    if (u->version >= 5) {
        type = di_uint(c, 1);
        u->addr_size = (unsigned)di_uint(c, 1);
        *abbrev_off = di_uint(c, u->offset_size);
        if (type == 4 || type == 5)             /* skeleton, split: a dwo id */
            di_skip(c, 8);
        else if (type == 2 || type == 6)        /* type units: no code */
            return -1;
    } else {
        *abbrev_off = di_uint(c, u->offset_size);
        u->addr_size = (unsigned)di_uint(c, 1);
    }
    if (u->addr_size != 4 && u->addr_size != 8)
        return -1;
    return c->err ? -1 : 0;
}

/* The walk of one unit's DIEs: inline nesting per tree depth. */
typedef struct walk {
    int inside[MAX_DEPTH];      /* inline level inside a function, or -1 */
    uint64_t base;              /* the unit's base address */
    uint32_t files;             /* the unit's file 0 in the file table */
} walk;

/* Makes scopes of a function or inlined call DIE at depth. */
static void take_die(adder *ad, const di_unitctx *u, walk *w, const die *e, unsigned depth)
{
    int level = depth ? w->inside[depth - 1] : -1;
    int is_inline = e->ab->tag == TAG_inlined_subroutine;

    w->inside[depth] = level;
    if (e->ab->tag != TAG_subprogram && !is_inline)
        return;
    if (is_inline && level < 0)
        return;                 /* an inlined call outside any function */
    memset(&ad->tmpl, 0, sizeof(ad->tmpl));
    ad->count = 0;
    ad->tmpl.name = e->name;
    ad->tmpl.origin = e->name ? NO_ORIGIN : e->origin;
    ad->tmpl.depth = is_inline ? (unsigned)level + 1 : 0;
    ad->tmpl.unit = w->files;
    if (is_inline && w->files != UINT32_MAX) {
        ad->tmpl.call_file = (uint32_t)(w->files + e->call_file);
        ad->tmpl.call_line = (uint32_t)e->call_line;
    } else {
        ad->tmpl.call_file = UINT32_MAX;
    }
    if (!e->name && e->origin == NO_ORIGIN)
        return;
    if (add_scopes(ad, u, e, w->base))
        w->inside[depth] = (int)ad->tmpl.depth;
}

/* Walks the DIEs of the unit in c; its scopes go to ad->t. */
static void walk_unit(adder *ad, di_cur *c, di_unitctx *u, const abbrevs *t)
{
    walk w;
    die e;
    unsigned depth = 0;
    int r;

    memset(&w, 0, sizeof(w));
    w.files = UINT32_MAX;
    if (read_die(c, u, t, &e) || (e.ab->tag != TAG_compile_unit && e.ab->tag != TAG_partial_unit))
        return;
    if (e.low.cls == DI_V_ADDR)
        w.base = e.low.u;
    if (e.has_stmt_list)
        w.files = di_line_unit(ad->t, e.stmt_list);
    if (!e.ab->children)
        return;
    w.inside[0] = -1;
    depth = 1;
    while (depth && !ad->m->failed && (r = read_die(c, u, t, &e)) >= 0) {
        if (r == 1) {
            depth--;
            continue;
        }
        take_die(ad, u, &w, &e, depth < MAX_DEPTH ? depth : MAX_DEPTH - 1);
        if (e.ab->children && ++depth >= MAX_DEPTH)
            return;
    }
}

/* The units of .debug_info, for names looked up afterwards. */
typedef struct unit_ref {
    uint64_t off, end, die_off, abbrev_off;
    di_unitctx u;
} unit_ref;

/* The name of the DIE at off (following origins a few times), or NULL. */
static const char *name_at(di_mem *m, const di_dwarf *d, const unit_ref *units, size_t n,
                           abbrevs *t, uint64_t off)
{
    int hops;

    for (hops = 0; hops < 4 && off != NO_ORIGIN; hops++) {
        size_t i;
        di_unitctx u;
        di_cur c;
        die e;

        for (i = 0; i < n && !(off >= units[i].die_off && off < units[i].end); i++)
            ;
        if (i == n || read_abbrevs(m, d, units[i].abbrev_off, t))
            return NULL;
        u = units[i].u;
        c = di_cursor(d->info.p + off, (size_t)(units[i].end - off));
        if (read_die(&c, &u, t, &e))
            return NULL;
        if (e.name)
            return e.name;
        off = e.origin;
    }
    return NULL;
}

/* Names every scope that has only an origin. */
static void resolve_names(di_mem *m, const di_dwarf *d, di_tables *tb, const unit_ref *units,
                          size_t n, abbrevs *t)
{
    size_t i;

    for (i = 0; i < tb->nscopes; i++) {
        di_scope *s = &tb->scopes[i];

        if (!s->name && s->origin != NO_ORIGIN) {
            if (i && tb->scopes[i - 1].origin == s->origin && tb->scopes[i - 1].name)
                s->name = tb->scopes[i - 1].name;       /* the same call's next range */
            else
                s->name = name_at(m, d, units, n, t, s->origin);
        }
        if (!s->name)
            s->name = "";
    }
}

void di_info_read(di_mem *m, const di_dwarf *d, di_tables *tb)
{
    di_cur all = di_cursor(d->info.p, d->info.len);
    abbrevs t;
    adder ad;
    unit_ref *units = NULL;
    size_t nunits = 0, capunits = 0;

    memset(&t, 0, sizeof(t));
    t.off = UINT64_MAX;
    ad.m = m;
    ad.t = tb;
    while (di_left(&all) >= 4 && !m->failed) {
        unit_ref r;
        uint64_t len;
        di_cur c;

        memset(&r, 0, sizeof(r));
        r.off = (uint64_t)(all.p - d->info.p);
        r.u.d = d;
        r.u.offset_size = 4;
        if ((len = di_uint(&all, 4)) == 0xffffffffu) {
            len = di_uint(&all, 8);
            r.u.offset_size = 8;
        }
        if (all.err || len > di_left(&all))
            break;
        c = di_cursor(all.p, (size_t)len);
        di_skip(&all, len);
        r.end = (uint64_t)(all.p - d->info.p);
        r.u.unit_off = r.off;
        if (read_unit_header(&c, &r.u, &r.abbrev_off) || read_abbrevs(m, d, r.abbrev_off, &t))
            continue;
        r.die_off = (uint64_t)(c.p - d->info.p);
        walk_unit(&ad, &c, &r.u, &t);
        if (!di_grow(m, (void **)&units, &capunits, nunits + 1, sizeof(*units)))
            units[nunits++] = r;
    }
    resolve_names(m, d, tb, units, nunits, &t);
    di_free(m, units);
    di_free(m, t.a);
    di_free(m, t.s);
}
