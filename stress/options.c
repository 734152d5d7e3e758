/* Command-line parsing for comstress: see options.h for the contract. */
#include "options.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
"usage: comstress COMMAND [options]\n"
"\n"
"commands:\n"
"  run            create / call / release loop against one target\n"
"  compare        the same workload under every binding-cache policy\n"
"  report DIR     rebuild run.json, memory.svg, report.html, junit.xml\n"
"                 from DIR/samples.csv (after a crash or a hang)\n"
"  list faults    the reference server's fault catalogue\n"
"  list policies  the binding-cache policies\n"
"  suite          DLL lifecycle and isolation scenarios (see --help there)\n"
"\n"
"options for run and compare:\n"
"  --target PROGID|{CLSID}  object to stress (default ComStress.Target)\n"
"  --call TEXT              a late-bound call, repeatable: Add(1), Echo('x'),\n"
"                           Value, Value=5, Consume(@obj)\n"
"  --scenario NAME          calls (default): calls on each new object;\n"
"                           pass-instance: each new object is passed as @obj\n"
"                           to calls on one long-lived sink object\n"
"  --iterations N           create/call/release iterations (default 20000)\n"
"  --warmup N               iterations left out of verdicts (default 10%)\n"
"  --sample-every K         sample every K iterations (default: ~200 samples)\n"
"  --cache POLICY           none, type (default), instance, instance-unbounded\n"
"  --activation HOW         factory (default: class factory kept, as a host\n"
"                           caches it) or cocreate (CoCreateInstance each time)\n"
"  --threads T              worker threads, each its own loop (default 1)\n"
"  --apartment sta|mta      apartment of the worker threads (default sta)\n"
"  --sink-apartment sta|same  pass-instance: keep the sink in a thread of its\n"
"                           own (STA) so every call crosses apartments through\n"
"                           the marshaller (default same)\n"
"  --max-leak BYTES         heap bytes per iteration tolerated (default 4)\n"
"  --fail-on leak|leak-any|none  exit 1 on a leak verdict of an exact metric\n"
"                           (heap walk, server counters, malloc spy, threads:\n"
"                           default), of any metric (leak-any: working set and\n"
"                           pagefile too, which are page-granular), or never\n"
"  --fault NAME[:PARAM]     select a reference-server fault (list faults)\n"
"  --client-fault NAME      a fault in the harness itself: missing-release,\n"
"                           missing-variantclear, missing-sysfreestring\n"
"  --ledger                 wrap every interface pointer in the refcount ledger\n"
"                           (its wrapper hides the dual interface: calls go\n"
"                           through IDispatch::Invoke)\n"
"  --plan vtable|invoke     type policy on dual interfaces: call the vtable\n"
"                           slot (default) or always IDispatch::Invoke\n"
"  --bstr-cache on|off      oleaut32's BSTR cache (default off: exact counts)\n"
"  --out DIR                where reports go (default comstress-out)\n"
"  --timeout SECONDS        end a run whose workload has not finished by then\n"
"                           (a call that never returns): reports are written\n"
"                           with what was gathered, exit 7\n"
"\n"
"  --help, --version\n"
"\n"
"exit codes: 0 ok, 1 leak or release check failed, 2 bad command line,\n"
"3 target not registered, 4 call failed, 5 output not writable, 6 internal,\n"
"7 timed out (hang), 8 crashed (samples kept: comstress report DIR)\n";

const char *cs_usage(void)
{
    return usage_text;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CS_EXIT_USAGE;
}

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

