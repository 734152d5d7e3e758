/* The binding cache structures; see bindcache.h for the model. */
#include "bindcache.h"
#include <stdlib.h>
#include <string.h>

typedef struct bc_map {
    bc_rule **buckets;
    size_t nbuckets, count;
} bc_map;

typedef struct bc_site_node {
    bc_site site;
    struct bc_site_node *next;
} bc_site_node;

/* Identity records kept for reuse after bc_ident_forget, at most: a stress
 * loop forgets one object and meets the next every iteration, and a
 * record taken from here costs no allocation (nor the allocator's lock,
 * which every thread of the process shares). */
#define IDENT_POOL_MAX 32

/* The owner writes the counters on every lookup; the padding keeps
 * another thread's allocation off their cache lines. */
#define LINE_PAD 64

struct bc_cache {
    unsigned char pad_head[LINE_PAD];
    void (*free_binding)(void *binding);
    bc_rule *l2[BC_L2_SIZE];
    size_t nl2;
    bc_map maps[2];                 /* BC_STORE_INSTANCE_MAP, BC_STORE_TYPE_MAP */
    bc_ident **idents;
    size_t nidents_buckets;
    unsigned long long next_serial;
    bc_site_node *sites;
    bc_ident *pool;                 /* forgotten records for reuse (next-linked) */
    size_t npool;
    bc_counters n;
    unsigned char pad_tail[LINE_PAD];
};

