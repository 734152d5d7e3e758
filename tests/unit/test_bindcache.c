/* The binding cache structures (client/bindcache.c): pure, no COM. */
#include "cs_unit.h"
#include "bindcache.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bc_cache *cache;
static int bindings_freed;

static void free_binding(void *b)
{
    bindings_freed++;
    free(b);
}

static void setup(void)
{
    bindings_freed = 0;
    cache = bc_new(free_binding);
    ck_assert_ptr_nonnull(cache);
}

static void teardown(void)
{
    bc_free(cache);
    cache = NULL;
}

/* Key "k<n>" and a 16-byte binding. */
static size_t key_of(int n, char *buf)
{
    return (size_t)sprintf(buf, "k%d", n);
}

static bc_rule *add(bc_site *s, bc_store store, int n)
{
    char k[32];
    size_t len = key_of(n, k);
    return bc_add(cache, s, store, k, len, malloc(16), 16);
}

static bc_level look(bc_site *s, bc_store store, int n)
{
    char k[32];
    size_t len = key_of(n, k);
    bc_level lvl;
    bc_rule *r = bc_lookup(cache, s, store, k, len, &lvl);
    ck_assert_int_eq(r != NULL, lvl != BC_MISS);
    return lvl;
}

START_TEST(levels_l0_l1_l2)
{
    bc_site *a = bc_site_new(cache), *b = bc_site_new(cache);
    bc_counters n;

    ck_assert_int_eq(look(a, BC_STORE_DLR, 1), BC_MISS);
    ck_assert_ptr_nonnull(add(a, BC_STORE_DLR, 1));
    ck_assert_int_eq(look(a, BC_STORE_DLR, 1), BC_HIT_L0);
    add(a, BC_STORE_DLR, 2);
    ck_assert_int_eq(look(a, BC_STORE_DLR, 1), BC_HIT_L1);
    ck_assert_int_eq(look(a, BC_STORE_DLR, 1), BC_HIT_L0);
    /* another site shares the binder's L2 only */
    ck_assert_int_eq(look(b, BC_STORE_DLR, 2), BC_HIT_L2);
    ck_assert_int_eq(look(b, BC_STORE_DLR, 2), BC_HIT_L0);
    ck_assert_int_eq(look(b, BC_STORE_DLR, 3), BC_MISS);
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.hits_l0, 3);
    ck_assert_int_eq(n.hits_l1, 1);
    ck_assert_int_eq(n.hits_l2, 1);
    ck_assert_int_eq(n.misses, 2);
    ck_assert_int_eq(n.entries, 2);
    ck_assert_int_eq(n.evictions, 0);
}
END_TEST

START_TEST(l1_keeps_last_ten_newest_first)
{
    bc_site *a = bc_site_new(cache), *b = bc_site_new(cache);
    int i;

    for (i = 0; i < BC_L1_SIZE + 1; i++)
        add(a, BC_STORE_DLR, i);
    ck_assert_uint_eq(a->nl1, BC_L1_SIZE);
    ck_assert_mem_eq(a->l1[0]->key, "k10", 3);
    ck_assert_mem_eq(a->l1[BC_L1_SIZE - 1]->key, "k1", 2);
    /* k0 fell out of L1 but is still in L2 */
    ck_assert_int_eq(look(a, BC_STORE_DLR, 0), BC_HIT_L2);
    ck_assert_mem_eq(a->l1[0]->key, "k0", 2);
    ck_assert_int_eq(look(b, BC_STORE_DLR, 5), BC_HIT_L2);
}
END_TEST

