/*
 * Suite "debuginfo": the reader of a DLL's own debug information
 * (core/debuginfo) on the committed sample DLLs of tests/unit/debuginfo
 * (built from sample.c by make-samples.sh: DWARF 5, DWARF 4, stripped with
 * a debug link, stripped with a build id, no -g) and on images made here.
 * Every call site is named as addr2line names it (sites.txt, recorded
 * from addr2line when the samples were built).
 */
#include "cs_unit.h"
#include "debuginfo.h"
#include "fuzz_entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sample file of tests/unit/debuginfo, whole (malloc'd), *len set. */
static unsigned char *sample(const char *name, size_t *len)
{
    const char *src = getenv("COMSTRESS_SOURCE_DIR");
    char path[1024];
    unsigned char *buf;
    long n;
    FILE *f;

    ck_assert_msg(src != NULL, "COMSTRESS_SOURCE_DIR is not set");
    snprintf(path, sizeof(path), "%s/tests/unit/debuginfo/%s", src, name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(fread(buf, 1, (size_t)n, f) == (size_t)n, "short read of %s", path);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static const char *base_name(const char *path)
{
    const char *a = strrchr(path, '/'), *b = strrchr(path, '\\');

    if (b > a)
        a = b;
    return a ? a + 1 : path;
}

/* sites.txt as read by check_sites, and its next line (NUL-terminated in
 * place), or NULL at the end. */
static char *sites_text;

static char *next_line(char **at)
{
    char *line = *at, *end;

    if (!line || !*line)
        return NULL;
    end = line + strcspn(line, "\r\n");
    *at = end + strspn(end, "\r\n");
    *end = 0;
    return line;
}

/*
 * Checks every site sites.txt records for kind against di: the frames,
 * innermost first, each function and file:line as addr2line -f -i gave
 * them (lines only when with_lines), only the last frame not inlined.
 * Returns the number of sites checked.
 */
static int check_sites(cs_debuginfo *di, const char *kind, const char *as_kind, int with_lines)
{
    size_t len;
    char *text = sites_text = (char *)sample("sites.txt", &len), *line;
    int sites = 0;

    while ((line = next_line(&text))) {
        char name[32], fn[8][128], loc[8][128];
        unsigned long long rva;
        cs_di_frame f[8];
        unsigned nexp = 0, n, i;

        if (!strncmp(line, "buildid-signature ", 18) || sscanf(line, "%31s %llx", name, &rva) != 2)
            continue;
        while ((line = next_line(&text)) && strcmp(line, "end")) {
            ck_assert_uint_lt(nexp, 8);
            snprintf(fn[nexp], sizeof(fn[0]), "%s", line);
            ck_assert_ptr_nonnull(line = next_line(&text));
            snprintf(loc[nexp++], sizeof(loc[0]), "%s", line);
        }
        if (strcmp(name, kind))
            continue;
        n = cs_debuginfo_lookup(di, rva, f, 8);
        ck_assert_msg(n == (with_lines ? nexp : 1), "%s at %llx: %u frames, addr2line %u",
                      as_kind, rva, n, nexp);
        for (i = 0; i < n; i++) {
            char got[300];
            unsigned k = with_lines ? i : nexp - 1;     /* no DWARF: the holder */

            ck_assert_str_eq(f[i].function, fn[k]);
            ck_int_eq(f[i].inlined, i + 1 < n);
            snprintf(got, sizeof(got), "%s:%u", base_name(f[i].file), f[i].line);
            ck_assert_str_eq(got, with_lines ? loc[k] : ":0");
        }
        sites++;
    }
    free(sites_text);
    sites_text = NULL;
    return sites;
}

/* Opens a sample (kept in *bytes until the caller frees it). */
static cs_debuginfo *open_sample(const char *name, unsigned char **bytes)
{
    cs_debuginfo *di;
    size_t len;

    *bytes = sample(name, &len);
    ck_int_eq(cs_debuginfo_open(*bytes, len, NULL, &di), CS_DI_OK);
    ck_assert_ptr_nonnull(di);
    return di;
}

START_TEST(every_call_site_of_a_dwarf5_build_is_named_as_addr2line_names_it)
{
    unsigned char *bytes;
    cs_debuginfo *di = open_sample("dwarf5.dll", &bytes);

    ck_int_eq(cs_debuginfo_what(di) & 7, CS_DI_HAS_DWARF | CS_DI_HAS_LINES | CS_DI_HAS_FUNCTIONS);
    ck_int_eq(check_sites(di, "dwarf5", "dwarf5.dll", 1), 4);
    cs_debuginfo_close(di);
    free(bytes);
}
END_TEST

START_TEST(every_call_site_of_a_dwarf4_build_is_named_as_addr2line_names_it)
{
    unsigned char *bytes;
    cs_debuginfo *di = open_sample("dwarf4.dll", &bytes);

    ck_int_eq(check_sites(di, "dwarf4", "dwarf4.dll", 1), 4);
    cs_debuginfo_close(di);
    free(bytes);
}
END_TEST

START_TEST(an_inlined_call_is_a_frame_of_its_own_at_the_line_of_the_call)
{
    unsigned char *bytes;
    cs_debuginfo *di = open_sample("dwarf5.dll", &bytes);
    cs_di_frame f[8];
    size_t len;
    char *text = (char *)sample("sites.txt", &len), *at;
    unsigned long long rva;

    /* The first site is sample_leaf called from sample_inner, inlined
     * into sample_middle, inlined into sample_outer. */
    at = strstr(text, "dwarf5 ");
    ck_assert_ptr_nonnull(at);
    ck_int_eq(sscanf(at, "dwarf5 %llx", &rva), 1);
    ck_int_eq(cs_debuginfo_lookup(di, rva, f, 8), 3);
    ck_assert_str_eq(f[0].function, "sample_inner");
    ck_assert_str_eq(f[1].function, "sample_middle");
    ck_assert_str_eq(f[2].function, "sample_outer");
    ck_assert(f[0].inlined && f[1].inlined && !f[2].inlined);
    /* With room for two, the innermost two. */
    ck_int_eq(cs_debuginfo_lookup(di, rva, f, 2), 2);
    ck_assert_str_eq(f[1].function, "sample_middle");
    free(text);
    cs_debuginfo_close(di);
    free(bytes);
}
END_TEST

START_TEST(a_stripped_build_names_nothing_and_says_where_its_debug_file_is)
{
    unsigned char *bytes, *debug;
    cs_debuginfo *di = open_sample("stripped.dll", &bytes);
    size_t len;
    uint32_t crc = 0;
    const char *link;
    cs_di_frame f[4];

    debug = sample("stripped.dll.debug", &len);
    ck_int_eq(cs_debuginfo_what(di), CS_DI_HAS_DEBUGLINK);
    link = cs_debuginfo_debuglink(di, &crc);
    ck_assert_str_eq(link, "stripped.dll.debug");
    ck_assert_uint_eq(crc, cs_di_crc32(0, debug, len));
    ck_int_eq(cs_debuginfo_lookup(di, 0x1018, f, 4), 0);
    cs_debuginfo_close(di);
    free(debug);
    free(bytes);
}
END_TEST

START_TEST(a_stripped_build_with_its_debug_file_is_named_as_addr2line_names_it)
{
    unsigned char *bytes, *debug;
    cs_debuginfo *di = open_sample("stripped.dll", &bytes);
    size_t len;

    debug = sample("stripped.dll.debug", &len);
    ck_int_eq(cs_debuginfo_attach(di, debug, len), CS_DI_OK);
    ck_int_eq(check_sites(di, "stripped", "stripped.dll with its debug file", 1), 4);
    cs_debuginfo_close(di);
    free(debug);
    free(bytes);
}
END_TEST

START_TEST(a_build_id_is_read_as_objdump_prints_it_and_names_its_debug_file)
{
    unsigned char *bytes, *debug;
    cs_debuginfo *di = open_sample("buildid.dll", &bytes);
    size_t len;
    char hex[33], *text = (char *)sample("sites.txt", &len), *at, want[33];

    at = strstr(text, "buildid-signature ");
    ck_assert_ptr_nonnull(at);
    ck_int_eq(sscanf(at, "buildid-signature %32s", want), 1);
    ck_int_eq(cs_debuginfo_build_id(di, hex), 1);
    ck_assert_str_eq(hex, want);
    ck_assert(cs_debuginfo_what(di) & CS_DI_HAS_BUILD_ID);
    debug = sample("build-id.debug", &len);
    ck_int_eq(cs_debuginfo_attach(di, debug, len), CS_DI_OK);
    ck_int_eq(check_sites(di, "buildid", "buildid.dll with its debug file", 1), 4);
    free(text);
    cs_debuginfo_close(di);
    free(debug);
    free(bytes);
}
END_TEST

START_TEST(a_build_without_g_names_functions_from_its_symbol_table)
{
    unsigned char *bytes;
    cs_debuginfo *di = open_sample("plain.dll", &bytes);

    ck_assert(cs_debuginfo_what(di) & CS_DI_HAS_SYMBOLS);
    ck_assert(!(cs_debuginfo_what(di) & CS_DI_HAS_DWARF));
    ck_int_eq(check_sites(di, "plain", "plain.dll", 0), 4);
    cs_debuginfo_close(di);
    free(bytes);
}
END_TEST

/* A line program (DWARF 4, one file "a.c") whose rows at 0x1000 say
 * lines 10 then 20, at 0x1008 line 30, ending at 0x1010. */
static const unsigned char line_program[] = {
    0, 0, 0, 0,                 /* unit length, set below */
    4, 0,                       /* version 4 */
    27, 0, 0, 0,                /* header length */
    1, 1, 1, (unsigned char)-5, 14, 13,     /* min inst, max ops, stmt, base, range, opcode base */
    0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,     /* standard opcode lengths */
    0,                          /* no include directories */
    'a', '.', 'c', 0, 0, 0, 0, 0,           /* file 1, then the list's end */
    0, 9, 2, 0x00, 0x10, 0, 0x80, 1, 0, 0, 0,   /* set_address 0x180001000 */
    3, 9, 1,                    /* line 10, copy */
    3, 10, 1,                   /* line 20, copy (same address) */
    2, 8, 3, 10, 1,             /* address + 8, line 30, copy */
    2, 8, 0, 1, 1               /* address + 8, end_sequence */
};

START_TEST(several_line_entries_at_one_address_give_the_last_as_addr2line_does)
{
    unsigned char prog[sizeof(line_program)], *img;
    cs_fuzz_section s = { ".debug_line", prog, sizeof(prog) };
    cs_debuginfo *di;
    cs_di_frame f[2];
    size_t len;

    memcpy(prog, line_program, sizeof(prog));
    prog[0] = (unsigned char)(sizeof(prog) - 4);
    len = cs_fuzz_pe_image(&s, 1, &img);
    ck_assert_uint_gt(len, 0);
    ck_int_eq(cs_debuginfo_open(img, len, NULL, &di), CS_DI_OK);
    ck_int_eq(cs_debuginfo_lookup(di, 0x1004, f, 2), 1);
    ck_assert_str_eq(f[0].file, "a.c");
    ck_int_eq(f[0].line, 20);
    ck_int_eq(cs_debuginfo_lookup(di, 0x1008, f, 2), 1);
    ck_int_eq(f[0].line, 30);
    ck_int_eq(cs_debuginfo_lookup(di, 0x1010, f, 2), 0);     /* past the end */
    ck_int_eq(cs_debuginfo_lookup(di, 0xfff, f, 2), 0);
    cs_debuginfo_close(di);
    free(img);
}
END_TEST

START_TEST(bytes_that_are_not_a_pe_image_are_refused)
{
    static const unsigned char junk[] = "MZ this is not a PE image at all, only text .......";
    cs_debuginfo *di = (cs_debuginfo *)&di;
    unsigned char *bytes;
    size_t len;

    ck_int_eq(cs_debuginfo_open(junk, sizeof(junk), NULL, &di), CS_DI_NOT_PE);
    ck_assert_ptr_null(di);
    ck_int_eq(cs_debuginfo_open(junk, 0, NULL, &di), CS_DI_NOT_PE);
    bytes = sample("sample.c", &len);
    ck_int_eq(cs_debuginfo_open(bytes, len, NULL, &di), CS_DI_NOT_PE);
    free(bytes);
}
END_TEST

START_TEST(every_prefix_and_every_corrupted_byte_of_a_sample_is_survived)
{
    size_t len, i;
    unsigned char *bytes = sample("dwarf5.dll", &len), *copy = malloc(len + 1);

    ck_assert_ptr_nonnull(copy);
    for (i = 0; i < len; i += 7) {
        copy[0] = 0;                            /* a whole file, no failing allocation */
        memcpy(copy + 1, bytes, i);
        ck_assert_msg(cs_fuzz_debuginfo(copy, i + 1) == NULL, "prefix of %lu bytes", (unsigned long)i);
        memcpy(copy + 1, bytes, len);
        copy[1 + i] ^= (unsigned char)(0x5a + i);
        ck_assert_msg(cs_fuzz_debuginfo(copy, len + 1) == NULL, "byte %lu corrupted", (unsigned long)i);
    }
    free(copy);
    free(bytes);
}
END_TEST

START_TEST(a_failing_allocation_anywhere_loses_nothing)
{
    size_t len;
    unsigned char *bytes = sample("dwarf4.dll", &len), *copy = malloc(len + 1);
    unsigned k;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy + 1, bytes, len);
    for (k = 1; k < 128; k++) {
        copy[0] = (unsigned char)(k << 1);
        ck_assert_msg(cs_fuzz_debuginfo(copy, len + 1) == NULL, "allocation %u failing", k);
    }
    free(copy);
    free(bytes);
}
END_TEST

START_TEST(the_crc_is_the_common_crc32)
{
    ck_assert_uint_eq(cs_di_crc32(0, "123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(cs_di_crc32(cs_di_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(every_call_site_of_a_dwarf5_build_is_named_as_addr2line_names_it),
        CS_TEST(every_call_site_of_a_dwarf4_build_is_named_as_addr2line_names_it),
        CS_TEST(an_inlined_call_is_a_frame_of_its_own_at_the_line_of_the_call),
        CS_TEST(a_stripped_build_names_nothing_and_says_where_its_debug_file_is),
        CS_TEST(a_stripped_build_with_its_debug_file_is_named_as_addr2line_names_it),
        CS_TEST(a_build_id_is_read_as_objdump_prints_it_and_names_its_debug_file),
        CS_TEST(a_build_without_g_names_functions_from_its_symbol_table),
        CS_TEST(several_line_entries_at_one_address_give_the_last_as_addr2line_does),
        CS_TEST(bytes_that_are_not_a_pe_image_are_refused),
        CS_TEST(every_prefix_and_every_corrupted_byte_of_a_sample_is_survived),
        CS_TEST(a_failing_allocation_anywhere_loses_nothing),
        CS_TEST(the_crc_is_the_common_crc32),
        NULL
    };

    return cs_run_tests("debuginfo", NULL, NULL, tests);
}
