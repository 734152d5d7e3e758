/*
 * Suite "debuginfo_edges": the debug information reader's smallest parts
 * (core/debuginfo/di_internal.h) on hand-made bytes: every DWARF form
 * di_form_read knows, with the value it gives and the bytes it uses; the
 * indexes into .debug_str_offsets and .debug_addr at and past their ends;
 * the cursor's LEB128 numbers past 64 bits and cut short; a table that
 * cannot grow.
 */
#include "cs_unit.h"
#include "di_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* .debug_str: "alpha" at 1, "beta" at 7; .debug_line_str: "gamma" at 1. */
static const uint8_t str[] = "\0alpha\0beta";
static const uint8_t line_str[] = "\0gamma";
/* .debug_str_offsets: entries 0 and 1 (alpha, beta), then 2 stray bytes:
 * entry 2 is cut short, entry 3 past the end. */
static const uint8_t str_offsets[] = { 1, 0, 0, 0, 7, 0, 0, 0, 0xee, 0xee };
/* .debug_addr: two addresses, then 4 stray bytes. */
static const uint8_t addr[] = {
    0x00, 0x10, 0x00, 0x80, 0x01, 0, 0, 0,
    0x00, 0x20, 0x00, 0x80, 0x01, 0, 0, 0,
    0xee, 0xee, 0xee, 0xee
};

static di_dwarf dwarf;
static di_unitctx v5, v2, bare;

static void setup(void)
{
    memset(&dwarf, 0, sizeof(dwarf));
    dwarf.str.p = str;
    dwarf.str.len = sizeof(str);
    dwarf.line_str.p = line_str;
    dwarf.line_str.len = sizeof(line_str);
    dwarf.str_offsets.p = str_offsets;
    dwarf.str_offsets.len = sizeof(str_offsets);
    dwarf.addr.p = addr;
    dwarf.addr.len = sizeof(addr);
    v5 = (di_unitctx){ &dwarf, 5, 4, 8, 0x100, 0, 0, 0 };
    v2 = (di_unitctx){ &dwarf, 2, 4, 8, 0x100, 0, 0, 0 };
    bare = (di_unitctx){ NULL, 5, 4, 8, 0, 0, 0, 0 };
}

/* One form read: its bytes, what it gives, how many bytes it uses. */
typedef struct form_case {
    const char *what;
    unsigned form;
    uint8_t bytes[20];
    size_t len;
    int rc, cls;
    uint64_t u;
    const char *s;              /* NULL: the string is not checked */
    size_t used;
    int v2;                     /* read in the DWARF 2 unit */
} form_case;

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

