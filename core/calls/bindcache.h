/*
 * The binding cache as pure data structures: no Windows headers, no COM.
 * The dispatch layer (dispcache.c) decides what a key means; this module
 * only stores rules, finds them, drops them and counts.
 *
 * A rule is (key, binding). The key is opaque bytes: the call site's
 * signature plus one restriction per object involved (an instance serial,
 * or a type identity). The binding is the caller's call plan, owned by the
 * cache once added and released through the free callback.
 *
 * Three stores, chosen per rule by the caller:
 *  - BC_STORE_DLR: the .NET DLR model. Every call site has L0 (its last
 *    rule) and L1 (its last BC_L1_SIZE rules, newest first); the binder has
 *    L2 (BC_L2_SIZE rules; a new rule goes in mid-way, the tail is dropped).
 *    Bounded: a rule is freed once no level holds it.
 *  - BC_STORE_INSTANCE_MAP: a hash map that never evicts (the leak on
 *    purpose: one rule per object for ever).
 *  - BC_STORE_TYPE_MAP: a hash map keyed by type identity; bounded by the
 *    number of distinct (member, type) pairs, so it never evicts either.
 * Every store also uses the site's L0, so a repeated call is one compare.
 *
 * Weak identities (bc_ident): the cache never holds an object, only a
 * record per pointer value with a serial number that is never reused. A
 * restriction names the serial, not the address; once the owner calls
 * bc_ident_forget (before the object's last Release), a new object at the
 * same address gets a new serial and can never match an old rule.
 *
 * Not thread-safe: one cache per thread.
 */
#ifndef CS_BINDCACHE_H
#define CS_BINDCACHE_H

#include <stddef.h>
#include <stdint.h>

#define BC_L1_SIZE 10
#define BC_L2_SIZE 128
#define BC_L2_INSERT (BC_L2_SIZE / 2)

typedef enum bc_store { BC_STORE_DLR, BC_STORE_INSTANCE_MAP, BC_STORE_TYPE_MAP } bc_store;

/* Where a lookup was served from. */
typedef enum bc_level { BC_MISS, BC_HIT_L0, BC_HIT_L1, BC_HIT_L2 } bc_level;

typedef struct bc_rule {
    unsigned refs;          /* levels holding the rule */
    void *binding;
    size_t binding_bytes;   /* as reported by the caller, counted in bytes */
    struct bc_rule *next;   /* hash chain (map stores) */
    uint32_t hash;
    size_t keylen;
    unsigned char key[];
} bc_rule;

typedef struct bc_site {
    bc_rule *l0;
    bc_rule *l1[BC_L1_SIZE];
    size_t nl1;
} bc_site;

typedef struct bc_counters {
    long long hits_l0, hits_l1, hits_l2, misses, evictions;
    long long rules_added;
    long long entries;      /* live rules */
    long long bytes;        /* malloc'd bytes held now (rules, bindings, tables, sites,
                             * idents, forgotten idents kept for reuse) */
    long long idents;       /* live identity records */
} bc_counters;

/* A weak identity record: the pointer value is only a key. */
typedef struct bc_ident {
    uintptr_t ptr;
    unsigned long long serial;   /* never 0, never reused within the cache */
    unsigned char type_key[16];  /* caller's type identity, when has_type */
    int has_type;                /* -1 not probed yet, 0 untyped, 1 typed */
    int flags;                   /* caller's */
    struct bc_ident *next;
} bc_ident;

typedef struct bc_cache bc_cache;

/* A new empty cache; free_binding releases a binding (may be NULL). NULL
 * when out of memory. */
bc_cache *bc_new(void (*free_binding)(void *binding));

/* Frees every rule, site and identity record. */
void bc_free(bc_cache *c);

/* A new site (L0/L1) owned by the cache, freed by bc_free; NULL on OOM. */
bc_site *bc_site_new(bc_cache *c);

/*
 * Finds the rule for key: the site's L0, then (DLR) its L1 and the binder's
 * L2, or (maps) the store's map. A hit below L0 becomes the site's L0 (and,
 * for DLR, moves to the front of L1). Counts the hit or the miss. Returns
 * the rule (still owned by the cache) or NULL with *level BC_MISS.
 */
bc_rule *bc_lookup(bc_cache *c, bc_site *s, bc_store store, const void *key, size_t keylen,
                   bc_level *level);

/*
 * Adds the rule (key, binding) after a miss: it becomes the site's L0 and
 * goes to the front of L1 and into L2 (DLR), or into the map. Takes
 * ownership of binding even on failure (then freed at once). Returns the
 * rule, or NULL when out of memory. Rules pushed out of L1 or L2 and held
 * by no other level are freed and counted as evictions.
 */
bc_rule *bc_add(bc_cache *c, bc_site *s, bc_store store, const void *key, size_t keylen,
                void *binding, size_t binding_bytes);

/* The identity record for ptr, or NULL when it has none. */
bc_ident *bc_ident_find(bc_cache *c, uintptr_t ptr);

/* A new record for ptr with a fresh serial; ptr must have none (look it
 * up with bc_ident_find, or drop it with bc_ident_forget, first). NULL on
 * OOM. */
bc_ident *bc_ident_add(bc_cache *c, uintptr_t ptr);

/* Drops ptr's record; returns 1 if there was one. Rules naming its serial
 * stay where they are (they can never match again) until evicted. The
 * record's memory is kept for the next bc_ident_add (a few dozen at most,
 * counted in bytes until bc_free), so a loop that forgets one object and
 * meets the next allocates nothing. */
int bc_ident_forget(bc_cache *c, uintptr_t ptr);

void bc_counters_get(const bc_cache *c, bc_counters *out);

/* FNV-1a over bytes (exposed for tests). */
uint32_t bc_hash(const void *key, size_t len);

#endif
