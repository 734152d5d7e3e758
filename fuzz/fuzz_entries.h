/*
 * Fuzz entries: one function per pure module of the core, fed raw bytes.
 * The same functions serve two callers:
 *  - the libFuzzer targets (fuzz_main.c, preset fuzz: clang with
 *    AddressSanitizer and UndefinedBehaviorSanitizer), which abort when an
 *    entry reports a broken property, so libFuzzer keeps the input;
 *  - the unit suite test_fuzz_corpus, which replays every committed corpus
 *    file through them with the normal compiler, so the corpus stays valid
 *    input for the code as it is now.
 *
 * Each entry returns NULL when every property it checks held, or a short
 * sentence naming the one that broke. A crash, a leak or undefined
 * behaviour is caught by the sanitizers, not by the entries. Portable C:
 * no Windows header, no POSIX-only call without a fallback.
 */
#ifndef CS_FUZZ_ENTRIES_H
#define CS_FUZZ_ENTRIES_H

#include <stddef.h>

/* The bytes before the first NUL are one --call text, parsed twice: with a
 * full error buffer and with an 8-byte one (truncation). */
const char *cs_fuzz_callspec(const unsigned char *data, size_t size);

/* The bytes split at LF and NUL into argv words after "comstress" (the
 * first word is the command), parsed by cs_options_parse; the same words
 * go through cs_life_parse too, the first one as the scenario name. */
const char *cs_fuzz_options(const unsigned char *data, size_t size);

/* The bytes as a whole samples.csv: read, every run rebuilt, and run.json,
 * memory.svg, report.html and junit.xml written to memory, as `comstress
 * report` does. */
const char *cs_fuzz_csv(const unsigned char *data, size_t size);

/* A number series for the statistics. Byte 0: bit 0 set reads (x, y)
 * pairs, clear reads y alone with x = 100 * index; bits 1-4 pick the
 * metric. Bytes 1-2: the warm-up (little-endian). Then 8-byte doubles as
 * stored in memory (NaN, infinities and subnormals included). Feeds
 * cs_theil_sen, cs_leak_verdict and cs_run_verdicts. */
const char *cs_fuzz_stats(const unsigned char *data, size_t size);

/* The debug information reader (core/debuginfo) on hostile bytes. Byte 0:
 * bit 0 clear, the rest is a whole file (a PE image: a DLL or a debug
 * file); set, the rest is DWARF sections, each a 2-byte little-endian
 * length then its bytes, in the order .debug_info, .debug_abbrev,
 * .debug_line, .debug_line_str, .debug_str, .debug_ranges,
 * .debug_rnglists, .debug_str_offsets, .debug_addr, wrapped in a PE
 * image (cs_fuzz_pe_image). Bits 1-7: the allocation that fails (0:
 * none). Opens, reads and looks up addresses across the image; checks
 * frames are well formed and that close gives back every allocation. */
const char *cs_fuzz_debuginfo(const unsigned char *data, size_t size);

/* A section for cs_fuzz_pe_image. */
typedef struct cs_fuzz_section {
    const char *name;           /* ".debug_line" ... (any length) */
    const unsigned char *bytes;
    size_t len;
} cs_fuzz_section;

/* Wraps sections in a minimal PE32+ image (image base 0x180000000, the
 * sections at RVA 0x1000, 0x2000 ... in order, long names through the
 * string table) for the debug information reader's suites. Returns the
 * image's length and *out (malloc'd), or 0 when out of memory. */
size_t cs_fuzz_pe_image(const cs_fuzz_section *sections, size_t n, unsigned char **out);

/* The bytes before the first NUL as a child's run.json: parsed by
 * explore's JSON reader, read into a member's result (figures,
 * categories, site, unload, error), and the member's map line made. */
const char *cs_fuzz_explore(const unsigned char *data, size_t size);

/* Checks memory.svg text: tags closed in order, and inside every tag no
 * "inf" or "nan" and no number longer than 12 digits (a coordinate is a
 * pixel position, never a data value). Returns NULL or the problem. */
const char *cs_fuzz_check_svg(const char *svg);

#endif