static const form_case forms[] = {
    { "string", 0x08, B('h', 'i', 0, 9), 0, DI_V_STR, 0, "hi", 3 },
    { "strp", 0x0e, B(7, 0, 0, 0), 0, DI_V_STR, 0, "beta", 4 },
    { "strp past the end", 0x0e, B(99, 0, 0, 0), 0, DI_V_STR, 0, "", 4 },
    { "line_strp", 0x1f, B(1, 0, 0, 0), 0, DI_V_STR, 0, "gamma", 4 },
    { "strx", 0x1a, B(1), 0, DI_V_STR, 0, "beta", 1 },
    { "GNU_str_index", 0x1f02, B(0), 0, DI_V_STR, 0, "alpha", 1 },
    { "strx1", 0x25, B(1), 0, DI_V_STR, 0, "beta", 1 },
    { "strx2", 0x26, B(0, 0), 0, DI_V_STR, 0, "alpha", 2 },
    { "strx3", 0x27, B(1, 0, 0), 0, DI_V_STR, 0, "beta", 3 },
    { "strx4", 0x28, B(1, 0, 0, 0), 0, DI_V_STR, 0, "beta", 4 },
    { "strx1 of an entry cut short", 0x25, B(2), 0, DI_V_STR, 0, "", 1 },
    { "strx1 past the end", 0x25, B(3), 0, DI_V_STR, 0, "", 1 },
    { "strp_sup", 0x1d, B(1, 2, 3, 4), 0, DI_V_OTHER, 0, "", 4 },
    { "GNU_strp_alt", 0x1f21, B(1, 2, 3, 4), 0, DI_V_OTHER, 0, "", 4 },
    { "addr", 0x01, B(8, 7, 6, 5, 4, 3, 2, 1), 0, DI_V_ADDR, 0x0102030405060708ull, NULL, 8 },
    { "addrx", 0x1b, B(1), 0, DI_V_ADDR, 0x180002000ull, NULL, 1 },
    { "GNU_addr_index", 0x1f01, B(0), 0, DI_V_ADDR, 0x180001000ull, NULL, 1 },
    { "addrx1", 0x29, B(1), 0, DI_V_ADDR, 0x180002000ull, NULL, 1 },
    { "addrx2", 0x2a, B(0, 0), 0, DI_V_ADDR, 0x180001000ull, NULL, 2 },
    { "addrx3", 0x2b, B(1, 0, 0), 0, DI_V_ADDR, 0x180002000ull, NULL, 3 },
    { "addrx4", 0x2c, B(1, 0, 0, 0), 0, DI_V_ADDR, 0x180002000ull, NULL, 4 },
    { "addrx1 of an entry cut short", 0x29, B(2), 0, DI_V_ADDR, 0, NULL, 1 },
    { "addrx1 past the end", 0x29, B(9), 0, DI_V_ADDR, 0, NULL, 1 },
    { "ref1", 0x11, B(5), 0, DI_V_REF, 0x105, NULL, 1 },
    { "ref2", 0x12, B(0, 1), 0, DI_V_REF, 0x200, NULL, 2 },
    { "ref4", 0x13, B(0, 0, 1, 0), 0, DI_V_REF, 0x10100, NULL, 4 },
    { "ref8", 0x14, B(0, 0, 0, 0, 1, 0, 0, 0), 0, DI_V_REF, 0x100000100ull, NULL, 8 },
    { "ref_udata", 0x15, B(0x85, 0x01), 0, DI_V_REF, 0x185, NULL, 2 },
    { "ref_addr, DWARF 5: offset-sized", 0x10, B(0x34, 0x12, 0, 0, 9, 9, 9, 9), 0, DI_V_REF, 0x1234, NULL, 4 },
    { "ref_addr, DWARF 2: address-sized", 0x10, B(0x34, 0x12, 0, 0, 1, 0, 0, 0), 0, DI_V_REF,
      0x100001234ull, NULL, 8, 1 },
    { "ref_sig8", 0x20, B(1, 2, 3, 4, 5, 6, 7, 8), 0, DI_V_OTHER, 0, NULL, 8 },
    { "ref_sup4", 0x1c, B(1, 2, 3, 4), 0, DI_V_OTHER, 0, NULL, 4 },
    { "ref_sup8", 0x24, B(1, 2, 3, 4, 5, 6, 7, 8), 0, DI_V_OTHER, 0, NULL, 8 },
    { "GNU_ref_alt", 0x1f20, B(1, 2, 3, 4), 0, DI_V_OTHER, 0, NULL, 4 },
    { "data1", 0x0b, B(0xfe), 0, DI_V_CONST, 0xfe, NULL, 1 },
    { "data2", 0x05, B(0x34, 0x12), 0, DI_V_CONST, 0x1234, NULL, 2 },
    { "data4", 0x06, B(0x78, 0x56, 0x34, 0x12), 0, DI_V_CONST, 0x12345678, NULL, 4 },
    { "data8", 0x07, B(1, 0, 0, 0, 0, 0, 0, 0x80), 0, DI_V_CONST, 0x8000000000000001ull, NULL, 8 },
    { "data16", 0x1e, B(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 0, DI_V_OTHER, 0, NULL, 16 },
    { "sdata -1", 0x0d, B(0x7f), 0, DI_V_CONST, UINT64_MAX, NULL, 1 },
    { "sdata -129", 0x0d, B(0xff, 0x7e), 0, DI_V_CONST, (uint64_t)-129, NULL, 2 },
    { "udata", 0x0f, B(0xe5, 0x8e, 0x26), 0, DI_V_CONST, 624485, NULL, 3 },
    { "implicit_const", 0x21, B(0), 0, DI_V_CONST, (uint64_t)-7, NULL, 0 },
    { "flag", 0x0c, B(1), 0, DI_V_FLAG, 1, NULL, 1 },
    { "flag_present", 0x19, B(0), 0, DI_V_FLAG, 1, NULL, 0 },
    { "sec_offset", 0x17, B(0x10, 0, 0, 0), 0, DI_V_SECOFF, 0x10, NULL, 4 },
    { "rnglistx", 0x23, B(0x81, 0x01), 0, DI_V_RNGLISTX, 129, NULL, 2 },
    { "loclistx", 0x22, B(0x81, 0x01), 0, DI_V_OTHER, 0, NULL, 2 },
    { "block1", 0x0a, B(2, 0xaa, 0xbb, 0xcc), 0, DI_V_OTHER, 0, NULL, 3 },
    { "block2", 0x03, B(1, 0, 0xaa, 0xcc), 0, DI_V_OTHER, 0, NULL, 3 },
    { "block4", 0x04, B(1, 0, 0, 0, 0xaa, 0xcc), 0, DI_V_OTHER, 0, NULL, 5 },
    { "block", 0x09, B(3, 1, 2, 3, 4), 0, DI_V_OTHER, 0, NULL, 4 },
    { "exprloc", 0x18, B(1, 0x9c, 4), 0, DI_V_OTHER, 0, NULL, 2 },
    { "indirect data1", 0x16, B(0x0b, 0x2a), 0, DI_V_CONST, 42, NULL, 2 },
    { "indirect to a string", 0x16, B(0x16, 0x08, 'x', 0), 0, DI_V_STR, 0, "x", 4 },
    /* what cannot be read */
    { "indirect five deep", 0x16, B(0x16, 0x16, 0x16, 0x16, 0x0b, 1), -1, DI_V_NONE, 0, "", 4 },
    { "an unknown form", 0x99, B(1, 2), -1, DI_V_NONE, 0, "", 0 },
    { "data4 cut short", 0x06, B(1, 2), -1, DI_V_CONST, 0, NULL, 0 },
    { "strp cut short", 0x0e, B(1, 2), -1, DI_V_STR, 0, "", 0 },
    { "string unterminated", 0x08, B('a', 'b'), -1, DI_V_STR, 0, "", 0 },
    { "block1 longer than the bytes", 0x0a, B(5, 1, 2), -1, DI_V_OTHER, 0, NULL, 1 },
};

START_TEST(every_form_gives_its_value_and_uses_its_bytes)
{
    const form_case *f = &forms[_i];
    di_cur c = di_cursor(f->bytes, f->len);
    di_val v;
    int rc = di_form_read(&c, f->v2 ? &v2 : &v5, f->form, -7, &v);

    ck_assert_msg(rc == f->rc, "%s: rc %d, expected %d", f->what, rc, f->rc);
    ck_assert_msg(v.cls == f->cls, "%s: class %d, expected %d", f->what, v.cls, f->cls);
    ck_assert_msg(v.u == f->u, "%s: value %#llx, expected %#llx", f->what,
                  (unsigned long long)v.u, (unsigned long long)f->u);
    if (f->s)
        ck_assert_msg(!strcmp(v.s, f->s), "%s: string '%s', expected '%s'", f->what, v.s, f->s);
    if (!f->rc)
        ck_assert_msg((size_t)(c.p - f->bytes) == f->used, "%s: used %d bytes, expected %d", f->what,
                      (int)(c.p - f->bytes), (int)f->used);
}
END_TEST

START_TEST(indexes_into_absent_sections_give_nothing)
{
    di_dwarf none;
    di_unitctx u = v5;
    uint8_t one[] = { 0 };
    di_cur c = di_cursor(one, 1);
    di_val v;

    memset(&none, 0, sizeof(none));
    u.d = &none;
    ck_int_eq(di_form_read(&c, &u, 0x25, 0, &v), 0);         /* strx1 0 */
    ck_int_eq(v.cls, DI_V_STR);
    ck_assert_str_eq(v.s, "");
    c = di_cursor(one, 1);
    ck_int_eq(di_form_read(&c, &u, 0x29, 0, &v), 0);         /* addrx1 0 */
    ck_int_eq(v.cls, DI_V_ADDR);
    ck_assert(v.u == 0);
    /* a base that moves the index: str_offsets_base 4 makes entry 0 "beta" */
    u = v5;
    u.str_offsets_base = 4;
    u.addr_base = 8;
    c = di_cursor(one, 1);
    ck_int_eq(di_form_read(&c, &u, 0x25, 0, &v), 0);
    ck_assert_str_eq(v.s, "beta");
    c = di_cursor(one, 1);
    ck_int_eq(di_form_read(&c, &u, 0x29, 0, &v), 0);
    ck_assert(v.u == 0x180002000ull);
    (void)bare;
}
END_TEST

START_TEST(leb128_numbers_past_64_bits_keep_their_low_bits)
{
    /* 11 bytes: 7 * 11 = 77 bits; the bits past 64 are dropped */
    static const uint8_t big[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x33 };
    /* -2 in 11 bytes: sign bits past 64 */
    static const uint8_t neg[] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
    /* a positive number of 10 bytes whose last byte has bit 6 set: no
     * sign extension once 64 bits are read */
    static const uint8_t wide[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40 };
    di_cur c = di_cursor(big, sizeof(big));

    ck_assert(di_uleb(&c) == UINT64_MAX);
    ck_int_eq(c.err, 0);
    ck_int_eq(c.p - big, 11);
    ck_assert(di_uint(&c, 1) == 0x33);
    c = di_cursor(neg, sizeof(neg));
    ck_assert(di_sleb(&c) == -2);
    ck_int_eq(c.err, 0);
    ck_int_eq(c.p - neg, 11);
    c = di_cursor(wide, sizeof(wide));
    ck_assert(di_sleb(&c) == 0);            /* 0x40 << 63 is past the top bit */
    ck_int_eq(c.err, 0);
    ck_int_eq(di_left(&c), 0);
}
END_TEST

START_TEST(leb128_numbers_cut_short_set_the_error_and_read_as_zero)
{
    static const uint8_t cut[] = { 0x80, 0x80 };
    di_cur c = di_cursor(cut, sizeof(cut));

    ck_assert(di_sleb(&c) == 0);
    ck_int_eq(c.err, 1);
    ck_int_eq(di_left(&c), 0);                /* an error leaves nothing */
    ck_assert(di_sleb(&c) == 0);              /* and stays */
    c = di_cursor(cut, sizeof(cut));
    ck_assert(di_uleb(&c) == 0);
    ck_int_eq(c.err, 1);
    c = di_cursor(cut, sizeof(cut));
    di_skip(&c, 3);
    ck_int_eq(c.err, 1);
    c = di_cursor(cut, sizeof(cut));
    di_skip(&c, 2);
    ck_int_eq(c.err, 0);
    ck_int_eq(di_left(&c), 0);
    ck_assert_str_eq(di_cstr(&c), "");
    ck_int_eq(c.err, 1);
}
END_TEST

START_TEST(a_string_offset_is_read_only_when_terminated_within_the_section)
{
    static const uint8_t sec[] = { 'a', 0, 'b', 'c' };

    ck_assert_str_eq(di_str_at(sec, sizeof(sec), 0), "a");
    ck_assert_ptr_null(di_str_at(sec, sizeof(sec), 2));      /* "bc" unterminated */
    ck_assert_ptr_null(di_str_at(sec, sizeof(sec), 4));      /* at the end */
    ck_assert_ptr_null(di_str_at(sec, sizeof(sec), UINT64_MAX));
    ck_assert_ptr_null(di_str_at(NULL, 0, 0));
}
END_TEST

static int allocations;

static void *count_alloc(void *ctx, size_t size)
{
    (void)ctx;
    allocations++;
    return malloc(size);
}

static void just_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

START_TEST(a_table_that_would_pass_the_address_space_is_refused_without_allocating)
{
    di_mem m = { { count_alloc, just_free, NULL }, 0 };
    void *items = NULL;
    size_t cap = 0;

    allocations = 0;
    ck_int_eq(di_grow(&m, &items, &cap, SIZE_MAX / 8, 16), -1);
    ck_int_eq(m.failed, 1);
    ck_int_eq(allocations, 0);
    ck_assert_ptr_null(items);
    ck_int_eq(cap, 0);
    m.failed = 0;
    ck_int_eq(di_grow(&m, &items, &cap, 17, 4), 0);          /* 16, doubled once */
    ck_int_eq(cap, 32);
    ck_int_eq(allocations, 1);
    ck_int_eq(di_grow(&m, &items, &cap, 32, 4), 0);          /* room enough */
    ck_int_eq(allocations, 1);
    ck_int_eq(m.failed, 0);
    di_free(&m, items);
}
END_TEST

/* ---- a PE32 image made by hand: one section at RVA 0x1000 (file 0x200,
 * 0x100 bytes on file, 0x200 in memory) holding the debug directory, whose
 * CodeView entry points at an RSDS record at file 0x240 ---- */

#define IMG_LEN 0x300
#define OPT 0x58                /* the optional header */
#define SECT (OPT + 224)        /* the section table */

static uint8_t img[IMG_LEN];

static void put32(size_t at, uint32_t v)
{
    img[at] = (uint8_t)v;
    img[at + 1] = (uint8_t)(v >> 8);
    img[at + 2] = (uint8_t)(v >> 16);
    img[at + 3] = (uint8_t)(v >> 24);
}

static void put16(size_t at, unsigned v)
{
    img[at] = (uint8_t)v;
    img[at + 1] = (uint8_t)(v >> 8);
}

static void make_pe32(void)
{
    unsigned k;

    memset(img, 0, sizeof(img));
    img[0] = 'M';
    img[1] = 'Z';
    put32(0x3c, 0x40);
    memcpy(img + 0x40, "PE\0\0", 4);
    put16(0x44, 0x14c);                  /* i386 */
    put16(0x46, 1);                      /* one section */
    put16(0x54, 224);                    /* optional header size */
    put16(OPT, 0x10b);                   /* PE32 */
    put32(OPT + 28, 0x10000000);         /* image base */
    put32(OPT + 92, 16);                 /* data directories */
    put32(OPT + 96 + 6 * 8, 0x1000);     /* the debug directory: RVA, size */
    put32(OPT + 96 + 6 * 8 + 4, 28);
    memcpy(img + SECT, ".rdata", 6);
    put32(SECT + 8, 0x200);              /* virtual size */
    put32(SECT + 12, 0x1000);            /* RVA */
    put32(SECT + 16, 0x100);             /* size on file */
    put32(SECT + 20, 0x200);             /* file offset */
    put32(0x200 + 12, 2);                /* CodeView */
    put32(0x200 + 16, 24);
    put32(0x200 + 20, 0x1040);
    put32(0x200 + 24, 0x240);
    memcpy(img + 0x240, "RSDS", 4);
    for (k = 0; k < 16; k++)
        img[0x244 + k] = (uint8_t)k;
}

START_TEST(a_pe32_image_gives_its_base_and_its_build_id)
{
    static const uint8_t id[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    di_pe pe;

    make_pe32();
    ck_int_eq(di_pe_parse(img, IMG_LEN, &pe), 0);
    ck_assert(pe.image_base == 0x10000000);
    ck_int_eq(pe.nsections, 1);
    ck_int_eq(pe.has_build_id, 1);
    ck_assert(!memcmp(pe.build_id, id, 16));
    ck_assert_ptr_null(pe.symbols);
}
END_TEST

/* The image with one change: a field of 4 bytes at at set to v. */
static int parse_with(size_t at, uint32_t v, di_pe *pe)
{
    make_pe32();
    put32(at, v);
    return di_pe_parse(img, IMG_LEN, pe);
}

START_TEST(a_debug_directory_that_leads_nowhere_gives_no_build_id)
{
    static const struct { size_t at; uint32_t v; const char *what; } cases[] = {
        { OPT + 96 + 6 * 8, 0x1180, "in the section, past its bytes on file" },
        { OPT + 96 + 6 * 8, 0x5000, "outside every section" },
        { OPT + 96 + 6 * 8 + 4, 27, "shorter than one entry" },
        { OPT + 92, 6, "no debug directory among the directories" },
        { 0x200 + 12, 1, "an entry that is not CodeView" },
        { 0x200 + 16, 19, "a CodeView record too short for a GUID" },
        { 0x200 + 24, 0x2f0, "a record running past the file" },
        { 0x200 + 24, 0x400, "a record past the file" },
        { 0x240, 0x58445352, "a record that is not RSDS" },
        { SECT + 12, 0x2000, "a section moved away from the directory" },
    };
    di_pe pe;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(parse_with(cases[i].at, cases[i].v, &pe) == 0, "%s: not read", cases[i].what);
        ck_assert_msg(pe.has_build_id == 0, "%s: a build id", cases[i].what);
        ck_assert_msg(pe.image_base == 0x10000000, "%s: base", cases[i].what);
    }
}
END_TEST

START_TEST(bytes_that_are_no_pe_image_at_each_header_are_refused)
{
    static const struct { size_t at; uint32_t v; const char *what; } cases[] = {
        { 0, 0x00005a4e, "no MZ" },
        { 0, 0x0000414d, "MA" },
        { 0x3c, IMG_LEN + 1, "the PE header past the end" },
        { 0x3c, IMG_LEN - 23, "the PE header cut short" },
        { 0x40, 0x00005850, "PX in place of PE" },
        { 0x54, 0x1000, "an optional header past the end" },
        { 0x46, 100, "sections past the end" },
        { OPT, 0x999, "an optional header of no known kind" },
        { 0x54, 50, "an optional header too short for its directories" },
    };
    di_pe pe;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(parse_with(cases[i].at, cases[i].v, &pe) == -1, "%s: read", cases[i].what);
    make_pe32();
    ck_int_eq(di_pe_parse(img, 0x3f, &pe), -1);
    ck_int_eq(di_pe_parse(NULL, IMG_LEN, &pe), -1);
    /* a PE32+ optional header too short for its directories */
    make_pe32();
    put16(OPT, 0x20b);
    put16(0x54, 100);
    ck_int_eq(di_pe_parse(img, IMG_LEN, &pe), -1);
}
END_TEST

/* ---- line programs made by hand, read by di_line_read ---- */

static uint8_t prog[1024];
static size_t plen;

static void emit_bytes(const void *b, size_t n)
{
    ck_assert_uint_le(plen + n, sizeof(prog));
    memcpy(prog + plen, b, n);
    plen += n;
}

#define BYTES(...) emit_bytes((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void emit_le(uint64_t v, unsigned n)
{
    while (n--) {
        prog[plen++] = (uint8_t)v;
        v >>= 8;
    }
}

static void patch_le(size_t at, uint64_t v, unsigned n)
{
    while (n--) {
        prog[at++] = (uint8_t)v;
        v >>= 8;
    }
}

/* Every block of the test's allocator, freed at its end (di_free is a
 * no-op: the tables are not freed one by one here). */
static void *blocks[4096];
static size_t nblocks;

static void *arena_alloc(void *ctx, size_t size)
{
    (void)ctx;
    ck_assert_uint_lt(nblocks, 4096);
    return blocks[nblocks++] = malloc(size);
}

static void arena_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

static void arena_release(void)
{
    while (nblocks)
        free(blocks[--nblocks]);
}

/* A DWARF 5 unit header up to the directory formats: its length and
 * header length patched by end_v5. */
static size_t start_v5(unsigned line_range, unsigned opcode_base, size_t *hlen_at)
{
    size_t at = plen;

    emit_le(0, 4);
    BYTES(5, 0, 8, 0);
    *hlen_at = plen;
    emit_le(0, 4);
    BYTES(1, 1, 1, 0, (uint8_t)line_range, (uint8_t)opcode_base);
    return at;
}

static void end_header(size_t hlen_at, unsigned size)
{
    patch_le(hlen_at, plen - hlen_at - size, size);
}

static void end_unit(size_t at)
{
    patch_le(at, plen - at - 4, 4);
}

START_TEST(line_programs_of_every_version_give_their_files_rows_and_units)
{
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_dwarf d;
    di_tables t;
    size_t u1, hl, u2, u3, u4, u5, u6;

    plen = 0;
    /* unit 1: DWARF 3 in the 64-bit format */
    u1 = plen;
    BYTES(0xff, 0xff, 0xff, 0xff);
    emit_le(0, 8);
    BYTES(3, 0);
    hl = plen;
    emit_le(0, 8);
    BYTES(1, 1, 0xfb, 14, 13, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1);
    BYTES('/', 's', 'r', 'c', 0, 'C', ':', '\\', 'w', 0, 0);
    BYTES('a', '.', 'c', 0, 1, 0, 0, '/', 'a', 'b', 's', '/', 'b', '.', 'c', 0, 1, 0, 0,
          'D', ':', 'x', '.', 'c', 0, 1, 0, 0, '\\', 'w', '\\', 'c', '.', 'c', 0, 2, 0, 0,
          'd', '.', 'c', 0, 9, 0, 0, 0);
    end_header(hl, 8);
    BYTES(0, 9, 2);
    emit_le(0x1000, 8);                                  /* set_address */
    BYTES(3, 4, 1);                                      /* line 5, copy */
    BYTES(8);                                            /* const_add_pc: +17 */
    BYTES(9, 0x0f, 0x00);                                /* fixed_advance_pc +15: 0x1020 */
    BYTES(4, 2, 10, 12, 0x81, 0x01);                     /* file 2, prologue_end, isa 129 */
    BYTES(46);                                           /* special: +2, line +0 */
    BYTES(0, 3, 0x80, 1, 2);                             /* an extended opcode unknown here */
    BYTES(0, 10, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9);          /* an address of 9 bytes: ignored */
    BYTES(0, 7, 3, 'e', '.', 'c', 0, 2, 0);              /* define_file e.c in directory 2 */
    BYTES(2, 0x10, 0, 1, 1);                             /* +16, end_sequence */
    BYTES(0, 1, 1);                                      /* an end alone: no sequence */
    patch_le(u1 + 4, plen - u1 - 12, 8);
    /* unit 2: DWARF 6 (none yet) */
    u2 = plen;
    BYTES(2, 0, 0, 0, 6, 0);
    /* unit 3: 17 directory entry formats */
    u3 = start_v5(14, 13, &hl);
    emit_le(0, 12);
    BYTES(17);
    end_header(hl, 4);
    end_unit(u3);
    /* unit 4: a line range of 0 */
    u4 = start_v5(0, 1, &hl);
    BYTES(0, 0, 0, 0);
    end_header(hl, 4);
    end_unit(u4);
    /* unit 5: directory entries of no bytes (flag_present) */
    u5 = start_v5(1, 1, &hl);
    BYTES(1, 1, 0x19, 0xff, 0xff, 0x03);
    end_header(hl, 4);
    end_unit(u5);
    /* unit 6: DWARF 5, directories and files with a timestamp column */
    u6 = start_v5(1, 1, &hl);
    BYTES(1, 1, 0x08, 2, '/', 'd', '0', 0, '/', 'd', '1', 0);
    BYTES(3, 1, 0x08, 2, 0x0b, 3, 0x0f, 2, 'x', '.', 'c', 0, 1, 0x85, 0x01, 'y', '.', 'c', 0, 0, 7);
    end_header(hl, 4);
    BYTES(0, 9, 2);
    emit_le(0x2000, 8);
    BYTES(1, 2, 0, 1, 1);                                /* special 1: a row; special 2: +1; end */
    end_unit(u6);
    /* unit 7: longer than what is left */
    BYTES(0x40, 0, 0, 0, 5, 0);

    memset(&d, 0, sizeof(d));
    memset(&t, 0, sizeof(t));
    d.line.p = prog;
    d.line.len = plen;
    di_line_read(&m, &d, &t);
    ck_int_eq(m.failed, 0);
    ck_int_eq(t.nunits, 6);
    ck_int_eq(di_line_unit(&t, u1), 0);
    ck_int_eq(di_line_unit(&t, u2), 7);
    ck_int_eq(di_line_unit(&t, u3), 7);
    ck_int_eq(di_line_unit(&t, u6), 7);
    ck_int_eq(di_line_unit(&t, 1), UINT32_MAX);
    ck_int_eq(t.nfiles, 9);
    ck_assert_str_eq(t.files[0], "");
    ck_assert_str_eq(t.files[1], "/src/a.c");
    ck_assert_str_eq(t.files[2], "/abs/b.c");
    ck_assert_str_eq(t.files[3], "D:x.c");
    ck_assert_str_eq(t.files[4], "\\w\\c.c");
    ck_assert_str_eq(t.files[5], "d.c");
    ck_assert_str_eq(t.files[6], "C:\\w/e.c");
    ck_assert_str_eq(t.files[7], "/d1/x.c");
    ck_assert_str_eq(t.files[8], "/d0/y.c");
    ck_int_eq(t.file_owned[1], 1);
    ck_int_eq(t.file_owned[2], 0);
    ck_int_eq(t.nrows, 7);
    ck_assert(t.rows[0].addr == 0x1000 && t.rows[0].file == 1 && t.rows[0].line == 5 && !t.rows[0].end);
    ck_assert(t.rows[1].addr == 0x1022 && t.rows[1].file == 2 && t.rows[1].line == 5 && !t.rows[1].end);
    ck_assert(t.rows[2].addr == 0x1032 && t.rows[2].file == 2 && t.rows[2].end);
    ck_assert(t.rows[3].addr == 0 && t.rows[3].file == 1 && t.rows[3].line == 1 && t.rows[3].end);
    ck_assert(t.rows[4].addr == 0x2000 && t.rows[4].file == 8 && t.rows[4].line == 1 && !t.rows[4].end);
    ck_assert(t.rows[5].addr == 0x2001 && t.rows[5].file == 8 && !t.rows[5].end);
    ck_assert(t.rows[6].addr == 0x2001 && t.rows[6].end);
    ck_int_eq(t.nseqs, 2);
    ck_assert(t.seqs[0].lo == 0x1000 && t.seqs[0].hi == 0x1032 && t.seqs[0].first == 0 && t.seqs[0].n == 3);
    ck_assert(t.seqs[1].lo == 0x2000 && t.seqs[1].hi == 0x2001 && t.seqs[1].first == 4 && t.seqs[1].n == 3);
    arena_release();
}
END_TEST

/* prog[0..plen) read alone into t (arena blocks: arena_release). */
static void read_prog(di_tables *t, di_mem *m)
{
    static di_dwarf d;

    memset(&d, 0, sizeof(d));
    memset(t, 0, sizeof(*t));
    d.line.p = prog;
    d.line.len = plen;
    di_line_read(m, &d, t);
}

/* A DWARF 2 unit: header (opcode base 4, lines 0..) then program. */
static size_t start_v2(unsigned opcode_base, size_t *hlen_at)
{
    size_t at = plen;

    emit_le(0, 4);
    BYTES(2, 0);
    *hlen_at = plen;
    emit_le(0, 4);
    BYTES(1, 1, 0, 1, (uint8_t)opcode_base);
    if (opcode_base > 1)
        emit_le(0, opcode_base - 1);
    return at;
}

START_TEST(line_headers_and_opcodes_cut_short_are_read_no_further)
{
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_tables t;
    size_t u, hl;

    /* directories unterminated within the header: the unit has no program */
    plen = 0;
    u = start_v2(4, &hl);
    BYTES('/', 'd');
    end_header(hl, 4);
    BYTES(1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nunits, 1);
    ck_int_eq(t.nrows, 0);
    ck_int_eq(t.nfiles, 1);                          /* file 0 placeholder only */
    /* a file name unterminated within the header */
    plen = 0;
    u = start_v2(4, &hl);
    BYTES(0, 'a', '.', 'c');
    end_header(hl, 4);
    BYTES(1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nrows, 0);
    ck_int_eq(t.nfiles, 1);
    /* a header length past the unit */
    plen = 0;
    u = plen;
    emit_le(0, 4);
    BYTES(2, 0, 0x50, 0, 0, 0, 1, 1, 0, 1, 4);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nunits, 1);
    ck_int_eq(t.nfiles, 0);
    /* an opcode base of 0 */
    plen = 0;
    u = start_v2(0, &hl);
    BYTES(0, 0);
    end_header(hl, 4);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nfiles, 0);
    /* the 64-bit marker with no length after it */
    plen = 0;
    BYTES(0xff, 0xff, 0xff, 0xff, 1, 2);
    read_prog(&t, &m);
    ck_int_eq(t.nunits, 0);
    arena_release();
}
END_TEST

