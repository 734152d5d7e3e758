/*
 * What the debug information reader's files share (debuginfo.h is the
 * API): a bounds-checked cursor, the PE's sections, and the tables built
 * from the DWARF.
 */
#ifndef CS_DI_INTERNAL_H
#define CS_DI_INTERNAL_H

#include "debuginfo.h"

/* ---- a cursor over bytes: every read checked, err set past the end ---- */

typedef struct di_cur {
    const uint8_t *p, *end;
    int err;
} di_cur;

static inline di_cur di_cursor(const uint8_t *p, size_t len)
{
    di_cur c = { p, p ? p + len : p, 0 };     /* an absent section: empty */

    return c;
}

static inline size_t di_left(const di_cur *c)
{
    return c->err ? 0 : (size_t)(c->end - c->p);
}

uint64_t di_uint(di_cur *c, unsigned size);    /* little-endian, size 1..8 */
uint64_t di_uleb(di_cur *c);
int64_t di_sleb(di_cur *c);
void di_skip(di_cur *c, uint64_t n);
const char *di_cstr(di_cur *c);                /* "" and err when unterminated */

/* A NUL-terminated string at off in a section, or NULL. */
const char *di_str_at(const uint8_t *sec, size_t len, uint64_t off);

/* ---- sections ---------------------------------------------------------- */

typedef struct di_bytes {
    const uint8_t *p;
    size_t len;
} di_bytes;

/* The DWARF sections the reader uses. */
typedef struct di_dwarf {
    di_bytes info, abbrev, line, line_str, str, str_offsets, addr, ranges, rnglists;
} di_dwarf;

/* A PE image's parts, from pe_parse. */
typedef struct di_pe {
    uint64_t image_base;
    di_dwarf dwarf;
    di_bytes debuglink;         /* section contents */
    uint8_t build_id[16];
    int has_build_id;
    /* COFF symbol table and the section table, to read it. */
    const uint8_t *symbols;
    uint32_t nsymbols;
    const uint8_t *strings;     /* the string table after the symbols */
    size_t strings_len;
    const uint8_t *sections;    /* IMAGE_SECTION_HEADER x nsections */
    unsigned nsections;
} di_pe;

/* Reads the PE image in bytes: 0, or -1 when it is not one. */
int di_pe_parse(const uint8_t *bytes, size_t len, di_pe *pe);

/* ---- attribute values (di_form.c) ---------------------------------------- */

/* What a unit's values are read against. */
typedef struct di_unitctx {
    const di_dwarf *d;
    unsigned version, offset_size, addr_size;
    uint64_t unit_off;          /* the unit's header in .debug_info */
    uint64_t str_offsets_base, addr_base, rnglists_base;
} di_unitctx;

enum { DI_V_NONE, DI_V_CONST, DI_V_ADDR, DI_V_STR, DI_V_REF, DI_V_SECOFF, DI_V_FLAG,
       DI_V_RNGLISTX, DI_V_OTHER };

typedef struct di_val {
    int cls;                    /* DI_V_* */
    uint64_t u;                 /* constants, addresses, absolute .debug_info
                                 * offsets of references, section offsets */
    const char *s;              /* strings ("" when unreadable) */
} di_val;

/* Reads a value of form (implicit: DW_FORM_implicit_const's value) at c.
 * 0, or -1 for a form it does not know (the unit cannot be read on). */
int di_form_read(di_cur *c, const di_unitctx *u, uint64_t form, int64_t implicit, di_val *v);

/* ---- growing arrays from the caller's allocator ----------------------- */

typedef struct di_mem {
    cs_di_allocator a;
    int failed;                 /* an allocation failed: tables incomplete */
} di_mem;

void *di_alloc(di_mem *m, size_t size);
void di_free(di_mem *m, void *p);

/* Makes room for need items of size in *items (capacity *cap): 0, or -1
 * (and m->failed) when out of memory. */
int di_grow(di_mem *m, void **items, size_t *cap, size_t need, size_t size);

/* ---- the tables -------------------------------------------------------- */

/* A line table row; sequences are runs of rows ending at end rows. */
typedef struct di_row {
    uint64_t addr;
    uint32_t file;              /* index into the file table */
    uint32_t line;
    uint32_t end;               /* end of a sequence (addr is past it) */
} di_row;

typedef struct di_seq {
    uint64_t lo, hi;            /* [lo, hi) */
    size_t first, n;            /* rows[first .. first + n) */
} di_seq;

/* A function's or an inlined call's address range. */
typedef struct di_scope {
    uint64_t lo, hi;            /* [lo, hi) */
    const char *name;           /* NULL until its origin is read */
    uint64_t origin;            /* .debug_info offset of the DIE naming it */
    uint64_t entry;             /* the function's entry (offsets) */
    unsigned depth;             /* 0 for a function, nesting of inlines */
    uint32_t call_file;         /* of an inlined call: in the file table */
    uint32_t call_line;
    uint32_t unit;              /* the unit's first file table index */
} di_scope;

/* A COFF function symbol. */
typedef struct di_sym {
    uint64_t rva;
    const char *name;           /* NULL: the name is inl (8 bytes at most) */
    char inl[9];
} di_sym;

typedef struct di_tables {
    di_row *rows;
    size_t nrows, caprows;
    di_seq *seqs;
    size_t nseqs, capseqs;
    const char **files;         /* joined "dir/name" (allocated) or as found */
    uint8_t *file_owned;        /* files[i] was allocated */
    size_t nfiles, capfiles, capowned;
    di_scope *scopes;
    size_t nscopes, capscopes;
    di_sym *syms;
    size_t nsyms;
    struct di_unit { uint64_t off; uint32_t first; } *units;   /* line units */
    size_t nunits, capunits;
} di_tables;

/* Reads every line program of .debug_line into t (rows, sequences, file
 * table, and where each unit's files start: di_line_unit). A unit's file
 * number n is file table index first + n (DWARF 2-4 number files from 1:
 * their index first is a placeholder ""). */
void di_line_read(di_mem *m, const di_dwarf *d, di_tables *t);

/* The first file table index of the line unit at offset off, or
 * UINT32_MAX when no unit starts there (read by di_line_read). */
uint32_t di_line_unit(const di_tables *t, uint64_t off);

/* Reads .debug_info's functions and inlined calls into t->scopes. */
void di_info_read(di_mem *m, const di_dwarf *d, di_tables *t);

/* Reads the COFF function symbols into t->syms, sorted by address. */
void di_syms_read(di_mem *m, const di_pe *pe, di_tables *t);

#endif