static int parse_double(const char *s, double *out)
{
    char *end;

    if (!s || !*s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && !*end && *out >= 0;
}

static void set_defaults(cs_options *o)
{
    memset(o, 0, sizeof(*o));
    o->target = "ComStress.Target";
    o->iterations = 20000;
    o->warmup = -1;
    o->out_dir = "comstress-out";
    o->cache = "type";
    o->threads = 1;
    o->max_leak = -1;
    o->fail_on_leak = 1;
}

/*
 * Options whose value is one word of a fixed list. The word's value goes
 * into an int-sized field of cs_options; --cache keeps the word itself.
 * noun NULL: "'x' is not a, b or c"; else "unknown NOUN 'x' (a, b, c)".
 */
typedef struct choice { const char *word; int value; } choice;

static const struct choice_option {
    const char *name, *noun;
    size_t field;
    choice words[5];
} choice_options[] = {
    { "--cache", "policy", (size_t)-1,
      { { "none", 0 }, { "type", 0 }, { "instance", 0 }, { "instance-unbounded", 0 } } },
    { "--scenario", "scenario", offsetof(cs_options, scenario),
      { { "calls", CS_SCEN_CALLS }, { "pass-instance", CS_SCEN_PASS_INSTANCE } } },
    { "--activation", "value", offsetof(cs_options, activation),
      { { "factory", CS_ACT_FACTORY }, { "cocreate", CS_ACT_COCREATE } } },
    { "--apartment", NULL, offsetof(cs_options, apartment_mta), { { "sta", 0 }, { "mta", 1 } } },
    { "--sink-apartment", NULL, offsetof(cs_options, sink_sta), { { "sta", 1 }, { "same", 0 } } },
    { "--fail-on", NULL, offsetof(cs_options, fail_on_leak),
      { { "leak", 1 }, { "leak-any", 2 }, { "none", 0 } } },
    { "--client-fault", "fault", offsetof(cs_options, client_fault),
      { { "missing-release", CS_CF_MISSING_RELEASE }, { "missing-variantclear", CS_CF_MISSING_VARIANTCLEAR },
        { "missing-sysfreestring", CS_CF_MISSING_SYSFREESTRING } } },
    { "--plan", NULL, offsetof(cs_options, invoke_plan), { { "vtable", 0 }, { "invoke", 1 } } },
    { "--bstr-cache", NULL, offsetof(cs_options, bstr_cache), { { "on", 1 }, { "off", 0 } } },
};

/* The words of c as "a, b or c" (or "a, b, c" when in parentheses). */
static void list_words(const struct choice_option *c, int with_or, char *buf, size_t len)
{
    size_t i, n = 0, used = 0;

    while (n < 5 && c->words[n].word)
        n++;
    buf[0] = 0;
    for (i = 0; i < n && used < len; i++)
        used += snprintf(buf + used, len - used, "%s%s",
                         !i ? "" : with_or && i + 1 == n ? " or " : ", ", c->words[i].word);
}

/* Sets the option named name from val when it is a choice option.
 * Returns -1 when name is not one, else CS_EXIT_OK or CS_EXIT_USAGE. */
static int take_choice(cs_options *o, const char *name, const char *val, char *err, size_t errlen)
{
    const struct choice_option *c;
    char words[160];
    size_t i, k;

    for (i = 0; i < sizeof(choice_options) / sizeof(choice_options[0]); i++) {
        c = &choice_options[i];
        if (strcmp(name, c->name))
            continue;
        for (k = 0; k < 5 && c->words[k].word; k++) {
            if (strcmp(val, c->words[k].word))
                continue;
            if (c->field == (size_t)-1)
                o->cache = c->words[k].word;
            else
                *(int *)((char *)o + c->field) = c->words[k].value;
            return CS_EXIT_OK;
        }
        list_words(c, !c->noun, words, sizeof(words));
        if (c->noun)
            return fail(err, errlen, "%s: unknown %s '%s' (%s)", name, c->noun, val, words);
        return fail(err, errlen, "%s: '%s' is not %s", name, val, words);
    }
    return -1;
}

/* Handles one option that takes a value; returns CS_EXIT_OK, or
 * CS_EXIT_USAGE with err set. */
static int take_value(cs_options *o, const char *name, const char *val,
                      char *err, size_t errlen)
{
    long long n;
    int rc;

    if ((rc = take_choice(o, name, val, err, errlen)) >= 0)
        return rc;
    if (!strcmp(name, "--target")) {
        if (!*val)
            return fail(err, errlen, "--target: empty ProgID/CLSID");
        o->target = val;
    } else if (!strcmp(name, "--call")) {
        if (o->ncalls == CS_MAX_CALLS)
            return fail(err, errlen, "--call: at most %d calls", CS_MAX_CALLS);
        if (!*val)
            return fail(err, errlen, "--call: empty call text");
        o->calls[o->ncalls++] = val;
    } else if (!strcmp(name, "--iterations")) {
        if (!parse_count(val, &o->iterations) || o->iterations < 1)
            return fail(err, errlen, "--iterations: '%s' is not a positive whole number", val);
    } else if (!strcmp(name, "--warmup")) {
        if (!parse_count(val, &o->warmup))
            return fail(err, errlen, "--warmup: '%s' is not a whole number", val);
    } else if (!strcmp(name, "--sample-every")) {
        if (!parse_count(val, &o->sample_every) || o->sample_every < 1)
            return fail(err, errlen, "--sample-every: '%s' is not a positive whole number", val);
    } else if (!strcmp(name, "--timeout")) {
        if (!parse_count(val, &o->timeout_s) || o->timeout_s < 1)
            return fail(err, errlen, "--timeout: '%s' is not a positive whole number of seconds", val);
    } else if (!strcmp(name, "--out")) {
        if (!*val)
            return fail(err, errlen, "--out: empty directory name");
        o->out_dir = val;
    } else if (!strcmp(name, "--threads")) {
        if (!parse_count(val, &n) || n < 1 || n > 64)
            return fail(err, errlen, "--threads: '%s' is not a number from 1 to 64", val);
        o->threads = (int)n;
    } else if (!strcmp(name, "--max-leak")) {
        if (!parse_double(val, &o->max_leak))
            return fail(err, errlen, "--max-leak: '%s' is not a non-negative number of bytes", val);
    } else if (!strcmp(name, "--fault")) {
        if (!*val)
            return fail(err, errlen, "--fault: empty fault name");
        o->fault = val;
    } else {
        return fail(err, errlen, "unknown option '%s' (see --help)", name);
    }
    return CS_EXIT_OK;
}

static int parse_command(const char *word, cs_options *o, char *err, size_t errlen)
{
    if (!strcmp(word, "run"))
        o->command = CS_CMD_RUN;
    else if (!strcmp(word, "compare"))
        o->command = CS_CMD_COMPARE;
    else if (!strcmp(word, "report"))
        o->command = CS_CMD_REPORT;
    else if (!strcmp(word, "list"))
        o->command = CS_CMD_LIST;
    else if (!strcmp(word, "--help") || !strcmp(word, "-h") || !strcmp(word, "help"))
        o->command = CS_CMD_HELP;
    else if (!strcmp(word, "--version"))
        o->command = CS_CMD_VERSION;
    else
        return fail(err, errlen, "unknown command '%s' (run, compare, report, list, suite; see --help)", word);
    return CS_EXIT_OK;
}

/* Positional arguments: `report DIR` and `list WHAT`. */
static int take_positional(cs_options *o, const char *arg, char *err, size_t errlen)
{
    if (o->command == CS_CMD_REPORT && !o->report_dir) {
        o->report_dir = arg;
    } else if (o->command == CS_CMD_LIST && !o->list_what) {
        if (strcmp(arg, "faults") && strcmp(arg, "policies"))
            return fail(err, errlen, "list: unknown list '%s' (faults, policies)", arg);
        o->list_what = arg;
    } else {
        return fail(err, errlen, "unexpected argument '%s' (see --help)", arg);
    }
    return CS_EXIT_OK;
}

int cs_options_parse(int argc, char **argv, cs_options *o, char *err, size_t errlen)
{
    int i, rc;

    set_defaults(o);
    err[0] = 0;
    if (argc < 2)
        return fail(err, errlen, "no command given (run, compare, report, list, suite; see --help)");
    if ((rc = parse_command(argv[1], o, err, errlen)))
        return rc;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *eq;
        char name[32];

        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->command = CS_CMD_HELP;
            return CS_EXIT_OK;
        }
        if (!strcmp(a, "--ledger")) {
            o->ledger = 1;
            continue;
        }
        if (a[0] != '-' || a[1] != '-') {
            if ((rc = take_positional(o, a, err, errlen)))
                return rc;
            continue;
        }
        eq = strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof(name)) {   /* --name=value */
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = 0;
            rc = take_value(o, name, eq + 1, err, errlen);
        } else if (i + 1 < argc) {
            rc = take_value(o, a, argv[++i], err, errlen);
        } else {
            /* last word and no value: unknown option, or a missing value */
            rc = take_value(o, a, "", err, errlen);
            if (!strstr(err, "unknown option"))
                rc = fail(err, errlen, "%s: missing value", a);
        }
        if (rc)
            return rc;
    }
    if (o->command == CS_CMD_REPORT && !o->report_dir)
        return fail(err, errlen, "report: missing DIR (comstress report DIR)");
    if (o->command == CS_CMD_LIST && !o->list_what)
        return fail(err, errlen, "list: say what to list (faults, policies)");
    if (o->sink_sta && o->scenario != CS_SCEN_PASS_INSTANCE)
        return fail(err, errlen, "--sink-apartment sta needs --scenario pass-instance");
    if (o->warmup >= o->iterations && o->command != CS_CMD_REPORT)
        return fail(err, errlen, "--warmup: %lld is not below --iterations %lld", o->warmup, o->iterations);
    return CS_EXIT_OK;
}