START_TEST(l2_inserts_midway_and_drops_tail)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n;
    int i, total = BC_L2_SIZE + 50;

    for (i = 0; i < total; i++)
        add(a, BC_STORE_DLR, i);
    bc_counters_get(cache, &n);
    /* held: 128 in L2 plus L1 rules already pushed out of L2 (none: the
     * newest are mid-way, the tail holds the oldest of the second half) */
    ck_assert_int_eq(n.rules_added, total);
    ck_assert_int_le(n.entries, BC_L2_SIZE + BC_L1_SIZE);
    ck_assert_int_eq(n.entries + n.evictions, total);
    ck_assert_int_eq(bindings_freed, n.evictions);
    /* the first 64 rules stay at the head of L2 for ever */
    ck_assert_int_eq(look(bc_site_new(cache), BC_STORE_DLR, 0), BC_HIT_L2);
    ck_assert_int_eq(look(bc_site_new(cache), BC_STORE_DLR, BC_L2_INSERT - 1), BC_HIT_L2);
    /* the newest rule sits mid-way; an early second-half rule was dropped */
    ck_assert_int_eq(look(bc_site_new(cache), BC_STORE_DLR, total - 1), BC_HIT_L2);
    ck_assert_int_eq(look(bc_site_new(cache), BC_STORE_DLR, BC_L2_INSERT), BC_MISS);
}
END_TEST

/* L1 at its size: ten rules fill it and the oldest, in the last slot,
 * is still found there (moved to the front, nothing dropped); the
 * eleventh pushes the oldest out (l1_keeps_last_ten_newest_first). */
START_TEST(l1_holds_exactly_its_size_and_finds_its_last_slot)
{
    bc_site *a = bc_site_new(cache);
    int i;

    for (i = 0; i < BC_L1_SIZE - 1; i++)
        add(a, BC_STORE_DLR, i);
    ck_assert_uint_eq(a->nl1, BC_L1_SIZE - 1);
    add(a, BC_STORE_DLR, BC_L1_SIZE - 1);
    ck_assert_uint_eq(a->nl1, BC_L1_SIZE);
    ck_assert_mem_eq(a->l1[BC_L1_SIZE - 1]->key, "k0", 2);
    ck_assert_int_eq(look(a, BC_STORE_DLR, 0), BC_HIT_L1);          /* the last slot */
    ck_assert_uint_eq(a->nl1, BC_L1_SIZE);
    ck_assert_mem_eq(a->l1[0]->key, "k0", 2);
    ck_assert_int_eq(look(a, BC_STORE_DLR, 1), BC_HIT_L1);          /* now last */
    ck_assert_mem_eq(a->l1[BC_L1_SIZE - 1]->key, "k2", 2);
}
END_TEST

/* Rules added, looked up from a new site (so only L2 can answer). */
static bc_level look_l2(int n)
{
    return look(bc_site_new(cache), BC_STORE_DLR, n);
}

/* L2 at its size: 128 rules are all held; rule 129 drops exactly the
 * tail (the oldest of the second half, k64), rule 130 the next (k65);
 * the search reaches the new tail (k66) in the last slot; the first half
 * (k0..k63) stays. */
START_TEST(l2_holds_exactly_its_size_and_drops_the_tail_first)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n;
    int i;

    for (i = 0; i < BC_L2_SIZE; i++)
        add(a, BC_STORE_DLR, i);
    bc_counters_get(cache, &n);
    ck_int_eq(n.evictions, 0);
    ck_int_eq(n.entries, BC_L2_SIZE);
    add(a, BC_STORE_DLR, BC_L2_SIZE);
    bc_counters_get(cache, &n);
    ck_int_eq(n.evictions, 1);
    ck_int_eq(bindings_freed, 1);
    ck_assert_int_eq(look_l2(BC_L2_INSERT), BC_MISS);
    add(a, BC_STORE_DLR, BC_L2_SIZE + 1);
    bc_counters_get(cache, &n);
    ck_int_eq(n.evictions, 2);
    ck_assert_int_eq(look_l2(BC_L2_INSERT + 1), BC_MISS);
    /* k66 is the tail now, the last slot the search reaches */
    ck_assert_int_eq(look_l2(BC_L2_INSERT + 2), BC_HIT_L2);
    ck_assert_int_eq(look_l2(BC_L2_SIZE + 1), BC_HIT_L2);          /* the newest, mid-way */
    ck_assert_int_eq(look_l2(BC_L2_INSERT - 1), BC_HIT_L2);        /* the first half stays */
    ck_assert_int_eq(look_l2(0), BC_HIT_L2);
}
END_TEST