START_TEST(extended_opcodes_of_no_length_or_past_the_end_stop_the_program)
{
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_tables t;
    size_t u, hl;

    /* a row, then an extended opcode of length 0: nothing after it is read */
    plen = 0;
    u = start_v2(4, &hl);
    BYTES(0, 0);
    end_header(hl, 4);
    BYTES(1, 0, 0, 1, 1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nrows, 1);
    ck_int_eq(t.rows[0].line, 1);
    /* an extended opcode longer than the unit */
    plen = 0;
    u = start_v2(4, &hl);
    BYTES(0, 0);
    end_header(hl, 4);
    BYTES(1, 0, 9, 1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nrows, 1);
    /* define_file with its name unterminated: no file */
    plen = 0;
    u = start_v2(4, &hl);
    BYTES(0, 0);
    end_header(hl, 4);
    BYTES(0, 3, 3, 'z', 'z', 1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nfiles, 1);
    ck_int_eq(t.nrows, 1);
    arena_release();
}
END_TEST

START_TEST(dwarf5_tables_ignore_define_file_and_a_directory_index_of_no_number)
{
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_tables t;
    size_t u, hl;

    plen = 0;
    u = start_v5(1, 1, &hl);
    BYTES(1, 1, 0x08, 1, '/', 'd', 0);
    BYTES(2, 1, 0x08, 2, 0x08, 1, 'f', '.', 'c', 0, '0', 0);   /* a directory index as a string */
    end_header(hl, 4);
    BYTES(0, 5, 3, 'g', '.', 'c', 0, 1);                           /* define_file: not in DWARF 5 */
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nfiles, 1);
    ck_assert_str_eq(t.files[0], "/d/f.c");
    ck_int_eq(t.nrows, 1);
    ck_int_eq(t.rows[0].file, 1);
    /* a file table cut short: the unit is not run */
    plen = 0;
    u = start_v5(1, 1, &hl);
    BYTES(1, 1, 0x08, 1, '/', 'd', 0);
    BYTES(1, 1, 0x08, 3, 'a', 0);
    end_header(hl, 4);
    BYTES(1);
    end_unit(u);
    read_prog(&t, &m);
    ck_int_eq(t.nrows, 0);
    ck_int_eq(t.nfiles, 1);
    arena_release();
}
END_TEST

