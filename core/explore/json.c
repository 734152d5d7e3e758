/*
 * A small JSON reader: enough to read a child's run.json back (objects,
 * arrays, strings with their escapes, numbers, true, false, null). See
 * explore.h. Nesting is bounded, so hostile text cannot recurse deeply.
 */
#include "explore.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 32

typedef struct reader {
    const char *p;
} reader;

static int parse_value(reader *r, cs_jvalue *v, int depth);

static void skip_space(reader *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
        r->p++;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Appends code point cp as UTF-8 to out (room for 4 bytes). */
static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | cp >> 6); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One \u escape at s (after the backslash-u), a surrogate pair joined;
 * advances *s past it. Returns the code point, or -1. */
static long unicode_escape(const char **s)
{
    unsigned hi, lo;

    if (hex4(*s, &hi))
        return -1;
    *s += 4;
    if (hi >= 0xD800 && hi < 0xDC00 && (*s)[0] == '\\' && (*s)[1] == 'u' && !hex4(*s + 2, &lo)
        && lo >= 0xDC00 && lo < 0xE000) {
        *s += 6;
        return 0x10000 + ((long)(hi - 0xD800) << 10) + (lo - 0xDC00);
    }
    return (long)hi;
}

/* A string at r->p (on its opening quote) into a new buffer. */
static char *parse_string(reader *r)
{
    const char *s = r->p + 1;
    char *out = malloc(strlen(s) + 1), *o = out;
    long cp;

    if (!out)
        return NULL;
    while (*s && *s != '"') {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        s++;
        switch (*s++) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if ((cp = unicode_escape(&s)) < 0)
                goto bad;
            o += put_utf8(o, (unsigned)cp);
            break;
        default:
            goto bad;
        }
    }
    if (*s != '"')
        goto bad;
    *o = 0;
    r->p = s + 1;
    return out;
bad:
    free(out);
    return NULL;
}

/* Appends an empty value (and key) to a container; NULL on no memory. */
static cs_jvalue *grow(cs_jvalue *v, char *key)
{
    cs_jvalue *items = realloc(v->items, (v->n + 1) * sizeof(*items));
    char **keys;

    if (!items)
        return NULL;
    v->items = items;
    if (v->type == CS_J_OBJECT) {
        if (!(keys = realloc(v->keys, (v->n + 1) * sizeof(*keys))))
            return NULL;
        v->keys = keys;
        keys[v->n] = key;
    }
    memset(&items[v->n], 0, sizeof(items[0]));
    return &items[v->n++];
}

/* An array or object at r->p (on its bracket). */
static int parse_container(reader *r, cs_jvalue *v, int depth)
{
    char close = *r->p == '[' ? ']' : '}';
    cs_jvalue *item;
    char *key = NULL;

    v->type = close == ']' ? CS_J_ARRAY : CS_J_OBJECT;
    r->p++;
    skip_space(r);
    if (*r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        skip_space(r);
        if (v->type == CS_J_OBJECT) {
            if (*r->p != '"' || !(key = parse_string(r)))
                return -1;
            skip_space(r);
            if (*r->p++ != ':') {
                free(key);
                return -1;
            }
        }
        if (!(item = grow(v, key))) {
            free(key);
            return -1;
        }
        if (parse_value(r, item, depth + 1))
            return -1;
        skip_space(r);
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p++ != close)
            return -1;
        return 0;
    }
}

static int parse_value(reader *r, cs_jvalue *v, int depth)
{
    char *end;

    if (depth > MAX_NESTING)
        return -1;
    skip_space(r);
    switch (*r->p) {
    case '{': case '[':
        return parse_container(r, v, depth);
    case '"':
        v->type = CS_J_STRING;
        return (v->string = parse_string(r)) ? 0 : -1;
    case 't': case 'f': case 'n': {
        static const char *const words[] = { "true", "false", "null" };
        int k;

        for (k = 0; k < 3; k++)
            if (!strncmp(r->p, words[k], strlen(words[k]))) {
                v->type = k == 2 ? CS_J_NULL : CS_J_BOOL;
                v->number = k == 0;
                r->p += strlen(words[k]);
                return 0;
            }
        return -1;
    }
    default:
        v->type = CS_J_NUMBER;
        v->number = strtod(r->p, &end);
        if (end == r->p)
            return -1;
        r->p = end;
        return 0;
    }
}

int cs_json_parse(const char *text, cs_jvalue *v)
{
    reader r = { text };

    memset(v, 0, sizeof(*v));
    if (!text || parse_value(&r, v, 0))
        goto bad;
    skip_space(&r);
    if (*r.p)
        goto bad;
    return 0;
bad:
    cs_json_free(v);
    return -1;
}

void cs_json_free(cs_jvalue *v)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        cs_json_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof(*v));
}

const cs_jvalue *cs_json_at(const cs_jvalue *v, const char *path)
{
    char part[128];
    const char *dot;
    size_t i, len;

    while (v && *path) {
        dot = strchr(path, '.');
        len = dot ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof(part))
            return NULL;
        memcpy(part, path, len);
        part[len] = 0;
        path += len + (dot ? 1 : 0);
        if (v->type == CS_J_ARRAY) {
            char *end;
            unsigned long k = strtoul(part, &end, 10);
            v = *end || k >= v->n ? NULL : &v->items[k];
        } else if (v->type == CS_J_OBJECT) {
            for (i = 0; i < v->n && strcmp(v->keys[i], part); i++)
                ;
            v = i < v->n ? &v->items[i] : NULL;
        } else {
            return NULL;
        }
    }
    return v;
}
