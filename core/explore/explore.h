/*
 * explore: a per-member leak map of an automation server. Pure (no
 * Windows header): the members as the Win32 side read them from type
 * information, the arguments made from their types (docs/explore.md has
 * the table), which members are explored (--members, --skip, the default
 * skip list), the plan as statements of the call language, and the map
 * (each member's result, sorted, as console lines and report files).
 *
 * The Win32 side (stress/cli/cmd_explore.c, explore_members.c) reads the
 * members, runs each member's statements in a child `comstress run` under
 * the watchdog and fills a cs_xresult from the child's end and run.json.
 */
#ifndef CS_EXPLORE_H
#define CS_EXPLORE_H

/* Why a member --members did not select is left out. */
#define CS_XNOT_SELECTED "not selected by --members"

#include <stdio.h>
#include <stddef.h>

#define CS_XMAX_PARAMS  16    /* the call language's arguments per call */
#define CS_XMAX_DEPTH    4    /* --depth */
#define CS_XDEFAULT_DEPTH 1
#define CS_XMAX_GLOBS   16    /* patterns per --members or --skip */
#define CS_XNAME_LEN    64    /* a member name (the call language's limit) */
#define CS_XTEXT_LEN  1024    /* a chain, a member's statements */
#define CS_XWHY_LEN    400    /* why a member was not called, or its site */

/* What an argument is made of (the argument table). */
typedef enum cs_xtype {
    CS_XT_INT,        /* any integer type, and enumerations: 1 */
    CS_XT_FLOAT,      /* float, double, currency, decimal: 1.5 */
    CS_XT_STRING,     /* BSTR, LPSTR, LPWSTR: 'x' */
    CS_XT_BOOL,       /* VARIANT_BOOL: true */
    CS_XT_DATE,       /* DATE: #2001-02-03 04:05:06# */
    CS_XT_VARIANT,    /* VARIANT: 'x' (a value that owns memory) */
    CS_XT_OBJECT,     /* IDispatch*, IUnknown*, an interface: @obj */
    CS_XT_ARRAY,      /* SAFEARRAY(elem): [value of elem] */
    CS_XT_UNSUPPORTED /* a record, a pointer the language cannot pass */
} cs_xtype;

typedef struct cs_xparam {
    cs_xtype type;
    cs_xtype elem;            /* CS_XT_ARRAY: the element type */
    int out;                  /* [out] or [in, out]: passed as `out @aN` */
    int in;                   /* [in, out]: @aN holds a value first */
    int optional;             /* optional or with a default: omitted */
    char type_text[48];       /* as list members writes it, for "not called" */
} cs_xparam;

typedef enum cs_xkind {
    CS_XK_METHOD, CS_XK_GET, CS_XK_PUT,
    CS_XK_NEWENUM,            /* a walk: each */
    CS_XK_EACH_CLONE,         /* a walk of a Clone of the enumerator */
    CS_XK_ADVISE,             /* events: advise, then unadvise */
    CS_XK_ADVISE_WEAK         /* events: advise weak, never unadvised (the
                               * source released while connected) */
} cs_xkind;

/* One member of one object reached from the class. */
typedef struct cs_xmember {
    char name[CS_XNAME_LEN];  /* the member itself: "Add", "_NewEnum" */
    char path[CS_XTEXT_LEN];  /* glob subject: "Items.Count" (names only) */
    char prefix[CS_XTEXT_LEN];/* the chain to its object: "" for the
                               * class, "Items" or "Items.Add('x')" */
    cs_xkind kind;
    cs_xparam params[CS_XMAX_PARAMS];
    int nparams;              /* without retval and lcid parameters */
    int has_get;              /* CS_XK_PUT: a get of the same member exists */
    int returns_object;       /* its result is an object (explored deeper) */
    int depth;                /* 0: a member of the class itself */
    int skipped;              /* left out: skip_why says by what */
    char skip_why[CS_XWHY_LEN];   /* CS_XNOT_SELECTED: --members did not name it */
} cs_xmember;

/* ---- the argument table and the plan ---- */

/* The call-language text of an argument of type t (array elements by
 * elem): "1", "1.5", "'x'", "true", "#2001-02-03 04:05:06#", "@obj",
 * "[1]". NULL for CS_XT_UNSUPPORTED. */
