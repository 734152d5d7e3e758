/*
 * One command-line parser for every subcommand: see options.h.
 *
 * Every option is one row of opt_table: its name, the subcommands that
 * accept it, how its value is read and where it is stored. Adding an option
 * is adding a row; the error lines ("--x: 'v' is not ...", "--x: missing
 * value", "unknown option '--x'") come from the row, so they read the same
 * in every subcommand.
 */
#include "options.h"
#include "duration.h"
#include "options_internal.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_NAME(e, w) [e] = w,
const char *const cs_policy_names[CS_NPOLICIES] = { CS_POLICY_LIST(POLICY_NAME) };

/* One policy enum per name, and the names' count the arrays assume. */
_Static_assert(CS_POLICY_COUNT == CS_NPOLICIES, "CS_NPOLICIES is the number of CS_POLICY_LIST entries");

const char *const cs_life_scenarios[] = {
    "tls-unload", "unload-deadlock", "unload-race", "crash", "hang", "pascal-tls", NULL
};

#define COMMAND_LIST "run, compare, report, list, suite, explore"

int cs_opt_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CS_EXIT_USAGE;
}

/* How a row's value is read. */
typedef enum opt_kind {
    K_FLAG,     /* no value: the int field becomes 1 */
    K_COUNT,    /* whole decimal number into a long long, in [lo, hi] */
    K_INT,      /* the same into an int */
    K_UINT,     /* the same into an unsigned */
    K_REAL,     /* finite number into a double, in [lo, hi] (lo excluded if lo_open) */
    K_CHOICE,   /* one word of words[]: its value into an int field */
    K_WORD,     /* one word of words[]: the word itself into a const char * */
    K_TEXT,     /* non-empty text into a const char * */
    K_DIR,      /* a directory or program path: K_TEXT that leaves
                 * CS_PATH_ROOM bytes of CS_PATH_LEN for names under it */
    K_CALL,     /* non-empty text appended to calls[] */
    K_MODULE,   /* non-empty text appended to trace_modules[] */
    K_FAULT,    /* NAME[:PARAM] (cs_fault_split) kept as text */
    K_FAIL_ON,  /* categories (cs_fail_on_parse) into an unsigned */
    K_DURATION, /* 30s, 10m, 8h, 1d (cs_duration_parse) into a double */
    K_PROGRESS  /* "off" (-1) or seconds from 0.1 to 3600 into a double */
} opt_kind;

typedef struct choice { const char *word; int value; } choice;

#define MAX_WORDS 8
#define BIT(c) (1u << (c))
#define RUNS (BIT(CS_CMD_RUN) | BIT(CS_CMD_COMPARE))
#define CHILD BIT(CS_CMD_CHILD)
#define SUITE BIT(CS_CMD_SUITE)
#define LIST BIT(CS_CMD_LIST)
#define EXPLORE BIT(CS_CMD_EXPLORE)
#define F(member) offsetof(cs_options, member)
#define NO_MAX 9.2e18

typedef struct optdef {
    const char *name;
    unsigned commands;        /* BIT() of each subcommand that takes it */
    opt_kind kind;
    size_t field;
    double lo, hi;
    int lo_open;
    const char *what;         /* "is not WHAT" for numbers and words; the
                               * complaint about an empty value for texts */
    const char *noun;         /* words: "unknown NOUN 'x' (a, b)"; NULL:
                               * "'x' is not a, b or c" */
    choice words[MAX_WORDS];
} optdef;

