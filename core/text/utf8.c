/* UTF-8 and UTF-16, and files named in UTF-8: see utf8.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "utf8.h"

size_t cs_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len, i;
    uint32_t c, min;

    *cp = CS_REPLACEMENT;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0)
        len = 2, c = p[0] & 0x1F, min = 0x80;
    else if ((p[0] & 0xF0) == 0xE0)
        len = 3, c = p[0] & 0x0F, min = 0x800;
    else if ((p[0] & 0xF8) == 0xF0)
        len = 4, c = p[0] & 0x07, min = 0x10000;
    else
        return 1;
    if (len > n)
        return 1;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 1;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 1;
    *cp = c;
    return len;
}

int cs_utf8_valid(const char *s, size_t n)
{
    uint32_t cp;
    size_t used;

    while (n > 0) {
        used = cs_utf8_next(s, n, &cp);
        if (cp == CS_REPLACEMENT && !(used == 3 && !memcmp(s, "\xEF\xBF\xBD", 3)))
            return 0;
        s += used;
        n -= used;
    }
    return 1;
}

int cs_utf8_cut(char *out, size_t len, const char *text)
{
    size_t n = strlen(text), keep = 0, step;
    uint32_t cp;

    if (n < len) {
        memcpy(out, text, n + 1);
        return 0;
    }
    if (len < 4) {                  /* no room for "...": as much as is room for nothing */
        if (len)
            out[0] = 0;
        return 1;
    }
    while (keep < n && keep + (step = cs_utf8_next(text + keep, n - keep, &cp)) <= len - 4)
        keep += step;
    memcpy(out, text, keep);
    memcpy(out + keep, "...", 4);
    return 1;
}

uint16_t *cs_utf8_to_utf16(const char *s, size_t *units)
{
    size_t n = strlen(s), k = 0, used;
    uint16_t *w;
    uint32_t cp;

    if (!cs_utf8_valid(s, n) || !(w = malloc((n + 1) * sizeof(*w))))
        return NULL;                  /* n + 1 units always suffice */
    while (*s) {
        used = cs_utf8_next(s, n, &cp);
        s += used;
        n -= used;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            w[k++] = (uint16_t)(0xD800 | (cp >> 10));
            w[k++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
        } else {
            w[k++] = (uint16_t)cp;
        }
    }
    w[k] = 0;
    if (units)
        *units = k;
    return w;
}

/* Appends cp to out as UTF-8; returns the bytes written (1 to 4). */
static size_t put_utf8(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

char *cs_utf16_to_utf8(const uint16_t *w)
{
    size_t n = 0, k = 0, i;
    uint32_t cp;
    char *out;

    while (w[n])
        n++;
    if (!(out = malloc(n * 3 + 1)))   /* a unit never takes more than 3 bytes */
        return NULL;
    for (i = 0; i < n; i++) {
        cp = w[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (w[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = CS_REPLACEMENT;
        }
        k += put_utf8(out + k, cp);
    }
    out[k] = 0;
    return out;
}

char *cs_read_whole(const char *path)
{
    FILE *f = cs_fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (buf = malloc((size_t)n + 1))) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = 0;
        }
    }
    fclose(f);
    return buf;
}

#ifdef _WIN32
#include <wchar.h>

/* The wide form of a UTF-8 path: '/' kept (Windows accepts both), and
 * "\\?\" put before an absolute drive path too long for the classic
 * limit, with its separators made '\' as that form requires. */
static wchar_t *wide_path(const char *path)
{
    size_t n, i;
    uint16_t *w = cs_utf8_to_utf16(path, &n);
    wchar_t *p;

    if (!w) {
        errno = EILSEQ;
        return NULL;
    }
    if (n < 248 || !(n > 2 && w[1] == ':' && (w[2] == '/' || w[2] == '\\')))
        return (wchar_t *)w;
    if (!(p = malloc((n + 5) * sizeof(*p)))) {
        free(w);
        return NULL;
    }
    memcpy(p, L"\\\\?\\", 4 * sizeof(*p));
    for (i = 0; i <= n; i++)
        p[4 + i] = w[i] == '/' ? L'\\' : (wchar_t)w[i];
    free(w);
    return p;
}

FILE *cs_fopen(const char *path, const char *mode)
{
    wchar_t *wp = wide_path(path), wm[8];
    FILE *f;
    size_t i;

    if (!wp)
        return NULL;
    for (i = 0; i + 1 < sizeof(wm) / sizeof(wm[0]) && mode[i]; i++)
        wm[i] = (wchar_t)mode[i];
    wm[i] = 0;
    f = _wfopen(wp, wm);
    free(wp);
    return f;
}

int cs_replace_file(const char *from, const char *to)
{
    wchar_t *wf = wide_path(from), *wt = wide_path(to);
    int rc = -1;

    if (wf && wt) {
        _wremove(wt);                 /* _wrename never overwrites */
        rc = _wrename(wf, wt) ? -1 : 0;
    }
    free(wf);
    free(wt);
    return rc;
}

int cs_remove_file(const char *path)
{
    wchar_t *wp = wide_path(path);
    int rc = wp ? (_wremove(wp) ? -1 : 0) : -1;

    free(wp);
    return rc;
}
#else
FILE *cs_fopen(const char *path, const char *mode)
{
    if (!cs_utf8_valid(path, strlen(path))) {
        errno = EILSEQ;
        return NULL;
    }
    return fopen(path, mode);
}

int cs_replace_file(const char *from, const char *to)
{
    return rename(from, to) ? -1 : 0;
}

int cs_remove_file(const char *path)
{
    return remove(path) ? -1 : 0;
}
#endif
