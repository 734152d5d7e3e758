/*
 * A reader of a DLL's own debug information: what function, file and line
 * an address of its code belongs to, without dbghelp.
 *
 * Pure C (no Windows header), on bytes the caller read: a PE image as it
 * is on disk (a DLL or the separate debug file objcopy --only-keep-debug
 * makes of one). What it reads:
 *   - DWARF 2 to 5 line tables (.debug_line, with .debug_line_str) and
 *     function names from .debug_info (subprograms with their address
 *     ranges; inlined subroutines, which become frames of their own);
 *   - the COFF symbol table when there is no DWARF (function names);
 *   - where the debug information went when the DLL was stripped: the
 *     .gnu_debuglink section (file name and CRC-32) and the build id of
 *     the CodeView debug directory entry.
 *
 * At an address with several line entries (gcc writes several where
 * inlined code starts), the last one counts, as addr2line has it.
 *
 * The bytes are not copied: names point into them, so the caller keeps
 * them (and any debug file attached) alive until cs_debuginfo_close.
 * Everything else comes from the allocator given (the tracer passes a
 * private heap a heap sampler leaves out). Hostile input is expected:
 * every read is bounds-checked, and a malformed unit is skipped.
 */
#ifndef CS_DEBUGINFO_H
#define CS_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_di_allocator {
    void *(*alloc)(void *ctx, size_t size);     /* NULL when out of memory */
    void (*free)(void *ctx, void *p);
    void *ctx;
} cs_di_allocator;

typedef struct cs_debuginfo cs_debuginfo;

/* One frame of an address, innermost first. Strings point into the
 * image's bytes or the reader's tables; "" when unknown. */
typedef struct cs_di_frame {
    const char *function;
    const char *file;           /* as the debug information names it */
    unsigned line;              /* 0 when unknown */
    uint64_t offset;            /* from the function's start (when known) */
    int inlined;                /* inlined into the next frame */
} cs_di_frame;

/* What a module (with its debug file, if attached) can name. */
enum {
    CS_DI_HAS_DWARF = 1,        /* .debug_info or .debug_line sections */
    CS_DI_HAS_LINES = 2,        /* at least one line table row */
    CS_DI_HAS_FUNCTIONS = 4,    /* DWARF functions with address ranges */
    CS_DI_HAS_SYMBOLS = 8,      /* COFF function symbols */
    CS_DI_HAS_DEBUGLINK = 16,   /* a .gnu_debuglink section */
    CS_DI_HAS_BUILD_ID = 32     /* a CodeView build id */
};

/* Results of cs_debuginfo_open and cs_debuginfo_attach. */
#define CS_DI_OK 0
#define CS_DI_NOT_PE (-1)       /* the bytes are not a PE image */
#define CS_DI_NO_MEMORY (-2)

/*
 * Opens the PE image in bytes[0..len). a NULL uses malloc and free.
 * Returns CS_DI_OK with *out set, or an error (then *out is NULL). The
 * DWARF is read at the first lookup, once a debug file had its chance.
 */
int cs_debuginfo_open(const uint8_t *bytes, size_t len, const cs_di_allocator *a,
                      cs_debuginfo **out);

/*
 * Adds the DWARF of a separate debug file (a PE image whose .debug_*
 * sections describe the opened image, as objcopy --only-keep-debug
 * makes). Its sections replace the image's own. Returns CS_DI_OK, or
 * CS_DI_NOT_PE (nothing attached). Tables read before are read again.
 */
int cs_debuginfo_attach(cs_debuginfo *di, const uint8_t *bytes, size_t len);

/* CS_DI_HAS_* flags (reads the DWARF if not read yet). */
unsigned cs_debuginfo_what(cs_debuginfo *di);

/* The .gnu_debuglink file name (NUL-terminated, in the image's bytes) and
 * its CRC-32 in *crc, or NULL when there is none. */
const char *cs_debuginfo_debuglink(const cs_debuginfo *di, uint32_t *crc);

/* The build id in hex (lower case, 32 digits) into hex[33]: 1, or 0 when
 * the image has none. */
int cs_debuginfo_build_id(const cs_debuginfo *di, char hex[33]);

/* The image's preferred base (DWARF addresses are base + RVA). */
uint64_t cs_debuginfo_image_base(const cs_debuginfo *di);

/*
 * The frames of the code at rva (an offset in the image: for a return
 * address, base-relative minus one, inside the call): the functions
 * inlined there, innermost first (inlined set), then the function that
 * holds them; each with its file and line, an inlined call's line in its
 * caller being the line of that call. Without DWARF functions, one frame
 * with the COFF symbol's name. Returns the frames written to out (room
 * for max), 0 when nothing is known at rva.
 */
unsigned cs_debuginfo_lookup(cs_debuginfo *di, uint64_t rva, cs_di_frame *out, unsigned max);

/* Frees the reader's tables (never the bytes). NULL is fine. */
void cs_debuginfo_close(cs_debuginfo *di);

/* The CRC-32 a .gnu_debuglink records (the common polynomial, as zlib):
 * pass 0 first, then the previous result to continue. */
uint32_t cs_di_crc32(uint32_t crc, const void *data, size_t len);

#endif