static const optdef opt_table[] = {
    /* run and compare */
    { "--target", RUNS | LIST, K_TEXT, F(target), .what = "empty ProgID/CLSID" },
    { "--dll", RUNS | LIST, K_DIR, F(dll), .what = "empty DLL path" },
    { "--call", RUNS, K_CALL, F(calls), .what = "empty call text" },
    { "--script", RUNS, K_DIR, F(script), .what = "empty script path" },
    { "--iterations", RUNS, K_COUNT, F(iterations), 1, NO_MAX, 0, "a positive whole number" },
    { "--duration", RUNS, K_DURATION, F(duration_s) },
    { "--progress", RUNS, K_PROGRESS, F(progress_s) },
    { "--baseline", RUNS, K_DIR, F(baseline), .what = "empty directory name" },
    { "--warmup", RUNS, K_COUNT, F(warmup), 0, NO_MAX, 0, "a whole number" },
    { "--sample-every", RUNS, K_COUNT, F(sample_every), 1, NO_MAX, 0, "a positive whole number" },
    { "--timeout", RUNS, K_COUNT, F(timeout_s), 1, CS_MAX_TIMEOUT_S, 0,
      "a whole number of seconds from 1 to 4294967" },
    { "--out", RUNS, K_DIR, F(out_dir), .what = "empty directory name" },
    { "--threads", RUNS, K_INT, F(threads), 1, CS_MAX_THREADS, 0, "a number from 1 to 64" },
    { "--max-leak", RUNS, K_REAL, F(max_leak), 0, NO_MAX, 0, "a non-negative number of bytes" },
    { "--fault", RUNS, K_FAULT, F(fault), .what = "empty fault name" },
    { "--ledger", RUNS, K_FLAG, F(ledger) },
    { "--trace", RUNS, K_FLAG, F(trace) },
    { "--trace-module", RUNS, K_MODULE, F(trace_modules), .what = "empty module name" },
    { "--debug-dir", RUNS, K_DIR, F(debug_dir), .what = "empty directory name" },
    { "--verbose", RUNS | BIT(CS_CMD_REPORT), K_FLAG, F(verbose) },
#define POLICY_WORD(e, w) { w, e },
    { "--cache", RUNS, K_CHOICE, F(cache), .noun = "policy", .words = { CS_POLICY_LIST(POLICY_WORD) } },
    { "--scenario", RUNS, K_CHOICE, F(scenario), .noun = "scenario",
      .words = { { "calls", CS_SCEN_CALLS }, { "pass-instance", CS_SCEN_PASS_INSTANCE },
                 { "calls-same", CS_SCEN_CALLS_SAME } } },
    { "--activation", RUNS, K_CHOICE, F(activation), .noun = "value",
      .words = { { "factory", CS_ACT_FACTORY }, { "cocreate", CS_ACT_COCREATE } } },
    { "--apartment", RUNS, K_CHOICE, F(apartment_mta), .words = { { "sta", 0 }, { "mta", 1 } } },
    { "--sink-apartment", RUNS, K_CHOICE, F(sink_sta), .words = { { "sta", 1 }, { "same", 0 } } },
    { "--fail-on", RUNS | BIT(CS_CMD_REPORT), K_FAIL_ON, F(fail_on) },
    { "--client-fault", RUNS, K_CHOICE, F(client_fault), .noun = "fault",
      .words = { { "missing-release", CS_CF_MISSING_RELEASE },
                 { "missing-variantclear", CS_CF_MISSING_VARIANTCLEAR },
                 { "missing-sysfreestring", CS_CF_MISSING_SYSFREESTRING },
                 { "missing-item-release", CS_CF_MISSING_ITEM_RELEASE },
                 { "missing-enum-release", CS_CF_MISSING_ENUM_RELEASE },
                 { "missing-unadvise", CS_CF_MISSING_UNADVISE },
                 { "samples-full", CS_CF_SAMPLES_FULL },
                 { "slow-walks", CS_CF_SLOW_WALKS } } },
    { "--plan", RUNS, K_CHOICE, F(invoke_plan), .words = { { "vtable", 0 }, { "invoke", 1 } } },
    { "--bstr-cache", RUNS, K_CHOICE, F(bstr_cache), .words = { { "on", 1 }, { "off", 0 } } },
    { "--heap", RUNS, K_CHOICE, F(heap_lfh), .words = { { "lfh", 1 }, { "default", 0 } } },
    { "--heap-walk", RUNS, K_CHOICE, F(heap_walk_every), .words = { { "budget", 0 }, { "every", 1 } } },
    /* suite */
    { "--timeout", SUITE, K_REAL, F(suite.timeout_s), 1, 86400, 0, "a number of seconds from 1 to 86400" },
    { "--out", SUITE, K_DIR, F(suite.out_dir), .what = "empty directory name" },
    { "--only", SUITE, K_TEXT, F(suite.only), .what = "empty scenario name" },
    { "--exe", SUITE, K_DIR, F(suite.exe), .what = "empty program path" },
    /* child (one lifecycle scenario) */
    { "--out", CHILD, K_DIR, F(life.out_dir), .what = "empty directory name" },
    { "--dll-dir", CHILD, K_DIR, F(life.dll_dir), .what = "empty directory name" },
    { "--target", CHILD, K_TEXT, F(life.target), .what = "empty ProgID/CLSID" },
    { "--cycles", CHILD, K_INT, F(life.cycles), 1, 1000000, 0, "a number from 1 to 1000000" },
    { "--threads", CHILD, K_INT, F(life.threads), 1, CS_MAX_THREADS, 0, "a number from 1 to 64" },
    { "--block-size", CHILD, K_UINT, F(life.block_size), 16, 16 << 20, 0, "a byte count from 16 to 16777216" },
    { "--seconds", CHILD, K_REAL, F(life.seconds), 0, 3600, 1, "a duration from 0 to 3600 seconds" },
    { "--pin", CHILD, K_FLAG, F(life.pin) },
    { "--trace", CHILD, K_FLAG, F(life.trace) },
    { "--variant", CHILD, K_CHOICE, F(life.fixed),
      .words = { { "leaky", CS_LIFE_LEAKY }, { "fixed", CS_LIFE_FIXED }, { "ended", CS_LIFE_ENDED },
                 { "pool", CS_LIFE_POOL }, { "dll-threads", CS_LIFE_DLL_THREADS } } },
    { "--library", CHILD, K_WORD, F(life.library), .words = { { "seed" }, { "record" }, { "empty" } } },
    { "--kind", CHILD, K_WORD, F(life.kind),
      .words = { { "av" }, { "illegal" }, { "stack" }, { "divide" } } },
    /* explore (a child `run` per member: its words are passed on) */
    { "--target", EXPLORE, K_TEXT, F(target), .what = "empty ProgID/CLSID" },
    { "--dll", EXPLORE, K_DIR, F(dll), .what = "empty DLL path" },
    { "--fail-on", EXPLORE, K_FAIL_ON, F(fail_on) },
    { "--ledger", EXPLORE, K_FLAG, F(ledger) },
    { "--trace", EXPLORE, K_FLAG, F(trace) },
    { "--fault", EXPLORE, K_FAULT, F(fault), .what = "empty fault name" },
    { "--members", EXPLORE, K_TEXT, F(explore.members), .what = "empty member list" },
    { "--skip", EXPLORE, K_TEXT, F(explore.skip), .what = "empty member list" },
    { "--depth", EXPLORE, K_INT, F(explore.depth), 0, 4, 0, "a depth from 0 to 4" },
    { "--dry-run", EXPLORE, K_FLAG, F(explore.dry_run) },
    { "--emit-script", EXPLORE, K_DIR, F(explore.emit_script), .what = "empty script path" },
    { "--iterations", EXPLORE, K_COUNT, F(explore.iterations), 20, 100000000, 0,
      "a whole number from 20 to 100000000" },
    { "--out", EXPLORE, K_DIR, F(explore.out_dir), .what = "empty directory name" },
    { "--timeout", EXPLORE, K_REAL, F(explore.timeout_s), 1, 86400, 0, "a number of seconds from 1 to 86400" },
    { "--jobs", EXPLORE, K_INT, F(explore.jobs), 1, CS_XMAX_JOBS, 0, "a number from 1 to 16" },
};