uint32_t bc_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint32_t h = 2166136261u;

    while (len--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static int key_eq(const bc_rule *r, uint32_t hash, const void *key, size_t keylen)
{
    return r->hash == hash && r->keylen == keylen && !memcmp(r->key, key, keylen);
}

/* Drops one level's hold on r; the last one frees it. evicted says whether
 * that counts as an eviction (not when the whole cache is freed). */
static void rule_unref(bc_cache *c, bc_rule *r, int evicted)
{
    if (--r->refs)
        return;
    if (c->free_binding && r->binding)
        c->free_binding(r->binding);
    c->n.bytes -= (long long)(sizeof(*r) + r->keylen + r->binding_bytes);
    c->n.entries--;
    c->n.evictions += evicted;
    free(r);
}

bc_cache *bc_new(void (*free_binding)(void *binding))
{
    bc_cache *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->free_binding = free_binding;
    c->next_serial = 1;
    c->n.bytes = sizeof(*c);
    return c;
}

static void map_clear(bc_cache *c, bc_map *m)
{
    size_t i;
    bc_rule *r, *next;

    for (i = 0; i < m->nbuckets; i++) {
        for (r = m->buckets[i]; r; r = next) {
            next = r->next;
            rule_unref(c, r, 0);
        }
    }
    free(m->buckets);
}

void bc_free(bc_cache *c)
{
    bc_site_node *sn, *snext;
    bc_ident *id, *inext;
    size_t i;

    if (!c)
        return;
    for (sn = c->sites; sn; sn = snext) {
        snext = sn->next;
        for (i = 0; i < sn->site.nl1; i++)
            rule_unref(c, sn->site.l1[i], 0);
        if (sn->site.l0)
            rule_unref(c, sn->site.l0, 0);
        free(sn);
    }
    for (i = 0; i < c->nl2; i++)
        rule_unref(c, c->l2[i], 0);
    map_clear(c, &c->maps[0]);
    map_clear(c, &c->maps[1]);
    for (i = 0; i < c->nidents_buckets; i++) {
        for (id = c->idents[i]; id; id = inext) {
            inext = id->next;
            free(id);
        }
    }
    free(c->idents);
    for (id = c->pool; id; id = inext) {
        inext = id->next;
        free(id);
    }
    free(c);
}

bc_site *bc_site_new(bc_cache *c)
{
    bc_site_node *sn = calloc(1, sizeof(*sn));

    if (!sn)
        return NULL;
    sn->next = c->sites;
    c->sites = sn;
    c->n.bytes += sizeof(*sn);
    return &sn->site;
}

static void site_set_l0(bc_cache *c, bc_site *s, bc_rule *r)
{
    if (s->l0 == r)
        return;
    r->refs++;
    if (s->l0)
        rule_unref(c, s->l0, 1);
    s->l0 = r;
}

/* Puts r at the front of the site's L1 (moving it if present, else
 * dropping the oldest rule when full). */
static void site_l1_front(bc_cache *c, bc_site *s, bc_rule *r)
{
    size_t i;

    for (i = 0; i < s->nl1 && s->l1[i] != r; i++)
        ;
    if (i == s->nl1) {
        r->refs++;
        if (s->nl1 == BC_L1_SIZE)
            rule_unref(c, s->l1[--s->nl1], 1);
        i = s->nl1++;
    }
    memmove(&s->l1[1], &s->l1[0], i * sizeof(s->l1[0]));
    s->l1[0] = r;
}

/* Inserts r into L2 mid-way (or at the end while L2 is less than half
 * full), dropping the tail rule when L2 is full. */
static void l2_insert(bc_cache *c, bc_rule *r)
{
    size_t pos = c->nl2 < BC_L2_INSERT ? c->nl2 : BC_L2_INSERT;

    r->refs++;
    if (c->nl2 == BC_L2_SIZE)
        rule_unref(c, c->l2[--c->nl2], 1);
    memmove(&c->l2[pos + 1], &c->l2[pos], (c->nl2 - pos) * sizeof(c->l2[0]));
    c->l2[pos] = r;
    c->nl2++;
}

static bc_rule *map_find(bc_map *m, uint32_t hash, const void *key, size_t keylen)
{
    bc_rule *r;

    if (!m->nbuckets)
        return NULL;
    for (r = m->buckets[hash & (m->nbuckets - 1)]; r; r = r->next)
        if (key_eq(r, hash, key, keylen))
            return r;
    return NULL;
}

/* Doubles the bucket array when the load passes 3/4; returns 0 on OOM
 * (the map keeps working, only slower). */
static int map_grow(bc_cache *c, bc_map *m)
{
    size_t n = m->nbuckets ? m->nbuckets * 2 : 64, i;
    bc_rule **b, *r, *next;

    if (m->nbuckets && m->count * 4 < m->nbuckets * 3)
        return 1;
    if (!(b = calloc(n, sizeof(*b))))
        return 0;
    for (i = 0; i < m->nbuckets; i++) {
        for (r = m->buckets[i]; r; r = next) {
            next = r->next;
            r->next = b[r->hash & (n - 1)];
            b[r->hash & (n - 1)] = r;
        }
    }
    free(m->buckets);
    c->n.bytes += (long long)((n - m->nbuckets) * sizeof(*b));
    m->buckets = b;
    m->nbuckets = n;
    return 1;
}

bc_rule *bc_lookup(bc_cache *c, bc_site *s, bc_store store, const void *key, size_t keylen,
                   bc_level *level)
{
    uint32_t hash;
    bc_rule *r = NULL;
    size_t i;

    /* L0 first and without hashing: the repeated call is the hot path */
    if (s->l0 && s->l0->keylen == keylen && !memcmp(s->l0->key, key, keylen)) {
        c->n.hits_l0++;
        *level = BC_HIT_L0;
        return s->l0;
    }
    hash = bc_hash(key, keylen);
    if (store == BC_STORE_DLR) {
        for (i = 0; i < s->nl1; i++) {
            if (key_eq(s->l1[i], hash, key, keylen)) {
                r = s->l1[i];
                site_l1_front(c, s, r);
                site_set_l0(c, s, r);
                c->n.hits_l1++;
                *level = BC_HIT_L1;
                return r;
            }
        }
        for (i = 0; i < c->nl2 && !r; i++)
            if (key_eq(c->l2[i], hash, key, keylen))
                r = c->l2[i];
        if (r)
            site_l1_front(c, s, r);
    } else {
        r = map_find(&c->maps[store - 1], hash, key, keylen);
    }
    if (!r) {
        c->n.misses++;
        *level = BC_MISS;
        return NULL;
    }
    site_set_l0(c, s, r);
    c->n.hits_l2++;
    *level = BC_HIT_L2;
    return r;
}

bc_rule *bc_add(bc_cache *c, bc_site *s, bc_store store, const void *key, size_t keylen,
                void *binding, size_t binding_bytes)
{
    bc_rule *r = malloc(sizeof(*r) + keylen);
    bc_map *m;

    if (!r) {
        if (c->free_binding && binding)
            c->free_binding(binding);
        return NULL;
    }
    memset(r, 0, sizeof(*r));
    r->binding = binding;
    r->binding_bytes = binding_bytes;
    r->hash = bc_hash(key, keylen);
    r->keylen = keylen;
    memcpy(r->key, key, keylen);
    r->refs = 1;                      /* the binder level's hold */
    c->n.entries++;
    c->n.rules_added++;
    c->n.bytes += (long long)(sizeof(*r) + keylen + binding_bytes);
    if (store == BC_STORE_DLR) {
        r->refs = 0;
        l2_insert(c, r);
        site_l1_front(c, s, r);
    } else {
        m = &c->maps[store - 1];
        map_grow(c, m);
        if (!m->nbuckets) {           /* the map could not take it */
            c->n.rules_added--;
            rule_unref(c, r, 0);
            return NULL;
        }
        r->next = m->buckets[r->hash & (m->nbuckets - 1)];
        m->buckets[r->hash & (m->nbuckets - 1)] = r;
        m->count++;
    }
    site_set_l0(c, s, r);
    return r;
}

static bc_ident **ident_slot(bc_cache *c, uintptr_t ptr)
{
    return &c->idents[bc_hash(&ptr, sizeof(ptr)) & (c->nidents_buckets - 1)];
}

bc_ident *bc_ident_find(bc_cache *c, uintptr_t ptr)
{
    bc_ident *id;

    if (!c->nidents_buckets)
        return NULL;
    for (id = *ident_slot(c, ptr); id; id = id->next)
        if (id->ptr == ptr)
            return id;
    return NULL;
}

/* Grows the identity table at load 3/4; 0 on OOM. */
static int ident_grow(bc_cache *c)
{
    size_t n = c->nidents_buckets ? c->nidents_buckets * 2 : 64, i;
    bc_ident **old = c->idents, *id, *next;
    size_t oldn = c->nidents_buckets;

    if (oldn && (size_t)c->n.idents * 4 < oldn * 3)
        return 1;
    if (!(c->idents = calloc(n, sizeof(*c->idents)))) {
        c->idents = old;
        return oldn != 0;
    }
    c->nidents_buckets = n;
    for (i = 0; i < oldn; i++) {
        for (id = old[i]; id; id = next) {
            next = id->next;
            id->next = *ident_slot(c, id->ptr);
            *ident_slot(c, id->ptr) = id;
        }
    }
    free(old);
    c->n.bytes += (long long)((n - oldn) * sizeof(*c->idents));
    return 1;
}

bc_ident *bc_ident_add(bc_cache *c, uintptr_t ptr)
{
    bc_ident *id;

    if (!ident_grow(c))
        return NULL;
    if ((id = c->pool)) {
        c->pool = id->next;
        c->npool--;
        memset(id, 0, sizeof(*id));
    } else if ((id = calloc(1, sizeof(*id)))) {
        c->n.bytes += sizeof(*id);
    } else {
        return NULL;
    }
    id->ptr = ptr;
    id->serial = c->next_serial++;
    id->has_type = -1;
    id->next = *ident_slot(c, ptr);
    *ident_slot(c, ptr) = id;
    c->n.idents++;
    return id;
}

int bc_ident_forget(bc_cache *c, uintptr_t ptr)
{
    bc_ident **pp, *id;

    if (!c->nidents_buckets)
        return 0;
    for (pp = ident_slot(c, ptr); (id = *pp); pp = &id->next) {
        if (id->ptr == ptr) {
            *pp = id->next;
            c->n.idents--;
            if (c->npool < IDENT_POOL_MAX) {
                id->next = c->pool;   /* still held: its bytes stay counted */
                c->pool = id;
                c->npool++;
            } else {
                free(id);
                c->n.bytes -= sizeof(*id);
            }
            return 1;
        }
    }
    return 0;
}

void bc_counters_get(const bc_cache *c, bc_counters *out)
{
    *out = c->n;
}