const char *cs_xarg_text(cs_xtype t, cs_xtype elem, char *buf, size_t len);

/* The call text of m on its own object: "Add(1)", "Range(1)",
 * "Swap(out @a1, out @a2)", "Value" (arguments of a put left out). For an
 * unsupported argument returns -1 with why ("a record argument (TYPE)");
 * 0 on success, -1 also when it does not fit. */
int cs_xmember_call(const cs_xmember *m, char *buf, size_t len, char *why, size_t whylen);

/*
 * The statements that exercise m, one a line, each ending in '\n':
 *   method / get   [@aN = value for each in/out argument] then the call
 *   put            "@v = Chain" then "Chain = @v" (a round trip) when the
 *                  member has a get; else "Chain = value"
 *   _NewEnum       "each Chain" (the object's chain, or @obj); its clone
 *                  walk "each clone Chain"
 *   events         "advise @obj" and "unadvise @obj"; the weak one
 *                  "advise weak @obj" alone (an object down a chain is
 *                  named first: "@e = Chain")
 * Returns 0, or -1 with why (an argument the language cannot make, or
 * text that does not fit).
 */
int cs_xmember_statements(const cs_xmember *m, char *buf, size_t len, char *why, size_t whylen);

/* The name the map shows: "Items.Count", "Value (put)", "Items._NewEnum",
 * "Items._NewEnum (clone)", "events (advise, unadvise)". */
const char *cs_xmember_label(const cs_xmember *m, char *buf, size_t len);

/* ---- choosing members ---- */

/* A glob over names: '*' any run, '?' one character; case-insensitive
 * (automation names are). */
int cs_xglob(const char *pattern, const char *text);

/* The default skip list's pattern that name matches, or NULL: members
 * whose names say they destroy, write outside the process or end it. */
const char *cs_xdefault_skip(const char *name);

/* The default skip list as one line ("Delete*, Remove*, ..."). */
const char *cs_xdefault_skip_text(void);

/* Splits a comma-separated list of globs into pats (up to CS_XMAX_GLOBS,
 * pointing into buf, a copy of text). Returns the count, or -1 with err
 * naming the option (an empty pattern, too many). */
int cs_xglob_split(const char *option, const char *text, char *buf, size_t buflen,
                   const char **pats, char *err, size_t errlen);

/*
 * Marks which of m[0..n) are explored. A member is left out (skipped set,
 * skip_why saying why) when --members is given and none of its patterns
 * matches the member's path or name; when a --skip pattern matches; or
 * when its name is on the default skip list and no --members pattern
 * names it exactly (no wildcard). Returns 0, or -1 with err naming a
 * --members pattern that matches no member at all.
 */
int cs_xselect(cs_xmember *m, size_t n, const char *const *members, int nmembers,
               const char *const *skip, int nskip, char *err, size_t errlen);

/* Whether --skip or the default skip list leaves m out (--members aside):
 * such a member is never called, not even to find the object it returns. */
int cs_xleft_out(const cs_xmember *m, const char *const *members, int nmembers,
                 const char *const *skip, int nskip);

/* Writes the plan: a comment naming each member, then its statements, or
 * a comment saying why it is left out or cannot be called. The text is a
 * --script file `comstress run` takes. Returns 0, or -1 on a write error. */
int cs_xplan_write(FILE *f, const char *target, const cs_xmember *m, size_t n);

/* ---- the map ---- */

typedef enum cs_xstate {
    CS_XS_FAILED,      /* the child failed a --fail-on category (exit 1) */
    CS_XS_CRASHED,     /* the member crashed the target */
    CS_XS_HUNG,        /* the member never returned: killed by the watchdog */
    CS_XS_CLEAN,       /* called, nothing failed */
    CS_XS_NOT_CALLED,  /* made-up arguments refused, or no call possible */
    CS_XS_ERROR,       /* the child could not run (a harness error) */
    CS_XS_SKIPPED      /* left out by the skip list, --skip or --members */
} cs_xstate;