/* ---- .debug_info made by hand, read by di_info_read ---- */

typedef struct buf { uint8_t b[512]; size_t n; } buf;

static void put_bytes(buf *o, const void *p, size_t n)
{
    ck_assert_uint_le(o->n + n, sizeof(o->b));
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

#define PUT(o, ...) put_bytes(o, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void put_le(buf *o, uint64_t v, unsigned n)
{
    while (n--) {
        PUT(o, (uint8_t)v);
        v >>= 8;
    }
}

static void set_le(buf *o, size_t at, uint64_t v, unsigned n)
{
    while (n--) {
        o->b[at++] = (uint8_t)v;
        v >>= 8;
    }
}

static buf info, abbrev, ranges, rnglists, addrs;

START_TEST(functions_and_inlined_calls_are_read_from_ranges_of_every_kind)
{
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_dwarf d;
    di_tables t;
    size_t a, inl, g;

    memset(&info, 0, sizeof(info));
    memset(&abbrev, 0, sizeof(abbrev));
    memset(&ranges, 0, sizeof(ranges));
    memset(&rnglists, 0, sizeof(rnglists));
    memset(&addrs, 0, sizeof(addrs));
    PUT(&abbrev, 1, 0x11, 1, 0x11, 0x01, 0, 0);                            /* CU: low_pc */
    PUT(&abbrev, 2, 0x2e, 1, 0x03, 0x08, 0x55, 0x17, 0, 0);                /* function: name, ranges */
    PUT(&abbrev, 3, 0x1d, 0, 0x31, 0x13, 0x11, 0x01, 0x12, 0x0b, 0x58, 0x0b, 0x59, 0x0b, 0, 0);
    PUT(&abbrev, 4, 0x2e, 0, 0x03, 0x08, 0, 0);                            /* a name alone */
    PUT(&abbrev, 5, 0x2e, 0, 0x55, 0x23, 0x31, 0x13, 0, 0);                /* rnglistx, origin */
    PUT(&abbrev, 6, 0x2e, 0, 0x55, 0x17, 0x03, 0x08, 0, 0);
    PUT(&abbrev, 7, 0x11, 1, 0x11, 0x01, 0x74, 0x17, 0x73, 0x17, 0, 0);    /* CU with bases */
    PUT(&abbrev, 0);

    /* unit A: DWARF 4, 4-byte addresses, .debug_ranges with a base selection */
    a = info.n;
    put_le(&info, 0, 4);
    PUT(&info, 4, 0, 0, 0, 0, 0, 4);
    PUT(&info, 1);
    put_le(&info, 0x1000, 4);
    PUT(&info, 3, 0, 0, 0, 0, 0, 0x10, 0, 0, 8, 1, 1);      /* an inlined call outside a function */
    inl = info.n;
    PUT(&info, 4, 'i', 'n', 'l', 0);
    PUT(&info, 2, 'f', 0, 0, 0, 0, 0);
    PUT(&info, 3);
    put_le(&info, inl - a, 4);
    put_le(&info, 0x2012, 4);
    PUT(&info, 4, 1, 7);
    PUT(&info, 0, 0);
    set_le(&info, a, info.n - a - 4, 4);
    put_le(&ranges, 0xffffffffu, 4);
    put_le(&ranges, 0x2000, 4);
    put_le(&ranges, 0x10, 4);
    put_le(&ranges, 0x20, 4);
    put_le(&ranges, 0x30, 4);                                /* empty: left out */
    put_le(&ranges, 0x30, 4);
    put_le(&ranges, 0, 8);

    /* unit B: DWARF 5, .debug_rnglists through an index and an offset */
    a = info.n;
    put_le(&info, 0, 4);
    PUT(&info, 5, 0, 1, 8, 0, 0, 0, 0);
    PUT(&info, 7);
    put_le(&info, 0, 8);
    put_le(&info, 12, 4);                                    /* rnglists_base */
    put_le(&info, 8, 4);                                     /* addr_base */
    g = info.n;
    PUT(&info, 4, 'g', 0);
    PUT(&info, 5, 0);
    put_le(&info, g - a, 4);
    PUT(&info, 6);
    put_le(&info, 67, 4);
    PUT(&info, 'h', 0);
    PUT(&info, 0);
    set_le(&info, a, info.n - a - 4, 4);
    put_le(&rnglists, 0, 12);                                /* the header: not read */
    put_le(&rnglists, 4, 4);                                 /* list 0 at base + 4 */
    PUT(&rnglists, 1, 0, 4, 0x10, 0x20, 2, 0, 1, 3, 1, 0x10, 5);
    put_le(&rnglists, 0x4000, 8);
    PUT(&rnglists, 4, 0, 8, 6);
    put_le(&rnglists, 0x5000, 8);
    put_le(&rnglists, 0x5010, 8);
    PUT(&rnglists, 7);
    put_le(&rnglists, 0x6000, 8);
    PUT(&rnglists, 0x10, 0);
    ck_int_eq(rnglists.n, 67);
    PUT(&rnglists, 7);                                       /* list at 67 */
    put_le(&rnglists, 0x7000, 8);
    PUT(&rnglists, 4, 9, 7);                                 /* 9: no such entry, the list ends */
    put_le(&rnglists, 0x8000, 8);
    PUT(&rnglists, 4);
    put_le(&addrs, 0, 8);
    put_le(&addrs, 0x3000, 8);
    put_le(&addrs, 0x3100, 8);

    /* units skipped: a type unit, DWARF 7, 3-byte addresses; a skeleton unit read */
    PUT(&info, 8, 0, 0, 0, 5, 0, 2, 8, 0, 0, 0, 0);
    PUT(&info, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 4, 0);
    PUT(&info, 8, 0, 0, 0, 4, 0, 0, 0, 0, 0, 3, 0);
    a = info.n;
    put_le(&info, 0, 4);
    PUT(&info, 5, 0, 4, 8, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1);
    put_le(&info, 0x9000, 8);
    PUT(&info, 2, 's', 0);
    put_le(&info, 100, 4);                                   /* past the lists: no scope */
    PUT(&info, 0, 0);
    set_le(&info, a, info.n - a - 4, 4);

    memset(&d, 0, sizeof(d));
    memset(&t, 0, sizeof(t));
    d.info.p = info.b;
    d.info.len = info.n;
    d.abbrev.p = abbrev.b;
    d.abbrev.len = abbrev.n;
    d.ranges.p = ranges.b;
    d.ranges.len = ranges.n;
    d.rnglists.p = rnglists.b;
    d.rnglists.len = rnglists.n;
    d.addr.p = addrs.b;
    d.addr.len = addrs.n;
    di_info_read(&m, &d, &t);
    ck_int_eq(m.failed, 0);
    ck_int_eq(t.nscopes, 9);
    ck_assert(t.scopes[0].lo == 0x2010 && t.scopes[0].hi == 0x2020 && t.scopes[0].depth == 0);
    ck_assert_str_eq(t.scopes[0].name, "f");
    ck_assert(t.scopes[1].lo == 0x2012 && t.scopes[1].hi == 0x2016 && t.scopes[1].depth == 1);
    ck_assert_str_eq(t.scopes[1].name, "inl");
    ck_int_eq(t.scopes[1].call_line, 0);                     /* no line table: no call site */
    ck_int_eq(t.scopes[1].call_file, UINT32_MAX);
    ck_assert(t.scopes[2].lo == 0x3010 && t.scopes[2].hi == 0x3020);
    ck_assert(t.scopes[3].lo == 0x3000 && t.scopes[3].hi == 0x3100);
    ck_assert(t.scopes[4].lo == 0x3100 && t.scopes[4].hi == 0x3110);
    ck_assert(t.scopes[5].lo == 0x4000 && t.scopes[5].hi == 0x4008);
    ck_assert(t.scopes[6].lo == 0x5000 && t.scopes[6].hi == 0x5010);
    ck_assert(t.scopes[7].lo == 0x6000 && t.scopes[7].hi == 0x6010);
    ck_assert_str_eq(t.scopes[2].name, "g");
    ck_assert_str_eq(t.scopes[7].name, "g");
    ck_assert(t.scopes[7].entry == 0x3010);
    ck_assert(t.scopes[8].lo == 0x7000 && t.scopes[8].hi == 0x7004);
    ck_assert_str_eq(t.scopes[8].name, "h");
    arena_release();
}
END_TEST

START_TEST(units_of_every_shape_and_names_through_two_origins_are_read)
{
    static const uint8_t str_sec[] = "\0two";
    static const uint8_t stroff[] = { 1, 0, 0, 0, 0, 0, 0, 0 };
    di_mem m = { { arena_alloc, arena_free, NULL }, 0 };
    di_dwarf d;
    di_tables t;
    size_t a, spec, deep, at3;

    memset(&info, 0, sizeof(info));
    memset(&abbrev, 0, sizeof(abbrev));
    memset(&ranges, 0, sizeof(ranges));
    /* codes out of order: found by a search, not by their place */
    PUT(&abbrev, 5, 0x11, 1, 0x11, 0x01, 0x72, 0x17, 0xb3, 0x42, 0x17, 0, 0);   /* CU, bases */
    PUT(&abbrev, 2, 0x2e, 0, 0x11, 0x01, 0x12, 0x01, 0x31, 0x0b, 0x03, 0x25, 0, 0);
    PUT(&abbrev, 9, 0x2e, 0, 0x55, 0x0b, 0x03, 0x08, 0, 0);                  /* ranges as a constant */
    PUT(&abbrev, 3, 0x2e, 0, 0x31, 0x13, 0x11, 0x01, 0x12, 0x0b, 0, 0);
    PUT(&abbrev, 4, 0x2e, 0, 0x47, 0x13, 0, 0);
    PUT(&abbrev, 7, 0x2e, 0, 0x03, 0x08, 0, 0);
    PUT(&abbrev, 6, 0x2e, 0, 0x03, 0x08, 0x11, 0x01, 0, 0);                  /* low_pc alone */
    PUT(&abbrev, 8, 0x11, 0, 0, 0);                                          /* a CU without children */
    PUT(&abbrev, 0);

    /* DWARF 4 in the 64-bit format */
    a = info.n;
    PUT(&info, 0xff, 0xff, 0xff, 0xff);
    put_le(&info, 0, 8);
    PUT(&info, 4, 0);
    put_le(&info, 0, 8);
    PUT(&info, 8);
    PUT(&info, 5);
    put_le(&info, 0, 8);
    put_le(&info, 0, 8);
    put_le(&info, 0, 8);
    PUT(&info, 2);
    put_le(&info, 0x100, 8);
    put_le(&info, 0x180, 8);
    PUT(&info, 5, 0);                                        /* origin as a constant: none */
    PUT(&info, 9, 0, 'n', 'i', 'n', 'e', 0);
    PUT(&info, 6, 'l', 'o', 'w', 0);
    put_le(&info, 0x300, 8);
    at3 = info.n;
    PUT(&info, 3, 0, 0, 0, 0);
    put_le(&info, 0x400, 8);
    PUT(&info, 0x10);
    spec = info.n;
    PUT(&info, 4, 0, 0, 0, 0);
    deep = info.n;
    PUT(&info, 7, 'd', 'e', 'e', 'p', 0);
    PUT(&info, 0);
    set_le(&info, a + 4, info.n - a - 12, 8);
    set_le(&info, at3 + 1, spec - a, 4);
    set_le(&info, spec + 1, deep - a, 4);
    put_le(&ranges, 0x200, 8);
    put_le(&ranges, 0x210, 8);
    put_le(&ranges, 0, 16);

    /* units skipped or empty */
    PUT(&info, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 8);                      /* DWARF 1 */
    PUT(&info, 8, 0, 0, 0, 5, 0, 6, 8, 0, 0, 0, 0);                   /* a type unit */
    PUT(&info, 18, 0, 0, 0, 5, 0, 5, 8, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 0);   /* split: no children */
    PUT(&info, 10, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8, 7, 'x', 0);           /* a function first: no CU */
    PUT(&info, 8, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8, 1);                   /* an abbreviation not there */
    PUT(&info, 0x30, 0, 0, 0, 4, 0);                                   /* longer than what is left */

    memset(&d, 0, sizeof(d));
    memset(&t, 0, sizeof(t));
    d.info.p = info.b;
    d.info.len = info.n;
    d.abbrev.p = abbrev.b;
    d.abbrev.len = abbrev.n;
    d.ranges.p = ranges.b;
    d.ranges.len = ranges.n;
    d.str.p = str_sec;
    d.str.len = sizeof(str_sec);
    d.str_offsets.p = stroff;
    d.str_offsets.len = sizeof(stroff);
    di_info_read(&m, &d, &t);
    ck_int_eq(m.failed, 0);
    ck_int_eq(t.nscopes, 3);
    ck_assert(t.scopes[0].lo == 0x100 && t.scopes[0].hi == 0x180);
    ck_assert_str_eq(t.scopes[0].name, "two");
    ck_assert(t.scopes[1].lo == 0x200 && t.scopes[1].hi == 0x210);
    ck_assert_str_eq(t.scopes[1].name, "nine");
    ck_assert(t.scopes[2].lo == 0x400 && t.scopes[2].hi == 0x410);
    ck_assert_str_eq(t.scopes[2].name, "deep");
    arena_release();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("debuginfo_edges");
    TCase *tc = tcase_create("edges");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_loop_test(tc, every_form_gives_its_value_and_uses_its_bytes, 0,
                        (int)(sizeof(forms) / sizeof(forms[0])));
    tcase_add_test(tc, indexes_into_absent_sections_give_nothing);
    tcase_add_test(tc, leb128_numbers_past_64_bits_keep_their_low_bits);
    tcase_add_test(tc, leb128_numbers_cut_short_set_the_error_and_read_as_zero);
    tcase_add_test(tc, a_string_offset_is_read_only_when_terminated_within_the_section);
    tcase_add_test(tc, a_table_that_would_pass_the_address_space_is_refused_without_allocating);
    tcase_add_test(tc, a_pe32_image_gives_its_base_and_its_build_id);
    tcase_add_test(tc, a_debug_directory_that_leads_nowhere_gives_no_build_id);
    tcase_add_test(tc, bytes_that_are_no_pe_image_at_each_header_are_refused);
    tcase_add_test(tc, line_programs_of_every_version_give_their_files_rows_and_units);
    tcase_add_test(tc, line_headers_and_opcodes_cut_short_are_read_no_further);
    tcase_add_test(tc, extended_opcodes_of_no_length_or_past_the_end_stop_the_program);
    tcase_add_test(tc, dwarf5_tables_ignore_define_file_and_a_directory_index_of_no_number);
    tcase_add_test(tc, functions_and_inlined_calls_are_read_from_ranges_of_every_kind);
    tcase_add_test(tc, units_of_every_shape_and_names_through_two_origins_are_read);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