/* While L2 is less than half full a new rule goes at the end: after 64
 * rules (k0..k63 in order) rule 65 goes at position 64, and the rules
 * after it in front of it, so k64 is the first the tail gives up. */
START_TEST(l2_appends_until_half_full_then_inserts_mid_way)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n;
    int i;

    for (i = 0; i < BC_L2_SIZE + BC_L2_INSERT; i++)
        add(a, BC_STORE_DLR, i);
    bc_counters_get(cache, &n);
    ck_int_eq(n.evictions, BC_L2_INSERT);        /* k64..k127, oldest first */
    for (i = 0; i < BC_L2_INSERT; i++)
        ck_assert_msg(look_l2(i) == BC_HIT_L2, "k%d of the first half was dropped", i);
    for (i = BC_L2_INSERT; i < BC_L2_SIZE; i++)
        ck_assert_msg(look_l2(i) == BC_MISS, "k%d is still held", i);
    ck_assert_int_eq(look_l2(BC_L2_SIZE), BC_HIT_L2);
}
END_TEST

/* The map stores grow their buckets when 3/4 full: 64 buckets take 48
 * rules; the 49th doubles them (64 more bucket pointers counted in the
 * bytes), the 50th does not. */
START_TEST(map_buckets_double_when_three_quarters_full)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n0, n;
    long long rule = 0, step[51];
    int i;

    bc_counters_get(cache, &n0);
    for (i = 1; i <= 50; i++) {                  /* keys k10..k59: one size */
        ck_assert_ptr_nonnull(add(a, BC_STORE_INSTANCE_MAP, 9 + i));
        bc_counters_get(cache, &n);
        step[i] = n.bytes - n0.bytes;
        n0 = n;
    }
    rule = (long long)(sizeof(bc_rule) + 3 + 16);
    ck_assert_int_eq(step[1], rule + 64 * (long long)sizeof(void *));   /* the first 64 */
    ck_assert_int_eq(step[2], rule);
    ck_assert_int_eq(step[48], rule);
    ck_assert_int_eq(step[49], rule + 64 * (long long)sizeof(void *));
    ck_assert_int_eq(step[50], rule);
    for (i = 1; i <= 50; i++)
        ck_assert_int_ne(look(a, BC_STORE_INSTANCE_MAP, 9 + i), BC_MISS);
}
END_TEST

START_TEST(instance_map_never_evicts)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n0, n;
    int i;

    bc_counters_get(cache, &n0);
    for (i = 0; i < 1000; i++)
        ck_assert_ptr_nonnull(add(a, BC_STORE_INSTANCE_MAP, i));
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.entries, 1000);
    ck_assert_int_eq(n.evictions, 0);
    ck_assert_int_ge(n.bytes - n0.bytes, 1000 * (long long)(sizeof(bc_rule) + 16));
    ck_assert_int_eq(look(a, BC_STORE_INSTANCE_MAP, 999), BC_HIT_L0);
    ck_assert_int_eq(look(a, BC_STORE_INSTANCE_MAP, 3), BC_HIT_L2);
    ck_assert_int_eq(look(a, BC_STORE_INSTANCE_MAP, 1000), BC_MISS);
}
END_TEST

START_TEST(type_map_and_bytes_return)
{
    bc_site *a = bc_site_new(cache);
    bc_counters n0, n;

    bc_counters_get(cache, &n0);
    add(a, BC_STORE_TYPE_MAP, 1);
    add(a, BC_STORE_TYPE_MAP, 2);
    ck_assert_int_eq(look(a, BC_STORE_TYPE_MAP, 1), BC_HIT_L2);
    ck_assert_int_eq(look(a, BC_STORE_TYPE_MAP, 1), BC_HIT_L0);
    ck_assert_int_eq(look(a, BC_STORE_DLR, 2), BC_MISS);   /* stores are separate */
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.entries, 2);
    ck_assert_int_gt(n.bytes, n0.bytes);
}
END_TEST

START_TEST(free_releases_every_binding)
{
    bc_site *a = bc_site_new(cache);
    int i;

    for (i = 0; i < 300; i++)
        add(a, (bc_store)(i % 3), i);
    bc_free(cache);
    cache = NULL;
    ck_assert_int_eq(bindings_freed, 300);
}
END_TEST

