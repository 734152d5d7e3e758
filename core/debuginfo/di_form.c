/*
 * DWARF attribute values: every form of DWARF 2 to 5 read (or skipped) so
 * that a unit can be walked whatever it holds; the values the reader uses
 * (names, addresses, constants, references, section offsets) decoded.
 */
#include "di_internal.h"

#include <string.h>

/* DW_FORM_* codes. */
enum {
    F_addr = 0x01, F_block2 = 0x03, F_block4 = 0x04, F_data2 = 0x05, F_data4 = 0x06,
    F_data8 = 0x07, F_string = 0x08, F_block = 0x09, F_block1 = 0x0a, F_data1 = 0x0b,
    F_flag = 0x0c, F_sdata = 0x0d, F_strp = 0x0e, F_udata = 0x0f, F_ref_addr = 0x10,
    F_ref1 = 0x11, F_ref2 = 0x12, F_ref4 = 0x13, F_ref8 = 0x14, F_ref_udata = 0x15,
    F_indirect = 0x16, F_sec_offset = 0x17, F_exprloc = 0x18, F_flag_present = 0x19,
    F_strx = 0x1a, F_addrx = 0x1b, F_ref_sup4 = 0x1c, F_strp_sup = 0x1d, F_data16 = 0x1e,
    F_line_strp = 0x1f, F_ref_sig8 = 0x20, F_implicit_const = 0x21, F_loclistx = 0x22,
    F_rnglistx = 0x23, F_ref_sup8 = 0x24, F_strx1 = 0x25, F_strx2 = 0x26, F_strx3 = 0x27,
    F_strx4 = 0x28, F_addrx1 = 0x29, F_addrx2 = 0x2a, F_addrx3 = 0x2b, F_addrx4 = 0x2c,
    F_GNU_addr_index = 0x1f01, F_GNU_str_index = 0x1f02, F_GNU_ref_alt = 0x1f20,
    F_GNU_strp_alt = 0x1f21
};

static const char *str_at(const di_bytes *b, uint64_t off)
{
    const char *s = di_str_at(b->p, b->len, off);

    return s ? s : "";
}

/* The string at index i of .debug_str_offsets. */
static const char *strx(const di_unitctx *u, uint64_t i)
{
    const di_bytes *so = &u->d->str_offsets;
    uint64_t at = u->str_offsets_base + i * u->offset_size;
    di_cur c;

    if (!so->p || at > so->len || so->len - at < u->offset_size)
        return "";
    c = di_cursor(so->p + at, u->offset_size);
    return str_at(&u->d->str, di_uint(&c, u->offset_size));
}

/* The address at index i of .debug_addr. */
static uint64_t addrx(const di_unitctx *u, uint64_t i)
{
    const di_bytes *a = &u->d->addr;
    uint64_t at = u->addr_base + i * u->addr_size;
    di_cur c;

    if (!a->p || at > a->len || a->len - at < u->addr_size)
        return 0;
    c = di_cursor(a->p + at, u->addr_size);
    return di_uint(&c, u->addr_size);
}

