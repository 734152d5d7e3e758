/*
 * The call language, parsed: pure C, no Windows headers.
 *
 * Two entries. cs_callspec_parse reads one plain call (the text of a
 * --call in the first version of the language). cs_script_parse reads a
 * script: one statement a line, '#' starts a comment, blank lines are
 * ignored; cs_script_add appends one statement (a --call, or a line).
 *
 * Grammar (whitespace allowed between tokens; names are case-insensitive
 * for COM but kept as written):
 *
 *   statement = bind | chain [ "=" arg ] | each | advise | unadvise
 *   bind      = "@" name "=" ( chain | arg )
 *   chain     = ( "@" name | call ) { "." call }
 *   call      = member [ "(" [ slot { "," slot } ] ")" ]
 *   slot      = [ [ name ":=" ] ( arg | "out" "@" name ) ]   empty: omitted
 *   arg       = integer | double | string | date | array
 *             | true | false | null | empty | "@" name
 *   array     = "[" [ arg { "," arg } ] "]"
 *   date      = "#" yyyy "-" mm "-" dd [ ( " " | "T" ) hh ":" mm [ ":" ss ] ] "#"
 *   each      = "each" [ "clone" ] chain [ ":" call { "." call } ]
 *   advise    = "advise" [ "weak" ] "@" name
 *   unadvise  = "unadvise" "@" name
 *
 *   integer: decimal or 0x hex, optionally negative ("-12", "0x1F")
 *   double : digits with a '.' and/or an exponent ("1.5", "-2e3", ".5")
 *   string : '...' or "..." ; the quote doubled inside escapes it ('it''s')
 *
 * Meanings. "Value" is a property get (or a method called without
 * arguments), "Add(1)" a method call, "Value=5" and "Item('k')=5"
 * property puts; a put is only allowed on the last call of a chain. A
 * chain calls each member on the previous result ("CreateChild().Add(1)");
 * a chain without "@name" starts at the iteration's object. "@c = ..."
 * names the result for the rest of the iteration. Named arguments follow
 * the positional ones; an omitted one ("Range(1,,3)") is passed as
 * missing; "out @a" passes a by-reference slot whose result is bound to
 * @a. "each X" walks the collection X through its _NewEnum; "each X: Name"
 * also calls Name on every item; "each clone X" walks a Clone of X's
 * enumerator instead (the original released first). "advise @c" connects a counting sink of
 * the harness to @c's default source interface; the sink holds @c until
 * "unadvise @c" (an event handler belongs to an object that also holds its
 * source, so a missing unadvise is a reference cycle); "advise weak @c"
 * connects a sink that holds nothing.
 *
 * The words true/false/null/empty and the keywords each/advise/unadvise/
 * weak/clone/out are case-insensitive. "each", "advise", "unadvise",
 * "weak" and "clone" are keywords only when another token follows them on
 * the line, so members of those names stay callable ("Each(1)", "Advise",
 * "each Clone").
 *
 * cs_callspec_parse accepts the argument forms above but no chain, name,
 * statement keyword, omitted argument or comment.
 */
#ifndef CS_CALLSPEC_H
#define CS_CALLSPEC_H

#include <stddef.h>

/* Limits: hostile text gets a clear error, never unbounded work. */
#define CS_MAX_ARGS        16    /* arguments of one call */
#define CS_MAX_CHAIN       16    /* calls in one chain */
#define CS_MAX_ARRAY       256   /* elements of one array */
#define CS_MAX_NESTING     4     /* arrays inside arrays */
#define CS_MAX_NAME        64    /* characters of a member, argument or @name */
#define CS_MAX_STATEMENT   4096  /* characters of one statement (line) */
#define CS_MAX_STATEMENTS  1024  /* statements of one script */
#define CS_MAX_NAMES       32    /* distinct @names of one script */

typedef enum cs_argkind {
    CS_ARG_INT,     /* i */
    CS_ARG_DOUBLE,  /* d */
    CS_ARG_STRING,  /* s: UTF-8, quotes removed, escapes resolved */
    CS_ARG_BOOL,    /* i: 0 or 1 */
    CS_ARG_NULL,
    CS_ARG_EMPTY,
    CS_ARG_REF,     /* s: the name after '@' */
    CS_ARG_MISSING, /* an omitted argument: "Range(1,,3)" */
    CS_ARG_DATE,    /* d: OLE automation date (days since 1899-12-30) */
    CS_ARG_ARRAY,   /* items, nitems */
    CS_ARG_OUT      /* s: "out @name", a by-reference output */
} cs_argkind;

