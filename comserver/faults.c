/* The fault catalogue (see faults.h): a table, a lookup and a parser. */
#include "faults.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *description;
} catalogue[CS_FAULT_COUNT] = {
    [CS_FAULT_NONE] = { "", "no fault" },
    [CS_FAULT_EXTRA_ADDREF] = { "extra-addref",
        "Add calls AddRef on the object once more: the object is never freed" },
    [CS_FAULT_CHILD_EXTRA_REF] = { "child-extra-ref",
        "CreateChild returns the child with one reference too many" },
    [CS_FAULT_INTERNAL_CHILD_LEAK] = { "internal-child-leak",
        "each Target creates an internal child and never releases it" },
    [CS_FAULT_ECHO_LEAK_BSTR] = { "echo-leak-bstr",
        "Echo allocates its result and leaks a second BSTR" },
    [CS_FAULT_VARIANT_LEAK] = { "variant-leak",
        "Consume copies its VARIANT argument and never clears the copy" },
    [CS_FAULT_LOCK_LEAK] = { "lock-leak",
        "every new object takes a server lock it never releases (no unload)" },
    [CS_FAULT_CANNOT_UNLOAD] = { "cannot-unload",
        "DllCanUnloadNow always says S_FALSE" },
    [CS_FAULT_LEAK_BYTES] = { "leak-bytes",
        "every method call leaks param bytes (default 24) of the process heap" },
    [CS_FAULT_HANG_CALL] = { "hang-call",
        "the method call after the first param calls (default 100) never returns" },
    [CS_FAULT_CRASH_CALL] = { "crash-call",
        "the method call after the first param calls (default 100) reads address 0" },
    [CS_FAULT_ENUM_ITEM_EXTRA_REF] = { "enum-item-extra-ref",
        "the Items enumerator's Next returns each item with one reference too many" },
    [CS_FAULT_ENUM_CLONE_LEAK] = { "enum-clone-leak",
        "the Items enumerator's Clone keeps a reference to the clone: it is never freed" },
    [CS_FAULT_NEWENUM_EXTRA_REF] = { "newenum-extra-ref",
        "Items._NewEnum returns the enumerator with one reference too many" },
    [CS_FAULT_UNADVISE_KEEPS_SINK] = { "unadvise-keeps-sink",
        "Unadvise forgets the sink without releasing it: the sink stays alive" },
    [CS_FAULT_DESTROY_KEEPS_SINKS] = { "destroy-keeps-sinks",
        "a Target destroyed while sinks are advised never releases them" },
    [CS_FAULT_OUT_OVERWRITE_LEAK] = { "out-overwrite-leak",
        "GetPair overwrites its by-reference variants without clearing what they held" },
    [CS_FAULT_ARRAY_ELEMENT_LEAK] = { "array-element-leak",
        "MakeItems returns each item of its array with one reference too many" },
    [CS_FAULT_LEAK_THEN_CRASH] = { "leak-then-crash",
        "every method call leaks 24 bytes of the process heap, and the call after the first"
        " param calls (default 100) reads address 0" },
    [CS_FAULT_LEAK_EVERY] = { "leak-every",
        "every param-th method call (default 10) leaks a 24-byte block of the process heap" },
    [CS_FAULT_LEAK_RANDOM] = { "leak-random",
        "each method call leaks a 24-byte block with probability param percent (default 10);"
        " seed: COMSTRESS_FAULT_SEED, else new per run" },
    [CS_FAULT_PLATEAU_CACHE] = { "plateau-cache",
        "each method call adds a 64-byte cache entry until a bound drawn from param/2 to"
        " 3*param/2 (default 1000) is reached, then none (not a leak; freed at unload);"
        " seed as leak-random" },
    [CS_FAULT_TEMP_ALLOCS] = { "temp-allocs",
        "each method call allocates 1 to 4 blocks of 1 to param bytes (default 4096) and"
        " frees them before it returns (not a leak); seed as leak-random" },
    [CS_FAULT_CRASH_GETCLASSOBJECT] = { "crash-getclassobject",
        "DllGetClassObject reads address 0 (select it with COMSTRESS_FAULT: the process crashes before any"
        " probe exists)" },
};

int cs_fault_is_noise(cs_fault f)
{
    return f == CS_FAULT_LEAK_EVERY || f == CS_FAULT_LEAK_RANDOM
        || f == CS_FAULT_PLATEAU_CACHE || f == CS_FAULT_TEMP_ALLOCS;
}

int cs_fault_parse_seed(const char *text, unsigned long long *seed)
{
    unsigned long long value;
    char *end;

    if (!text)
        return -1;
    while (isspace((unsigned char)*text))
        text++;
    /* strtoull would take a sign: "-1" is no seed. */
    if (!isdigit((unsigned char)*text))
        return -1;
    errno = 0;
    value = strtoull(text, &end, 0);
    if (end == text || errno == ERANGE)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return -1;
    *seed = value;
    return 0;
}

