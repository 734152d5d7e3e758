/* Fuzz entry of the debug information reader; see fuzz_entries.h. It
 * relies on the reader's contract only: any bytes open or are refused,
 * any address gives at most max well-formed frames, and close gives back
 * every allocation whatever failed on the way. */
#include "fuzz_entries.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "debuginfo.h"

#define IMAGE_BASE 0x180000000ull
#define OPT_SIZE 240            /* PE32+ optional header, 16 directories */
#define MAX_FRAMES 8

static void put(unsigned char *p, uint64_t v, unsigned size)
{
    unsigned i;

    for (i = 0; i < size; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

size_t cs_fuzz_pe_image(const cs_fuzz_section *sections, size_t n, unsigned char **out)
{
    size_t headers = 0x40 + 24 + OPT_SIZE + 40 * n, data = 0, names = 4, len, at, i;
    unsigned char *img;

    for (i = 0; i < n; i++) {
        data += sections[i].len;
        names += strlen(sections[i].name) + 1;
    }
    len = headers + data + names;
    if (!(img = calloc(1, len)))
        return 0;
    img[0] = 'M';
    img[1] = 'Z';
    put(img + 0x3c, 0x40, 4);
    memcpy(img + 0x40, "PE\0\0", 4);
    put(img + 0x44, 0x8664, 2);
    put(img + 0x46, n, 2);
    put(img + 0x4c, headers + data, 4);                 /* the string table, no symbols */
    put(img + 0x54, OPT_SIZE, 2);
    put(img + 0x58, 0x20b, 2);                          /* PE32+ */
    put(img + 0x58 + 24, IMAGE_BASE, 8);
    put(img + 0x58 + 108, 16, 4);
    at = headers;
    names = 4;
    for (i = 0; i < n; i++) {
        unsigned char *h = img + 0x58 + OPT_SIZE + 40 * i;
        size_t nl = strlen(sections[i].name) + 1;
        char ref[9];

        snprintf(ref, sizeof(ref), "/%lu", (unsigned long)names);
        memcpy(h, ref, strlen(ref));
        memcpy(img + headers + data + names, sections[i].name, nl);
        names += nl;
        put(h + 8, sections[i].len, 4);
        put(h + 12, 0x1000 * (i + 1), 4);
        put(h + 16, sections[i].len, 4);
        put(h + 20, at, 4);
        if (sections[i].len)
            memcpy(img + at, sections[i].bytes, sections[i].len);
        at += sections[i].len;
    }
    put(img + headers + data, names, 4);
    *out = img;
    return len;
}

/* An allocator that counts, and fails its fail-th allocation. */
typedef struct counting {
    unsigned allocs, frees, fail;
} counting;

static void *count_alloc(void *ctx, size_t size)
{
    counting *c = ctx;

    if (c->fail && ++c->allocs == c->fail)
        return NULL;
    if (!c->fail)
        c->allocs++;
    return malloc(size);
}

static void count_free(void *ctx, void *p)
{
    ((counting *)ctx)->frees++;
    free(p);
}

/* The sections of byte 0's set bit 0: length-prefixed, in a fixed order. */
static size_t sections_image(const unsigned char *d, size_t n, unsigned char **out)
{
    static const char *const names[] = {
        ".debug_info", ".debug_abbrev", ".debug_line", ".debug_line_str", ".debug_str",
        ".debug_ranges", ".debug_rnglists", ".debug_str_offsets", ".debug_addr"
    };
    cs_fuzz_section s[9];
    size_t k = 0;

    while (k < 9 && n >= 2) {
        size_t len = (size_t)d[0] | (size_t)d[1] << 8;

        d += 2;
        n -= 2;
        if (len > n)
            len = n;
        s[k].name = names[k];
        s[k].bytes = d;
        s[k++].len = len;
        d += len;
        n -= len;
    }
    return cs_fuzz_pe_image(s, k, out);
}

/* Looks up addresses across the image; NULL or the broken property. */
static const char *look(cs_debuginfo *di)
{
    cs_di_frame f[MAX_FRAMES];
    uint64_t rva;
    unsigned n, i;

    for (rva = 0; rva < 0x3000; rva += rva < 0x1200 ? 1 : 61) {
        n = cs_debuginfo_lookup(di, rva, f, MAX_FRAMES);
        if (n > MAX_FRAMES)
            return "debuginfo: more frames than room";
        for (i = 0; i < n; i++) {
            if (!f[i].function || !f[i].file)
                return "debuginfo: a frame with a NULL string";
            (void)strlen(f[i].function);
            (void)strlen(f[i].file);
            if (f[i].inlined && i + 1 == n && n < MAX_FRAMES)
                return "debuginfo: the outermost frame is marked inlined";
        }
    }
    return NULL;
}

const char *cs_fuzz_debuginfo(const unsigned char *data, size_t size)
{
    counting c = { 0, 0, 0 };
    cs_di_allocator a = { count_alloc, count_free, &c };
    unsigned char *img = NULL;
    const unsigned char *bytes = data + 1;
    size_t len = size ? size - 1 : 0;
    cs_debuginfo *di = NULL;
    const char *problem = NULL, *link;
    uint32_t crc;
    char hex[33];
    int rc;

    if (!size)
        return NULL;
    c.fail = data[0] >> 1;
    if (data[0] & 1) {
        if (!(len = sections_image(data + 1, size - 1, &img)))
            return NULL;
        bytes = img;
    }
    rc = cs_debuginfo_open(bytes, len, &a, &di);
    if (rc == CS_DI_OK && !di)
        problem = "debuginfo: opened without a reader";
    else if (rc != CS_DI_OK && (di || (rc != CS_DI_NOT_PE && rc != CS_DI_NO_MEMORY)))
        problem = "debuginfo: a failed open left a reader or gave an unknown result";
    if (di && !problem) {
        (void)cs_debuginfo_what(di);
        if ((link = cs_debuginfo_debuglink(di, &crc)))
            (void)strlen(link);
        if (cs_debuginfo_build_id(di, hex) && strlen(hex) != 32)
            problem = "debuginfo: a build id not of 32 digits";
        if (!problem)
            problem = look(di);
    }
    cs_debuginfo_close(di);
    if (!problem && c.frees != (c.fail ? c.allocs - (c.allocs >= c.fail) : c.allocs))
        problem = "debuginfo: close did not give back every allocation";
    free(img);
    return problem;
}
