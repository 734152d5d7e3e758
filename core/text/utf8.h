/*
 * Text kept exact: comstress holds every string as UTF-8 and converts at
 * the edges (UTF-16 command line in, BSTRs to and from COM, wide file
 * APIs), with one converter written here. Invalid input is refused, never
 * silently replaced, except where a report must stay valid whatever it is
 * given (cs_utf8_next's replacement character). Pure.
 */
#ifndef CS_UTF8_H
#define CS_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CS_REPLACEMENT 0xFFFDu

/*
 * Decodes the code point at s (at most n bytes). Returns the bytes used
 * (1 to 4) with the code point in *cp; for an invalid or truncated
 * sequence (overlong forms, surrogates, beyond U+10FFFF) returns 1 with
 * *cp = CS_REPLACEMENT, so a caller can step over bad bytes one at a time.
 * n must be at least 1.
 */
size_t cs_utf8_next(const char *s, size_t n, uint32_t *cp);

/* Whether s[0..n) is well-formed UTF-8 (no replacement was needed). */
int cs_utf8_valid(const char *s, size_t n);

/*
 * Copies text into out (size len, always NUL-terminated); when
 * it does not fit, the longest start of it that ends on a character
 * boundary and leaves room for "..." is kept, then "..." (a name cut short
 * says so, and is never cut inside a character); an out of fewer than 4
 * bytes that text does not fit is left empty. Returns 1 when cut, else 0.
 */
int cs_utf8_cut(char *out, size_t len, const char *text);

/*
 * UTF-8 (NUL-terminated) to UTF-16 (NUL-terminated, malloc'd; characters
 * beyond the BMP as surrogate pairs). NULL when s is not valid UTF-8 or
 * memory runs out. *units, when not NULL, gets the length in code units.
 */
uint16_t *cs_utf8_to_utf16(const char *s, size_t *units);

/*
 * UTF-16 (NUL-terminated) to UTF-8 (malloc'd). A lone surrogate becomes
 * U+FFFD: text that comes back from COM is reported, never refused.
 * NULL when memory runs out.
 */
char *cs_utf16_to_utf8(const uint16_t *w);

/*
 * Opens a file named by a UTF-8 path, like fopen. On Windows through the
 * wide API, so every character reaches the file system; a path too long
 * for the classic limit (260) that is absolute gets the \\?\ prefix
 * instead of being cut. NULL with errno set on failure (EILSEQ for a path
 * that is not valid UTF-8).
 */
FILE *cs_fopen(const char *path, const char *mode);

/* Replaces the file `to` with the file `from` (a rename that overwrites),
 * both UTF-8 paths. Returns 0 or -1 with errno set. */
int cs_replace_file(const char *from, const char *to);

/* The whole file named by a UTF-8 path, NUL-terminated (malloc'd; the
 * caller frees). NULL when it cannot be opened or read, or memory runs
 * out. */
char *cs_read_whole(const char *path);

/* Removes the file named by a UTF-8 path. Returns 0 or -1 (errno). */
int cs_remove_file(const char *path);

#endif