#define NOPTS (sizeof(opt_table) / sizeof(opt_table[0]))

static const char *const command_words[] = {
    [CS_CMD_RUN] = "run", [CS_CMD_COMPARE] = "compare", [CS_CMD_REPORT] = "report",
    [CS_CMD_LIST] = "list", [CS_CMD_SUITE] = "suite", [CS_CMD_CHILD] = "child",
    [CS_CMD_EXPLORE] = "explore",
};

/* Parses a whole non-negative decimal integer; rejects signs, spaces,
 * trailing text and overflow. */
static int parse_count(const char *s, long long *out)
{
    char *end;
    long long v;

    if (!s || *s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return 0;
    *out = v;
    return 1;
}

/* Parses a finite decimal number with nothing after it. */
static int parse_real(const char *s, double *out)
{
    char *end;

    if (!s || !*s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && !*end && isfinite(*out);
}

/* The words of d as "a, b or c" (with_or) or "a, b, c". */
static void list_words(const optdef *d, int with_or, char *buf, size_t len)
{
    size_t i, n = 0, used = 0;

    while (n < MAX_WORDS && d->words[n].word)
        n++;
    buf[0] = 0;
    for (i = 0; i < n && used < len; i++)
        used += snprintf(buf + used, len - used, "%s%s",
                         !i ? "" : with_or && i + 1 == n ? " or " : ", ", d->words[i].word);
}

/* Stores val into the word-valued field of row d. Returns CS_EXIT_OK or
 * CS_EXIT_USAGE with err naming the option, the value and the words. */
static int take_word(const optdef *d, void *field, const char *val, char *err, size_t errlen)
{
    char words[256];
    size_t k;

    for (k = 0; k < MAX_WORDS && d->words[k].word; k++) {
        if (strcmp(val, d->words[k].word))
            continue;
        if (d->kind == K_WORD)
            *(const char **)field = d->words[k].word;
        else
            *(int *)field = d->words[k].value;
        return CS_EXIT_OK;
    }
    list_words(d, !d->noun, words, sizeof(words));
    if (d->noun)
        return cs_opt_fail(err, errlen, "%s: unknown %s '%s' (%s)", d->name, d->noun, val, words);
    return cs_opt_fail(err, errlen, "%s: '%s' is not %s", d->name, val, words);
}

/* Appends val to the list row d fills (--trace-module, --call), up to
 * its size. Returns CS_EXIT_OK or CS_EXIT_USAGE. */
static int take_listed(const optdef *d, cs_options *o, const char *val, char *err, size_t errlen)
{
    if (!*val)
        return cs_opt_fail(err, errlen, "%s: %s", d->name, d->what);
    if (d->kind == K_MODULE) {
        if (o->ntrace_modules == CS_MAX_TRACE_MODULES)
            return cs_opt_fail(err, errlen, "%s: at most %d modules", d->name, CS_MAX_TRACE_MODULES);
        o->trace_modules[o->ntrace_modules++] = val;
        o->trace = 1;                 /* naming a module asks for tracing */
        return CS_EXIT_OK;
    }
    if (o->ncalls == CS_MAX_CALLS)
        return cs_opt_fail(err, errlen, "%s: at most %d calls", d->name, CS_MAX_CALLS);
    o->calls[o->ncalls++] = val;
    return CS_EXIT_OK;
}

/* A whole number (K_COUNT, K_INT, K_UINT) or a real (K_REAL) within the
 * row's bounds into field. A run of digits too long to be a number is
 * "too large", not "not a number". Returns CS_EXIT_OK or CS_EXIT_USAGE. */
static int take_number(const optdef *d, cs_options *o, void *field, const char *val, char *err, size_t errlen)
{
    long long n;
    double r;

    if (d->kind == K_REAL) {
        if (!parse_real(val, &r) || r < d->lo || (d->lo_open && r == d->lo) || r > d->hi)
            return cs_opt_fail(err, errlen, "%s: '%s' is not %s", d->name, val, d->what);
        *(double *)field = r;
        return CS_EXIT_OK;
    }
    if (val[0] >= '0' && val[0] <= '9' && strspn(val, "0123456789") == strlen(val)
        && (!parse_count(val, &n) || n > d->hi))
        return cs_opt_fail(err, errlen, "%s: '%.40s%s' is too large: %s", d->name, val, strlen(val) > 40 ? "..." : "",
                           d->what);
    if (!parse_count(val, &n) || n < d->lo || n > d->hi)
        return cs_opt_fail(err, errlen, "%s: '%s' is not %s", d->name, val, d->what);
    if (d->field == F(iterations))
        o->iterations_given = 1;
    if (d->kind == K_COUNT)
        *(long long *)field = n;
    else if (d->kind == K_INT)
        *(int *)field = (int)n;
    else
        *(unsigned *)field = (unsigned)n;
    return CS_EXIT_OK;
}

/* Text (K_TEXT) or a folder (K_DIR, at most the paths' room) into field:
 * never empty. --debug-dir turns tracing on. Returns CS_EXIT_OK or
 * CS_EXIT_USAGE. */
static int take_text(const optdef *d, cs_options *o, void *field, const char *val, char *err, size_t errlen)
{
    if (!*val)
        return cs_opt_fail(err, errlen, "%s: %s", d->name, d->what);
    if (d->kind == K_DIR && strlen(val) > CS_PATH_LEN - CS_PATH_ROOM)
        return cs_opt_fail(err, errlen, "%s: a path of %u bytes is longer than the %u this option takes",
                           d->name, (unsigned)strlen(val), (unsigned)(CS_PATH_LEN - CS_PATH_ROOM));
    *(const char **)field = val;
    if (field == (void *)&o->debug_dir)
        o->trace = 1;             /* debug files are for naming traced sites */
    return CS_EXIT_OK;
}

/* --progress: off (-1) or seconds from 0.1 to 3600 into field. */
static int take_progress(const optdef *d, void *field, const char *val, char *err, size_t errlen)
{
    double r;

    if (!strcmp(val, "off")) {
        *(double *)field = -1;
        return CS_EXIT_OK;
    }
    if (!parse_real(val, &r) || r < 0.1 || r > 3600)
        return cs_opt_fail(err, errlen, "%s: '%s' is not off or a number of seconds from 0.1 to 3600", d->name, val);
    *(double *)field = r;
    return CS_EXIT_OK;
}

/* Stores val into o as row d says. Returns CS_EXIT_OK or CS_EXIT_USAGE. */
static int take(const optdef *d, cs_options *o, const char *val, char *err, size_t errlen)
{
    void *field = (char *)o + d->field;
    char name[64];
    long param;

    switch (d->kind) {
    case K_FLAG:
        *(int *)field = 1;
        return CS_EXIT_OK;
    case K_COUNT: case K_INT: case K_UINT: case K_REAL:
        return take_number(d, o, field, val, err, errlen);
    case K_CHOICE: case K_WORD:
        return take_word(d, field, val, err, errlen);
    case K_TEXT: case K_DIR:
        return take_text(d, o, field, val, err, errlen);
    case K_FAULT:
        if (cs_fault_split(val, name, sizeof(name), &param, err, errlen))
            return CS_EXIT_USAGE;
        *(const char **)field = val;
        return CS_EXIT_OK;
    case K_FAIL_ON:
        return cs_fail_on_parse(val, (unsigned *)field, err, errlen);
    case K_DURATION:
        return cs_duration_parse(val, (double *)field, err, errlen) ? CS_EXIT_USAGE : CS_EXIT_OK;
    case K_PROGRESS:
        return take_progress(d, field, val, err, errlen);
    case K_MODULE: case K_CALL:
        return take_listed(d, o, val, err, errlen);
    }
    return cs_opt_fail(err, errlen, "%s: internal error (kind %d)", d->name, (int)d->kind);
}

/* The row of option name for command cmd; NULL when there is none. With
 * *other set to a subcommand that does take it, when one does. */
static const optdef *find(const char *name, cs_command cmd, const char **other)
{
    size_t i;

    *other = NULL;
    for (i = 0; i < NOPTS; i++) {
        if (strcmp(opt_table[i].name, name))
            continue;
        if (opt_table[i].commands & BIT(cmd))
            return &opt_table[i];
        if (!*other) {
            unsigned c = 0;
            while (!(opt_table[i].commands & BIT(c)))
                c++;
            *other = command_words[c];
        }
    }
    return NULL;
}

static int unknown(const char *name, cs_command cmd, const char *other, char *err, size_t errlen)
{
    if (other)
        return cs_opt_fail(err, errlen, "unknown option '%s' for %s (it belongs to %s; see --help)",
                           name, command_words[cmd], other);
    return cs_opt_fail(err, errlen, "unknown option '%s' (see --help)", name);
}

/* Every field's default, for every command (each reads only its own). */
static void set_defaults(cs_options *o)
{
    memset(o, 0, sizeof(*o));
    o->target = NULL;                 /* see check_whole */
    o->iterations = 20000;
    o->warmup = -1;
    o->out_dir = "comstress-out";
    o->cache = CS_POLICY_TYPE;
    o->threads = 1;
    o->max_leak = -1;
    o->suite.timeout_s = 30;
    o->suite.out_dir = "comstress-suite";
    o->life.out_dir = ".";
    o->life.cycles = 50;
    o->life.threads = 4;
    o->life.block_size = 4096;
    o->life.seconds = 2.0;
    o->life.target = "ComStress.Target";
    o->life.kind = "av";
    o->life.library = "seed";
    o->explore.depth = 1;
    o->explore.iterations = 300;
    o->explore.out_dir = "comstress-explore";
    o->explore.timeout_s = 60;
    o->explore.jobs = 1;
}

static int parse_command(const char *word, cs_options *o, char *err, size_t errlen)
{
    size_t c;

    for (c = 0; c < sizeof(command_words) / sizeof(command_words[0]); c++) {
        if (command_words[c] && !strcmp(word, command_words[c])) {
            o->command = (cs_command)c;
            return CS_EXIT_OK;
        }
    }
    if (!strcmp(word, "--help") || !strcmp(word, "-h") || !strcmp(word, "help"))
        o->command = CS_CMD_HELP;
    else if (!strcmp(word, "--version"))
        o->command = CS_CMD_VERSION;
    else
        return cs_opt_fail(err, errlen, "unknown command '%s' (" COMMAND_LIST "; see --help)", word);
    return CS_EXIT_OK;
}

/* The child's scenario word: one of cs_life_scenarios. */
static int take_scenario(cs_options *o, const char *arg, char *err, size_t errlen)
{
    size_t i;

    for (i = 0; cs_life_scenarios[i] && strcmp(cs_life_scenarios[i], arg); i++)
        ;
    if (!cs_life_scenarios[i])
        return cs_opt_fail(err, errlen, "child: unknown scenario '%s' (" LIFE_SCENARIO_LIST ")", arg);
    o->life.scenario = cs_life_scenarios[i];
    return CS_EXIT_OK;
}

/* Positional arguments: `report DIR`, `list WHAT`, `child SCENARIO`. */
static int take_positional(cs_options *o, const char *arg, char *err, size_t errlen)
{
    if (o->command == CS_CMD_REPORT && !o->report_dir) {
        if (strlen(arg) > CS_PATH_LEN - CS_PATH_ROOM)
            return cs_opt_fail(err, errlen, "report: a path of %u bytes is longer than the %u it takes",
                               (unsigned)strlen(arg), (unsigned)(CS_PATH_LEN - CS_PATH_ROOM));
        o->report_dir = arg;
    } else if (o->command == CS_CMD_LIST && !o->list_what) {
        if (strcmp(arg, "faults") && strcmp(arg, "policies") && strcmp(arg, "classes") && strcmp(arg, "members"))
            return cs_opt_fail(err, errlen, "list: unknown list '%s' (" LIST_WORDS ")", arg);
        o->list_what = arg;
    } else if (o->command == CS_CMD_CHILD && !o->life.scenario) {
        return take_scenario(o, arg, err, errlen);
    } else if (o->command == CS_CMD_CHILD) {
        return cs_opt_fail(err, errlen, "child %s: unexpected argument '%s'", o->life.scenario, arg);
    } else {
        return cs_opt_fail(err, errlen, "unexpected argument '%s' (see --help)", arg);
    }
    return CS_EXIT_OK;
}

/* Reads the option at argv[*i] (and its value), advancing *i past what it
 * used. Returns CS_EXIT_OK or CS_EXIT_USAGE. */
static int take_option(cs_options *o, int argc, char **argv, int *i, char *err, size_t errlen)
{
    const char *a = argv[*i], *eq = strchr(a, '='), *other;
    char name[32];
    const optdef *d;

    if (eq && (size_t)(eq - a) < sizeof(name)) {        /* --name=value */
        memcpy(name, a, (size_t)(eq - a));
        name[eq - a] = 0;
    } else {
        snprintf(name, sizeof(name), "%s", a);
        eq = NULL;
    }
    if (!(d = find(name, o->command, &other)))
        return unknown(eq ? name : a, o->command, other, err, errlen);
    if (d->kind == K_FLAG)
        return eq ? cs_opt_fail(err, errlen, "%s: takes no value", d->name) : take(d, o, NULL, err, errlen);
    if (eq)
        return take(d, o, eq + 1, err, errlen);
    if (*i + 1 >= argc)
        return cs_opt_fail(err, errlen, "%s: missing value", a);
    return take(d, o, argv[++*i], err, errlen);
}

/* Parses argv[first..argc) for o->command (already set). */
static int parse_words(int argc, char **argv, int first, cs_options *o, char *err, size_t errlen)
{
    int i, rc;

    for (i = first; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->command = CS_CMD_HELP;
            return CS_EXIT_OK;
        }
        if (a[0] == '-' && a[1] == '-')
            rc = take_option(o, argc, argv, &i, err, errlen);
        else
            rc = take_positional(o, a, err, errlen);
        if (rc)
            return rc;
    }
    return cs_options_check(o, err, errlen);
}

int cs_options_parse(int argc, char **argv, cs_options *o, char *err, size_t errlen)
{
    int rc;

    set_defaults(o);
    err[0] = 0;
    if (argc < 2)
        return cs_opt_fail(err, errlen, "no command given (" COMMAND_LIST "; see --help)");
    if ((rc = parse_command(argv[1], o, err, errlen)))
        return rc;
    /* help and --version are whole commands: they take no options. */
    if (o->command == CS_CMD_HELP)
        return CS_EXIT_OK;
    if (o->command == CS_CMD_VERSION && argc > 2)
        return cs_opt_fail(err, errlen, "--version takes nothing after it (see --help)");
    return parse_words(argc, argv, 2, o, err, errlen);
}

int cs_options_main(int argc, char **argv, cs_options *o, const char *prog, int *done)
{
    char err[CS_ERR_LEN];
    int rc;

    *done = 1;
    if ((rc = cs_options_parse(argc, argv, o, err, sizeof(err)))) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return rc;
    }
    if (o->command == CS_CMD_HELP)
        fputs(cs_usage(), stdout);
    else if (o->command == CS_CMD_VERSION)
        printf("comstress %s (%s)\n", COMSTRESS_VERSION, COMSTRESS_BUILD_TYPE);
    else
        *done = 0;
    return CS_EXIT_OK;
}