typedef struct cs_arg {
    cs_argkind kind;
    long long i;
    double d;
    char *s;
    int column;             /* 1-based column where the argument starts */
    char *name;             /* "name:=value": the parameter name, else NULL */
    struct cs_arg *items;   /* CS_ARG_ARRAY: its elements */
    size_t nitems;
} cs_arg;

typedef enum cs_callkind {
    CS_CALL_GET,    /* bare name: property get or argument-less method */
    CS_CALL_METHOD, /* name(...) */
    CS_CALL_PUT     /* name=value or name(...)=value */
} cs_callkind;

/* One call: a whole --call (cs_callspec_parse), or one link of a chain. */
typedef struct cs_callspec {
    char *text;     /* cs_callspec_parse: the original text; a link: its own text */
    char *member;
    cs_callkind kind;
    cs_arg *args;   /* nargs arguments; for a put the value is the last one */
    size_t nargs;
    int column;     /* 1-based column of the member in its statement */
    size_t nnamed;  /* arguments with a name (they follow the positional ones) */
} cs_callspec;

/*
 * Parses text into a new callspec (*out, free with cs_callspec_free).
 * Returns 0 on success. On bad text returns -1, leaves *out NULL and writes
 * one line to err naming the problem and its 1-based column, e.g.
 * "Add(1,: expected an argument at column 7". Out of memory: -1 with
 * "out of memory".
 */
int cs_callspec_parse(const char *text, cs_callspec **out, char *err, size_t errlen);

void cs_callspec_free(cs_callspec *spec);

/* Number of CS_ARG_REF arguments (array elements excluded). */
size_t cs_callspec_refs(const cs_callspec *spec);

/* Whether the call passes anything beyond plain values and @objects: a
 * named, omitted, date, array or out argument. */
int cs_callspec_rich(const cs_callspec *spec);

typedef enum cs_stmtkind {
    CS_STMT_CALL,      /* a chain, maybe bound to a name or ending in a put */
    CS_STMT_EACH,
    CS_STMT_ADVISE,
    CS_STMT_UNADVISE
} cs_stmtkind;

typedef struct cs_stmt {
    cs_stmtkind kind;
    int line;             /* 1-based line of its script; 0: a lone statement */
    char *text;           /* as written, outer blanks and comment removed */
    char *bind;           /* "@c = ...": "c"; else NULL */
    cs_arg *value;        /* "@n = 5": the value; NULL when bound to a chain */
    char *root;           /* chain from "@root"; NULL: the iteration's object */
    cs_callspec **calls;  /* the chain (each: the collection); advise: none */
    size_t ncalls;
    cs_callspec **item;   /* each ...: the calls made on every item */
    size_t nitem;
    int weak;             /* advise weak */
    int clone;            /* each clone: walk a Clone of the enumerator */
} cs_stmt;

typedef struct cs_script {
    cs_stmt *stmts;
    size_t count;
    char **names;         /* every @name the statements use, first use first */
    size_t nnames;
} cs_script;

/* A new empty script (NULL when out of memory). */
cs_script *cs_script_new(void);

/*
 * Parses one statement and appends it to script. line is its 1-based line
 * (0 for a lone statement such as a --call); a blank or comment-only text
 * adds nothing and succeeds. Returns 0, or -1 with one line in err:
 * "line 3: Add(1,: expected an argument at column 7" (without "line N: "
 * when line is 0; the text shown is the line as given, which the column
 * counts in). Also refused: a statement over CS_MAX_STATEMENT characters,
 * more than CS_MAX_STATEMENTS statements, more than CS_MAX_NAMES names.
 */
int cs_script_add(cs_script *script, const char *text, int line, char *err, size_t errlen);

/* Parses a whole text, one statement a line (LF or CRLF) into a new script
 * (*out). Returns 0, or -1 with *out NULL and the first error in err. */
int cs_script_parse(const char *text, cs_script **out, char *err, size_t errlen);

void cs_script_free(cs_script *script);

#endif