unsigned long long cs_fault_random(unsigned long long seed, unsigned long long index)
{
    unsigned long long z = seed + (index + 1) * 0x9e3779b97f4a7c15ULL;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Independent streams of draws from one seed: one per kind of decision,
 * so that the leaks of one call do not fix the sizes of another. */
enum {
    STREAM_LEAK = 0x6c65616b,
    STREAM_BOUND = 0x626f756e,
    STREAM_TEMP_COUNT = 0x74636e74,
    STREAM_TEMP_SIZE = 0x7473697a
};

static unsigned long long draw(unsigned long long seed, unsigned long long stream,
                               unsigned long long index)
{
    return cs_fault_random(seed ^ (stream << 32 | stream), index);
}

/* param when positive, else the default. */
static long param_or(long param, long dflt)
{
    return param > 0 ? param : dflt;
}

int cs_fault_leaks_on_call(cs_fault f, long param, unsigned long long seed, long call)
{
    long n;

    if (call < 1)
        return 0;
    if (f == CS_FAULT_LEAK_EVERY)
        return call % param_or(param, CS_FAULT_LEAK_EVERY_DEFAULT) == 0;
    if (f != CS_FAULT_LEAK_RANDOM)
        return 0;
    n = param_or(param, CS_FAULT_LEAK_RANDOM_DEFAULT);
    return n >= 100 || (long)(draw(seed, STREAM_LEAK, (unsigned long long)call) % 100) < n;
}

long cs_fault_plateau_bound(long param, unsigned long long seed)
{
    long n = param_or(param, CS_FAULT_PLATEAU_CACHE_DEFAULT);
    /* n/2 .. n + n/2: n + 1 values */
    long bound = n / 2 + (long)(draw(seed, STREAM_BOUND, 0) % ((unsigned long long)n + 1));

    return bound > 0 ? bound : 1;
}

int cs_fault_temp_count(unsigned long long seed, long call)
{
    return 1 + (int)(draw(seed, STREAM_TEMP_COUNT, (unsigned long long)call) % CS_FAULT_TEMP_BLOCKS);
}

size_t cs_fault_temp_size(long param, unsigned long long seed, long call, int i)
{
    unsigned long long index = (unsigned long long)call * CS_FAULT_TEMP_BLOCKS + (unsigned)i;

    return 1 + (size_t)(draw(seed, STREAM_TEMP_SIZE, index)
                        % (unsigned long long)param_or(param, CS_FAULT_TEMP_ALLOCS_DEFAULT));
}

const char *cs_fault_name(cs_fault f)
{
    return (unsigned)f < CS_FAULT_COUNT ? catalogue[f].name : "";
}

const char *cs_fault_description(cs_fault f)
{
    return (unsigned)f < CS_FAULT_COUNT ? catalogue[f].description : "";
}

cs_fault cs_fault_from_name(const char *name)
{
    int f;

    if (!name)
        return CS_FAULT_COUNT;
    for (f = 0; f < CS_FAULT_COUNT; f++)
        if (!strcmp(name, catalogue[f].name))
            return (cs_fault)f;
    return CS_FAULT_COUNT;
}

int cs_fault_parse(const char *text, cs_fault *fault, long *param)
{
    char name[64], *end;
    const char *colon, *stop;
    size_t len;
    long value = 0;
    cs_fault f;

    if (!text)
        return -1;
    while (isspace((unsigned char)*text))
        text++;
    stop = text + strlen(text);
    while (stop > text && isspace((unsigned char)stop[-1]))
        stop--;
    colon = memchr(text, ':', (size_t)(stop - text));
    len = (size_t)((colon ? colon : stop) - text);
    if (len >= sizeof(name))
        return -1;
    memcpy(name, text, len);
    name[len] = 0;
    if ((f = cs_fault_from_name(name)) == CS_FAULT_COUNT)
        return -1;
    if (colon) {
        /* The text after ':' must be one whole integer. */
        if (colon + 1 == stop)
            return -1;
        errno = 0;
        value = strtol(colon + 1, &end, 10);
        if (end != stop || errno == ERANGE)
            return -1;
    }
    *fault = f;
    *param = value;
    return 0;
}

/* Does fault f take a parameter (its description says what it means)? */
static int takes_param(cs_fault f)
{
    switch (f) {
    case CS_FAULT_LEAK_BYTES: case CS_FAULT_HANG_CALL: case CS_FAULT_CRASH_CALL:
    case CS_FAULT_LEAK_THEN_CRASH: case CS_FAULT_LEAK_EVERY: case CS_FAULT_LEAK_RANDOM:
    case CS_FAULT_PLATEAU_CACHE: case CS_FAULT_TEMP_ALLOCS:
        return 1;
    default:
        return 0;
    }
}

int cs_fault_param_ok(cs_fault f, long param, char *why, size_t n)
{
    if (!param)
        return 1;
    if (!takes_param(f))
        snprintf(why, n, "%s takes no parameter (given %ld)", cs_fault_name(f), param);
    else if (param < 0)
        snprintf(why, n, "%s: parameter %ld is not a positive whole number", cs_fault_name(f), param);
    else if (f == CS_FAULT_LEAK_RANDOM && param > 100)
        snprintf(why, n, "leak-random: parameter %ld is a percentage, from 1 to 100", param);
    else
        return 1;
    return 0;
}

size_t cs_fault_catalogue(char *buf, size_t size)
{
    size_t need = 0;
    int f, n;

    if (size)
        buf[0] = 0;
    for (f = CS_FAULT_NONE + 1; f < CS_FAULT_COUNT; f++) {
        n = snprintf(need < size ? buf + need : NULL, need < size ? size - need : 0,
                     "%s\t%s\n", catalogue[f].name, catalogue[f].description);
        if (n > 0)
            need += (size_t)n;
    }
    return need;
}