/* Strings, addresses and references; FALSE when form is none of them. */
static int read_named(di_cur *c, const di_unitctx *u, uint64_t form, di_val *v)
{
    switch (form) {
    case F_string: v->cls = DI_V_STR; v->s = di_cstr(c); return 1;
    case F_strp: v->cls = DI_V_STR; v->s = str_at(&u->d->str, di_uint(c, u->offset_size)); return 1;
    case F_line_strp:
        v->cls = DI_V_STR; v->s = str_at(&u->d->line_str, di_uint(c, u->offset_size)); return 1;
    case F_strx: case F_GNU_str_index: v->cls = DI_V_STR; v->s = strx(u, di_uleb(c)); return 1;
    case F_strx1: case F_strx2: case F_strx3: case F_strx4:
        v->cls = DI_V_STR; v->s = strx(u, di_uint(c, (unsigned)(form - F_strx1 + 1))); return 1;
    case F_strp_sup: case F_GNU_strp_alt:
        v->cls = DI_V_OTHER; di_uint(c, u->offset_size); return 1;
    case F_addr: v->cls = DI_V_ADDR; v->u = di_uint(c, u->addr_size); return 1;
    case F_addrx: case F_GNU_addr_index: v->cls = DI_V_ADDR; v->u = addrx(u, di_uleb(c)); return 1;
    case F_addrx1: case F_addrx2: case F_addrx3: case F_addrx4:
        v->cls = DI_V_ADDR; v->u = addrx(u, di_uint(c, (unsigned)(form - F_addrx1 + 1))); return 1;
    case F_ref1: v->cls = DI_V_REF; v->u = u->unit_off + di_uint(c, 1); return 1;
    case F_ref2: v->cls = DI_V_REF; v->u = u->unit_off + di_uint(c, 2); return 1;
    case F_ref4: v->cls = DI_V_REF; v->u = u->unit_off + di_uint(c, 4); return 1;
    case F_ref8: v->cls = DI_V_REF; v->u = u->unit_off + di_uint(c, 8); return 1;
    case F_ref_udata: v->cls = DI_V_REF; v->u = u->unit_off + di_uleb(c); return 1;
    case F_ref_addr:            /* an address-sized offset before DWARF 3 */
        v->cls = DI_V_REF;
        v->u = di_uint(c, u->version <= 2 ? u->addr_size : u->offset_size);
        return 1;
    case F_ref_sig8: v->cls = DI_V_OTHER; di_uint(c, 8); return 1;
    case F_ref_sup4: v->cls = DI_V_OTHER; di_uint(c, 4); return 1;
    case F_ref_sup8: v->cls = DI_V_OTHER; di_uint(c, 8); return 1;
    case F_GNU_ref_alt: v->cls = DI_V_OTHER; di_uint(c, u->offset_size); return 1;
    }
    return 0;
}

int di_form_read(di_cur *c, const di_unitctx *u, uint64_t form, int64_t implicit, di_val *v)
{
    int depth;

    memset(v, 0, sizeof(*v));
    v->s = "";
    for (depth = 0; form == F_indirect && depth < 4; depth++)
        form = di_uleb(c);
    if (read_named(c, u, form, v))
        return c->err ? -1 : 0;
    switch (form) {
    case F_data1: v->cls = DI_V_CONST; v->u = di_uint(c, 1); break;
    case F_data2: v->cls = DI_V_CONST; v->u = di_uint(c, 2); break;
    case F_data4: v->cls = DI_V_CONST; v->u = di_uint(c, 4); break;
    case F_data8: v->cls = DI_V_CONST; v->u = di_uint(c, 8); break;
    case F_data16: v->cls = DI_V_OTHER; di_skip(c, 16); break;
    case F_sdata: v->cls = DI_V_CONST; v->u = (uint64_t)di_sleb(c); break;
    case F_udata: v->cls = DI_V_CONST; v->u = di_uleb(c); break;
    case F_implicit_const: v->cls = DI_V_CONST; v->u = (uint64_t)implicit; break;
    case F_flag: v->cls = DI_V_FLAG; v->u = di_uint(c, 1); break;
    case F_flag_present: v->cls = DI_V_FLAG; v->u = 1; break;
    case F_sec_offset: v->cls = DI_V_SECOFF; v->u = di_uint(c, u->offset_size); break;
    case F_rnglistx: v->cls = DI_V_RNGLISTX; v->u = di_uleb(c); break;
    case F_loclistx: v->cls = DI_V_OTHER; di_uleb(c); break;
    case F_block1: v->cls = DI_V_OTHER; di_skip(c, di_uint(c, 1)); break;
    case F_block2: v->cls = DI_V_OTHER; di_skip(c, di_uint(c, 2)); break;
    case F_block4: v->cls = DI_V_OTHER; di_skip(c, di_uint(c, 4)); break;
    case F_block: case F_exprloc: v->cls = DI_V_OTHER; di_skip(c, di_uleb(c)); break;
    default: return -1;
    }
    return c->err ? -1 : 0;
}
