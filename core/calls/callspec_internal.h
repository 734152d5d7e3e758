/*
 * Internals of the call language parser shared by callspec.c (arguments
 * and calls) and callscript.c (statements and scripts). Pure C.
 */
#ifndef CS_CALLSPEC_INTERNAL_H
#define CS_CALLSPEC_INTERNAL_H

#include "callspec.h"

/* Texts longer than this are shortened in error lines ("...") so the
 * column and the problem still fit an error buffer. */
#define CS_ERR_TEXT_MAX 160

typedef struct cs_parser {
    const char *text;    /* one statement or line, NUL-terminated */
    size_t pos;
    int line;            /* 0: no "line N: " prefix in errors */
    int single;          /* cs_callspec_parse: first-version rules */
    char *err;
    size_t errlen;
    cs_script *script;   /* where @names are noted (NULL: not noted) */
} cs_parser;

/* Records "[line N: ]TEXT: WHAT at column N" (the first error only) and
 * returns -1. */
int cs_fail_at(cs_parser *p, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* cs_fail_at for the character at p->pos, said whole: "unexpected 'é'"
 * for a UTF-8 character (never half of one), "unexpected byte 0x01" for
 * a control byte or a byte that starts no character. */
int cs_fail_unexpected(cs_parser *p);

/* Records "out of memory" and returns -1. */
int cs_oom(cs_parser *p);

void cs_skip_space(cs_parser *p);

/* Whether the statement ends at pos: the end of the text or, outside the
 * first-version rules, a '#' starting a comment. */
int cs_at_end(const cs_parser *p, size_t pos);

/* Length of the identifier at pos, 0 when none starts there. */
size_t cs_ident_len(const cs_parser *p, size_t pos);

/* Whether the n characters at pos spell word (ASCII, any case). */
int cs_word_is(const cs_parser *p, size_t pos, size_t n, const char *word);

char *cs_dup_range(const char *s, size_t n);

/* Reads "@name" at pos (the '@' current): a copy of the name in *name and
 * the position after it. Checks the name's length and notes it in the
 * script's name table. */
int cs_parse_ref(cs_parser *p, char **name);

/* One value at the current position (blanks skipped first): a literal, a
 * date, an array (nesting starts at 0) or "@name". No name, no "out". */
int cs_parse_value(cs_parser *p, cs_arg *a, int nesting);

/* One call at the current position: member [ "(" slots ")" ] into a new
 * callspec whose text is the call as written. */
int cs_parse_call(cs_parser *p, cs_callspec **out);

/* Appends the put value of "call = value" to spec (now CS_CALL_PUT); the
 * '=' already consumed. */
int cs_parse_put(cs_parser *p, cs_callspec *spec);

/* Notes name (read at pos) in p->script's table of @names when it is new;
 * fails when the table would exceed CS_MAX_NAMES. No-op without a script. */
int cs_note_name(cs_parser *p, size_t pos, const char *name);

/* Frees what an argument owns (array elements, strings, its name). */
void cs_arg_clear(cs_arg *a);

#endif
