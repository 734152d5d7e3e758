/* Echoed user text, escaped and shortened: see say.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "say.h"
#include "utf8.h"

/* The escaped form of the character at s (n bytes left) into buf (at least
 * 8 bytes); returns the bytes of s it stands for. */
static size_t escape_one(const char *s, size_t n, char *buf)
{
    const unsigned char c = (unsigned char)s[0];
    uint32_t cp;
    size_t used = cs_utf8_next(s, n, &cp);

    if (cp == CS_REPLACEMENT && used == 1) {
        snprintf(buf, 8, "\\x%02X", c);          /* a byte of invalid UTF-8 */
    } else if (cp == '\\') {
        strcpy(buf, "\\\\");
    } else if (cp == '\n' || cp == '\r' || cp == '\t') {
        snprintf(buf, 8, "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
        snprintf(buf, 8, "\\x%02X", (unsigned)cp);
    } else {
        memcpy(buf, s, used);
        buf[used] = 0;
    }
    return used;
}

/* Escapes text[from..to) into out (size len); "..." replaces what does
 * not fit, and *cut (when given) says whether anything was left out.
 * Returns the bytes written, not counting the NUL. */
static size_t escape_range(const char *text, size_t from, size_t to, char *out, size_t len, int *cut)
{
    size_t k = 0, i = from, piece;
    char buf[8];

    if (cut)
        *cut = 0;
    if (len == 0)
        return 0;
    while (i < to) {
        i += escape_one(text + i, to - i, buf);
        piece = strlen(buf);
        if (k + piece + (i < to ? 3 : 0) >= len) {
            if (k + 3 < len) {
                memcpy(out + k, "...", 3);
                k += 3;
            }
            if (cut)
                *cut = 1;
            break;
        }
        memcpy(out + k, buf, piece);
        k += piece;
    }
    out[k] = 0;
    return k;
}

char *cs_say_escaped(const char *text, char *out, size_t len)
{
    escape_range(text ? text : "", 0, text ? strlen(text) : 0, out, len, NULL);
    return out;
}

/* Moves i back to the start of the UTF-8 character that holds byte i. */
static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

char *cs_say_excerpt(const char *text, size_t column, size_t width, char *out, size_t len)
{
    size_t n = text ? strlen(text) : 0, at, from, to, k = 0;
    char probe[4096];
    int cut;

    if (escape_range(text ? text : "", 0, n, probe, sizeof(probe), NULL) <= width && n < sizeof(probe) / 4)
        return cs_say_escaped(text, out, len);
    at = column > 0 && column - 1 < n ? column - 1 : 0;
    from = at > width / 2 ? char_start(text, at - width / 2) : 0;
    to = from + width < n ? char_start(text, from + width) : n;
    if (len < 8)
        return cs_say_escaped("", out, len);
    if (from > 0) {
        memcpy(out, "...", 3);
        k = 3;
    }
    k += escape_range(text, from, to, out + k, len - k - (to < n ? 3 : 0), &cut);
    if (to < n && !cut && k + 3 < len)     /* a window cut by out's size has its "..." */
        memcpy(out + k, "...", 4);
    return out;
}

#define FRAME_JOIN " <- "
#define FRAMES_CUT " <- ..."

char *cs_cut_frames(const char *text, char *out, size_t len)
{
    size_t n = strlen(text), keep = 0;
    const char *at;

    if (n < len || len < sizeof(FRAMES_CUT)) {
        cs_utf8_cut(out, len, text);
        return out;
    }
    /* the last join whose frames before it leave room for FRAMES_CUT */
    for (at = strstr(text, FRAME_JOIN); at && (size_t)(at - text) + sizeof(FRAMES_CUT) <= len;
         at = strstr(at + 1, FRAME_JOIN))
        keep = (size_t)(at - text);
    if (!keep) {
        cs_utf8_cut(out, len, text);
        return out;
    }
    memcpy(out, text, keep);
    memcpy(out + keep, FRAMES_CUT, sizeof(FRAMES_CUT));
    return out;
}

char *cs_replace_frames(const char *text, const char *old, const char *chain, char *out, size_t len)
{
    const char *at = *old ? strstr(text, old) : NULL;
    char cut[CS_FRAMES_MAX];
    size_t head, tail, room;

    head = at ? (size_t)(at - text) : 0;
    tail = at ? strlen(at + strlen(old)) : 0;
    if (!at || head + tail + 16 >= len) {      /* the words alone barely fit */
        cs_utf8_cut(out, len, text);
        return out;
    }
    room = len - head - tail;                  /* what the words leave the chain */
    cs_cut_frames(chain, cut, room < sizeof(cut) ? room : sizeof(cut));
    snprintf(out, len, "%.*s%s%s", (int)head, text, cut, at + strlen(old));
    return out;
}
