/*
 * The fault catalogue of the reference server: deliberate release-discipline
 * bugs a harness must catch, and noise it must not mistake for them,
 * selected at run time by name.
 *
 * Pure C (no <windows.h>): the table, the "name[:param]" parser and the
 * noise faults' draws are tested on their own. The selected fault itself
 * lives in module.c, the noise faults' state in noise.c.
 */
#ifndef CS_FAULTS_H
#define CS_FAULTS_H

#include <stddef.h>

typedef enum cs_fault {
    CS_FAULT_NONE,
    CS_FAULT_EXTRA_ADDREF,
    CS_FAULT_CHILD_EXTRA_REF,
    CS_FAULT_INTERNAL_CHILD_LEAK,
    CS_FAULT_ECHO_LEAK_BSTR,
    CS_FAULT_VARIANT_LEAK,
    CS_FAULT_LOCK_LEAK,
    CS_FAULT_CANNOT_UNLOAD,
    CS_FAULT_LEAK_BYTES,
    CS_FAULT_HANG_CALL,
    CS_FAULT_CRASH_CALL,
    CS_FAULT_ENUM_ITEM_EXTRA_REF,
    CS_FAULT_ENUM_CLONE_LEAK,
    CS_FAULT_NEWENUM_EXTRA_REF,
    CS_FAULT_UNADVISE_KEEPS_SINK,
    CS_FAULT_DESTROY_KEEPS_SINKS,
    CS_FAULT_OUT_OVERWRITE_LEAK,
    CS_FAULT_ARRAY_ELEMENT_LEAK,
    CS_FAULT_LEAK_THEN_CRASH,
    /* Noise: realistic memory behaviour, leaking or not (see below). */
    CS_FAULT_LEAK_EVERY,
    CS_FAULT_LEAK_RANDOM,
    CS_FAULT_PLATEAU_CACHE,
    CS_FAULT_TEMP_ALLOCS,
    CS_FAULT_CRASH_GETCLASSOBJECT,
    CS_FAULT_COUNT
} cs_fault;

/* Bytes leaked per call by leak-bytes when no positive param is given. */
#define CS_FAULT_LEAK_BYTES_DEFAULT 24

/* Calls served before hang-call blocks (or crash-call and leak-then-crash
 * crash) when no positive param is given. */
#define CS_FAULT_HANG_CALL_DEFAULT 100

/*
 * The noise faults: memory behaviour of real servers that a leak verdict
 * must judge right, the leak that does not show on every call and the
 * growth that is not a leak. Every IStressTarget method call counts as
 * one call (numbered from 1 since the fault was selected, shared by every
 * object and thread):
 *  - leak-every:N      a CS_FAULT_NOISE_BLOCK-byte block leaks on every
 *                      N-th call;
 *  - leak-random:P     the same block leaks with probability P percent on
 *                      each call;
 *  - plateau-cache:N   each call adds a CS_FAULT_PLATEAU_ENTRY-byte entry
 *                      to a cache until it holds a bound drawn at random
 *                      from N/2 to 3N/2, then the cache stays as it is; its
 *                      entries are freed when the fault is selected again
 *                      and when the DLL unloads;
 *  - temp-allocs:MAX   each call allocates 1 to CS_FAULT_TEMP_BLOCKS blocks
 *                      of 1 to MAX bytes and frees them before it returns.
 * The draws are pure functions of a seed and the call number, so calls on
 * many threads need only the shared counter, and a seed gives the same
 * leaks, bound and sizes every time. The seed is taken when the fault is
 * selected: from the environment variable CS_FAULT_SEED_ENV when it holds
 * a number (cs_fault_parse_seed), otherwise a fresh one, so two runs
 * differ.
 */
#define CS_FAULT_SEED_ENV "COMSTRESS_FAULT_SEED"
#define CS_FAULT_NOISE_BLOCK 24
#define CS_FAULT_PLATEAU_ENTRY 64
#define CS_FAULT_TEMP_BLOCKS 4
/* Params used when none (or no positive one) is given. */
#define CS_FAULT_LEAK_EVERY_DEFAULT 10
#define CS_FAULT_LEAK_RANDOM_DEFAULT 10
#define CS_FAULT_PLATEAU_CACHE_DEFAULT 1000
#define CS_FAULT_TEMP_ALLOCS_DEFAULT 4096

/* TRUE for the four noise faults. */
int cs_fault_is_noise(cs_fault f);

/*
 * Parses a seed: a whole decimal or 0x-prefixed hexadecimal number of up
 * to 64 bits, blanks around it allowed. Returns 0 and sets *seed, or -1
 * (and *seed untouched) for anything else.
 */
int cs_fault_parse_seed(const char *text, unsigned long long *seed);

/* A well-mixed 64-bit value for (seed, index): splitmix64's finaliser of
 * their combination. Equal inputs give equal outputs on every platform. */
unsigned long long cs_fault_random(unsigned long long seed, unsigned long long index);

/*
 * Does call number `call` (1-based) leak a block under fault f (leak-every
 * or leak-random) with param and seed? leak-every ignores the seed; a
 * percentage of 100 or more leaks on every call. 0 for any other fault and
 * for call < 1.
 */
int cs_fault_leaks_on_call(cs_fault f, long param, unsigned long long seed, long call);

/* The number of entries plateau-cache:param settles at for seed: uniform
 * from N/2 to 3N/2 inclusive, N being param or the default; at least 1. */
long cs_fault_plateau_bound(long param, unsigned long long seed);

/*
 * temp-allocs:param on call number `call`: how many temporary blocks it
 * makes (1 to CS_FAULT_TEMP_BLOCKS), and the size of block i (0-based,
 * 1 to MAX bytes, MAX being param or the default).
 */
int cs_fault_temp_count(unsigned long long seed, long call);
size_t cs_fault_temp_size(long param, unsigned long long seed, long call, int i);

/* The fault's contract name ("extra-addref"; "" for CS_FAULT_NONE). */
const char *cs_fault_name(cs_fault f);

/* One line saying what the fault does (no tab, no newline). */
const char *cs_fault_description(cs_fault f);

/* Looks a fault up by its exact name; "" gives CS_FAULT_NONE. Returns
 * CS_FAULT_COUNT for an unknown name or NULL. */
cs_fault cs_fault_from_name(const char *name);

/*
 * Parses "name" or "name:param" (the COMSTRESS_FAULT syntax). Leading and
 * trailing blanks are ignored; an empty text selects no fault. Returns 0
 * and fills *fault and *param (0 when absent), or -1 for an unknown name or
 * a param that is not a decimal integer; the outputs are then untouched.
 */
int cs_fault_parse(const char *text, cs_fault *fault, long *param);

/*
 * Whether fault f takes param (0: none given, the fault's default, always
 * taken). Faults without a parameter take none; leak-random's is a
 * percentage (1 to 100); every other parameter is a positive count.
 * Returns 1, or 0 with one line in why ("cannot-unload takes no
 * parameter (given 3)").
 */
int cs_fault_param_ok(cs_fault f, long param, char *why, size_t n);

/*
 * Writes the catalogue, one "name<TAB>description\n" line per fault
 * (CS_FAULT_NONE excluded), into buf (always NUL-terminated when size > 0).
 * Returns the length the full text needs, like snprintf.
 */
size_t cs_fault_catalogue(char *buf, size_t size);

#endif