int cs_fault_split(const char *fault, char *name, size_t namelen, long *param,
                   char *err, size_t errlen)
{
    const char *colon = strchr(fault, ':'), *p;
    size_t n = colon ? (size_t)(colon - fault) : strlen(fault);
    long long v;

    *param = -1;
    if (n == 0)
        return cs_opt_fail(err, errlen, "--fault: '%s' has no fault name (NAME or NAME:PARAM; see list faults)", fault);
    if (n >= namelen)
        return cs_opt_fail(err, errlen, "--fault: the name in '%s' is longer than %u characters", fault,
                           (unsigned)namelen - 1);
    for (p = fault; p < fault + n; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return cs_opt_fail(err, errlen, "--fault: '%s' is not a fault name (lower-case letters, digits, '-')",
                               fault);
    memcpy(name, fault, n);
    name[n] = 0;
    if (!colon)
        return CS_EXIT_OK;
    if (!parse_count(colon + 1, &v) || v < 1 || v > 2147483647)
        return cs_opt_fail(err, errlen, "--fault: parameter '%s' of %s is not a whole number from 1 to 2147483647 "
                           "(leave it out for the fault's default)", colon + 1, name);
    *param = (long)v;
    return CS_EXIT_OK;
}

int cs_life_parse(int argc, char **argv, cs_life_options *life, char *err, size_t errlen)
{
    cs_options o;
    int rc;

    set_defaults(&o);
    err[0] = 0;
    o.command = CS_CMD_CHILD;
    rc = parse_words(argc, argv, 0, &o, err, errlen);
    *life = o.life;
    return rc;
}

int cs_tls_is_leak(double bytes_per_cycle, unsigned block_size)
{
    return bytes_per_cycle > block_size / 4.0;
}
