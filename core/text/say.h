/*
 * How user text is echoed in one-line messages: control characters and
 * escape sequences made visible (a newline in a --call must not split the
 * error line, an ESC must not drive the terminal), invalid UTF-8 shown as
 * bytes, and long texts shortened around the column an error names, so
 * the column is always in view. Pure.
 */
#ifndef CS_SAY_H
#define CS_SAY_H

#include <stddef.h>

/*
 * Copies text into out (size len, always NUL-terminated) with every
 * control character (below U+0020, DEL, U+0080..U+009F) written as \n, \r,
 * \t or \xHH, a backslash as \\, and every byte of invalid UTF-8 as \xHH;
 * printable UTF-8 is kept. Cut at a character boundary, with "..." at the
 * end, when out is too small. Returns out.
 */
char *cs_say_escaped(const char *text, char *out, size_t len);

/*
 * An excerpt of text for a message about the character at byte offset
 * column - 1 (column counts from 1; 0: no column): the whole text escaped
 * when its escaped form fits width bytes, else a window of it around the
 * column, with "..." on each side that was cut. Escaped like
 * cs_say_escaped. Returns out.
 */
char *cs_say_excerpt(const char *text, size_t column, size_t width, char *out, size_t len);

/*
 * A chain of frames ("f (a.c:12) <- g (b.c:40) <- ...", or a line ending
 * in one) copied into out (size len): when it does not fit, the frames
 * that fit whole are kept and " <- ..." ends it, so no frame is cut in
 * the middle of a name; text with no frame boundary in reach is cut at a
 * character with "..." (cs_utf8_cut). Returns out.
 */
char *cs_cut_frames(const char *text, char *out, size_t len);

/*
 * text with its first occurrence of old replaced by chain, a chain of
 * frames, into out (size len): the text around old is kept whole and the
 * chain takes the room left, cut between frames (cs_cut_frames). text
 * with no old (or an empty old), or whose words around old leave the
 * chain fewer than 16 bytes, is copied as it is, cut at a character if
 * it does not fit. The chain keeps at most CS_FRAMES_MAX bytes; out
 * must not overlap text.
 * Returns out.
 */
#define CS_FRAMES_MAX 1024
char *cs_replace_frames(const char *text, const char *old, const char *chain, char *out, size_t len);

#endif