START_TEST(identities_get_fresh_serials)
{
    bc_ident *a, *b;
    unsigned long long first;
    bc_counters n;
    uintptr_t p;

    ck_assert_ptr_null(bc_ident_find(cache, 0x1000));
    ck_int_eq(bc_ident_forget(cache, 0x1000), 0);        /* nothing known: nothing to forget */
    a = bc_ident_add(cache, 0x1000);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a->has_type, -1);
    first = a->serial;
    ck_assert_ptr_eq(bc_ident_find(cache, 0x1000), a);
    ck_assert_int_eq(bc_ident_forget(cache, 0x1000), 1);
    ck_assert_int_eq(bc_ident_forget(cache, 0x1000), 0);
    ck_assert_ptr_null(bc_ident_find(cache, 0x1000));
    b = bc_ident_add(cache, 0x1000);      /* the same address, a new object */
    ck_assert(b->serial != first);
    for (p = 1; p <= 500; p++)
        ck_assert_ptr_nonnull(bc_ident_add(cache, p * 16 + 8));
    for (p = 1; p <= 500; p++)
        ck_assert_uint_eq(bc_ident_find(cache, p * 16 + 8)->ptr, p * 16 + 8);
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.idents, 501);
}
END_TEST

/* The stress loop's identity traffic: one object forgotten, the next met,
 * a thousand times. Forgotten records are reused, so the bytes held stop
 * growing after the first, and every new record still gets a fresh
 * serial; more forgotten at once than the pool keeps are freed. */
START_TEST(forgotten_identities_are_reused_with_fresh_serials)
{
    unsigned long long last = 0;
    bc_counters n0, n;
    bc_ident *id;
    uintptr_t p;
    int i;

    ck_assert_ptr_nonnull(bc_ident_add(cache, 0x2000));
    bc_counters_get(cache, &n0);
    ck_assert_int_eq(bc_ident_forget(cache, 0x2000), 1);
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.bytes, n0.bytes);         /* kept for reuse, still counted */
    for (i = 0; i < 1000; i++) {
        id = bc_ident_add(cache, 0x3000 + 16 * (uintptr_t)(i % 7));
        ck_assert_ptr_nonnull(id);
        ck_assert(id->serial > last);
        ck_assert_int_eq(id->has_type, -1);
        ck_assert_int_eq(id->flags, 0);
        last = id->serial;
        bc_counters_get(cache, &n);
        ck_assert_int_eq(n.bytes, n0.bytes);     /* reused: nothing new allocated */
        id->has_type = 1;                        /* the caller's marks, gone on reuse */
        id->flags = 3;
        ck_assert_int_eq(bc_ident_forget(cache, id->ptr), 1);
    }
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.idents, 0);
    for (p = 1; p <= 200; p++)
        ck_assert_ptr_nonnull(bc_ident_add(cache, p * 16));
    for (p = 1; p <= 200; p++)
        ck_assert_int_eq(bc_ident_forget(cache, p * 16), 1);
    bc_counters_get(cache, &n);
    ck_assert_int_eq(n.idents, 0);
    ck_assert_int_lt(n.bytes - n0.bytes, 200 * (long long)sizeof(bc_ident));
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(levels_l0_l1_l2), CS_TEST(l1_keeps_last_ten_newest_first),
        CS_TEST(l2_inserts_midway_and_drops_tail), CS_TEST(instance_map_never_evicts),
        CS_TEST(l1_holds_exactly_its_size_and_finds_its_last_slot),
        CS_TEST(l2_holds_exactly_its_size_and_drops_the_tail_first),
        CS_TEST(l2_appends_until_half_full_then_inserts_mid_way),
        CS_TEST(map_buckets_double_when_three_quarters_full),
        CS_TEST(type_map_and_bytes_return), CS_TEST(free_releases_every_binding),
        CS_TEST(identities_get_fresh_serials), CS_TEST(forgotten_identities_are_reused_with_fresh_serials),
        NULL
    };

    return cs_run_tests("bindcache", setup, teardown, tests);
}