typedef struct cs_xresult {
    cs_xstate state;
    double bytes_per_call;     /* heap bytes per call (NaN: not measured) */
    double blocks_per_call;    /* heap blocks per call */
    double cotask_per_call;    /* BSTR/CoTaskMem bytes per call */
    long long refs;            /* outstanding references (ledger), -1: n/a */
    long long objects;         /* server objects alive at the end, -1: n/a */
    char categories[64];       /* what failed: "leak,refs,blocks" */
    char why[CS_XWHY_LEN];     /* not called / crashed / hung: in words */
    char site[CS_XWHY_LEN];    /* the first finding or allocation site */
    char unload[CS_XWHY_LEN];  /* the run's first unload finding: the
                                * server's, not the member's (its
                                * "(left out by --fail-on)" cut off) */
    double seconds;            /* the child's wall time */
    char dir[64];              /* its directory under --out: "members/07" */
} cs_xresult;

/* "FAILED", "crashed", "hung", "clean", "not called", "error", "skipped". */
const char *cs_xstate_name(cs_xstate s);

/* An empty result: figures not measured (NaN, -1), state error. */
void cs_xresult_init(cs_xresult *r);

/*
 * Fills r's figures from the text of a child's run.json (its first run):
 * heap bytes and blocks, CoTaskMem bytes per iteration (one call of the
 * member an iteration), outstanding references, objects at the end, the
 * categories found failing (leak: an exact metric's leak verdict; refs,
 * objects, blocks from the release figures), the first release finding
 * or traced site, the unload finding apart (a DLL that does not unload is
 * the server's finding, not a member's), and the run's error. Returns 0, or -1 when the
 * text is no run.json (r left as it was).
 */
int cs_xresult_from_json(const char *json, cs_xresult *r);

/* The order of the map: failed, crashed, hung, clean, not called, error,
 * skipped; within a state, more bytes per call first, then by label. */
void cs_xmap_sort(const cs_xmember *m, cs_xresult *r, size_t *order, size_t n);

/* One console line of the map (no newline): the member, its state, bytes
 * and blocks per call, references, and the site or why. */
void cs_xmap_line(const cs_xmember *m, const cs_xresult *r, char *buf, size_t len);

/* Writers of explore's reports in --out, each under a temporary name
 * (cs_report_open). run.json: context (target, command line) and a
 * "members" array; report.html: the map first; junit.xml: one testcase a
 * member, a failure for failed, crashed and hung, skipped for the rest
 * not called. order is cs_xmap_sort's. Return 0, or -1 with err. */
typedef struct cs_xreport {
    const char *target;
    const char *command_line;
    const char *date;
    const char *fail_on;           /* the --fail-on words */
    const char *unload;            /* the server's unload finding, or NULL */
    int unload_fails;              /* ... and --fail-on has unload */
    int depth;
    long long iterations;
    double seconds;                /* the whole exploration */
    int exit_code;
} cs_xreport;

int cs_xreport_json(const char *path, const cs_xreport *x, const cs_xmember *m,
                    const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen);
int cs_xreport_html(const char *path, const cs_xreport *x, const cs_xmember *m,
                    const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen);
int cs_xreport_junit(const char *path, const cs_xreport *x, const cs_xmember *m,
                     const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen);

/* ---- a small JSON reader (enough for run.json) ---- */

typedef enum cs_jtype { CS_J_NULL, CS_J_BOOL, CS_J_NUMBER, CS_J_STRING, CS_J_ARRAY, CS_J_OBJECT } cs_jtype;

typedef struct cs_jvalue {
    cs_jtype type;
    double number;             /* CS_J_NUMBER; CS_J_BOOL: 0 or 1 */
    char *string;              /* CS_J_STRING (unescaped, UTF-8) */
    char **keys;               /* CS_J_OBJECT: n keys */
    struct cs_jvalue *items;   /* CS_J_ARRAY, CS_J_OBJECT: n values */
    size_t n;
} cs_jvalue;

/* Parses text into *v (nesting at most 32 deep). Returns 0, or -1 for
 * text that is not JSON or memory running out (*v then empty). */
int cs_json_parse(const char *text, cs_jvalue *v);
void cs_json_free(cs_jvalue *v);

/* The value at a path of object keys and array indexes, "runs.0.error";
 * NULL when there is none. */
const cs_jvalue *cs_json_at(const cs_jvalue *v, const char *path);

#endif
