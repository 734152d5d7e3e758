/*
 * The live blocks of a tracing session, keyed by address, and the stacks
 * they share.
 *
 * Blocks: 64 shards, each a chained hash table under its own spin lock, so
 * threads freeing different blocks rarely meet (an SRW lock pair costs
 * about 64 ns under Wine, an uncontended spin lock pair under 10; the
 * sections are a few dozen instructions). Records come from slabs of
 * the private heap and go back to a per-shard free list; the counters are
 * per shard too, kept under its lock (no interlocked operation besides the
 * lock itself). In front of the shards, a static table of counters (one
 * per hash value of the address, each owned by one shard and written under
 * its lock) answers "surely not recorded" without a lock: every heap free
 * of the process asks it first.
 *
 * Stacks are interned: a leak of a million blocks from one call site keeps
 * one copy of its frames. Each thread remembers the stacks it used lately,
 * so a loop allocating from the same site does not take the global lock.
 */
#include "trace_internal.h"

#include <string.h>

#define SHARDS 64
#define FILTER_SIZE 65536           /* counters, a power of two */
#define STACK_BUCKETS 4096
#define SLAB_RECORDS 256

typedef struct record {
    struct record *next;
    uintptr_t key;
    cs_block_info info;
} record;

typedef struct shard {
    volatile LONG lock;
    record **buckets;
    size_t nbuckets;                /* 0 until the first insert */
    size_t count;
    record *free_list;
    int64_t allocations, frees, bytes;
} shard;

static shard shards[SHARDS] __attribute__((aligned(64)));
static volatile LONG filter[FILTER_SIZE];

static SRWLOCK stacks_lock = SRWLOCK_INIT;
static cs_trace_stack **stack_buckets;

static DWORD thread_tls = TLS_OUT_OF_INDEXES;
DWORD cs_pending_tls = TLS_OUT_OF_INDEXES;

static inline uint64_t hash_key(uintptr_t key)
{
    return ((uint64_t)key >> 4) * 0x9e3779b97f4a7c15ull;
}

/* Spins a little, then yields: the sections under it are a few dozen
 * instructions, but a holder may be preempted. */
static void shard_lock(shard *sh)
{
    unsigned spins = 0;

    while (InterlockedExchange(&sh->lock, 1)) {
        while (sh->lock) {
            if (++spins < 100) {
                YieldProcessor();
            } else {
                SwitchToThread();
                spins = 0;
            }
        }
    }
}

static void shard_unlock(shard *sh)
{
    __atomic_store_n(&sh->lock, 0, __ATOMIC_RELEASE);
}

/* The shard is the top 6 bits, the filter entry the top 16: an entry
 * belongs to one shard. */
static inline shard *shard_of(uint64_t h) { return &shards[h >> 58]; }
static inline size_t filter_of(uint64_t h) { return (size_t)(h >> 48); }
static inline size_t bucket_of(uint64_t h, size_t n) { return (size_t)(h >> 20) & (n - 1); }

HRESULT cs_table_init(void)
{
    memset(shards, 0, sizeof(shards));
    memset((void *)filter, 0, sizeof(filter));
    if (!(stack_buckets = cs_priv_alloc(STACK_BUCKETS * sizeof(*stack_buckets))))
        return E_OUTOFMEMORY;
    if (cs_pending_tls == TLS_OUT_OF_INDEXES
        && (cs_pending_tls = TlsAlloc()) == TLS_OUT_OF_INDEXES)
        return HRESULT_FROM_WIN32(GetLastError());
    if ((thread_tls = TlsAlloc()) == TLS_OUT_OF_INDEXES)
        return HRESULT_FROM_WIN32(GetLastError());
    return S_OK;
}

/* Freeing the TLS slot clears it in every thread: the thread states die
 * with the private heap right after. The pending slot stays: it only ever
 * points into a hook's own stack frame. */
void cs_table_reset(void)
{
    if (thread_tls != TLS_OUT_OF_INDEXES)
        TlsFree(thread_tls);
    thread_tls = TLS_OUT_OF_INDEXES;
    stack_buckets = NULL;
    memset(shards, 0, sizeof(shards));
    memset((void *)filter, 0, sizeof(filter));
}

cs_trace_thread *cs_thread_state(void)
{
    cs_trace_thread *t = cs_tls_get(thread_tls);

    if (t)
        return t;
    if (!(t = cs_priv_alloc(sizeof(*t))))
        return NULL;
    t->iteration = CS_TRACE_NO_ITERATION;
    t->statement = CS_TRACE_NO_STATEMENT;
    {
        DWORD err = GetLastError();
        TlsSetValue(thread_tls, t);
        SetLastError(err);
    }
    return t;
}

static BOOL same_stack(const cs_trace_stack *s, uint32_t hash, const uintptr_t *frames,
                       unsigned n)
{
    return s->hash == hash && s->nframes == n && !memcmp(s->frames, frames, n * sizeof(*frames));
}

const cs_trace_stack *cs_stack_intern(cs_trace_thread *t, const uintptr_t *frames,
                                      unsigned nframes)
{
    uint32_t hash = cs_trace_stack_hash(frames, nframes);
    cs_trace_stack **recent = &t->recent[hash & (CS_STACK_CACHE_SIZE - 1)];
    cs_trace_stack **head = &stack_buckets[hash & (STACK_BUCKETS - 1)], *s;

    if (*recent && same_stack(*recent, hash, frames, nframes))
        return *recent;
    AcquireSRWLockShared(&stacks_lock);
    for (s = *head; s && !same_stack(s, hash, frames, nframes); s = s->next)
        ;
    ReleaseSRWLockShared(&stacks_lock);
    if (!s) {
        AcquireSRWLockExclusive(&stacks_lock);
        for (s = *head; s && !same_stack(s, hash, frames, nframes); s = s->next)
            ;
        if (!s && (s = cs_priv_alloc(sizeof(*s) + nframes * sizeof(*frames)))) {
            s->hash = hash;
            s->nframes = nframes;
            memcpy(s->frames, frames, nframes * sizeof(*frames));
            s->next = *head;
            *head = s;
        }
        ReleaseSRWLockExclusive(&stacks_lock);
    }
    if (s)
        *recent = s;
    return s;
}

/* Doubles a shard's bucket array (the shard's lock is held). */
static BOOL grow(shard *sh)
{
    size_t n = sh->nbuckets ? sh->nbuckets * 2 : 64, i;
    record **b = cs_priv_alloc(n * sizeof(*b)), *r, *next;

    if (!b)
        return FALSE;
    for (i = 0; i < sh->nbuckets; i++) {
        for (r = sh->buckets[i]; r; r = next) {
            size_t j = bucket_of(hash_key(r->key), n);
            next = r->next;
            r->next = b[j];
            b[j] = r;
        }
    }
    if (sh->buckets)
        cs_raw.free(cs_raw.heap, 0, sh->buckets);
    sh->buckets = b;
    sh->nbuckets = n;
    return TRUE;
}

/* A record from the shard's free list, refilled a slab at a time. */
static record *new_record(shard *sh)
{
    record *r = sh->free_list;
    size_t i;

    if (!r) {
        record *slab = cs_priv_alloc(SLAB_RECORDS * sizeof(*slab));
        if (!slab)
            return NULL;
        for (i = 1; i < SLAB_RECORDS; i++) {
            slab[i].next = sh->free_list;
            sh->free_list = &slab[i];
        }
        return &slab[0];
    }
    sh->free_list = r->next;
    return r;
}

/* The link that points at key's record, or at the NULL ending its chain. */
static record **find(shard *sh, uint64_t h, uintptr_t key)
{
    record **link = &sh->buckets[bucket_of(h, sh->nbuckets)];

    while (*link && (*link)->key != key)
        link = &(*link)->next;
    return link;
}

BOOL cs_table_insert(uintptr_t key, const cs_block_info *info)
{
    uint64_t h = hash_key(key);
    shard *sh = shard_of(h);
    record **link, *r;
    BOOL ok = TRUE;

    shard_lock(sh);
    if (sh->count >= sh->nbuckets * 2 && !grow(sh) && !sh->nbuckets) {
        ok = FALSE;
        goto out_unlock;
    }
    link = find(sh, h, key);
    if ((r = *link)) {
        /* A block we never saw freed: its address was handed out again. */
        sh->bytes -= (int64_t)r->info.size;
        sh->frees++;
    } else if ((r = new_record(sh))) {
        r->key = key;
        r->next = NULL;
        *link = r;
        sh->count++;
        filter[filter_of(h)]++;
    } else {
        ok = FALSE;
        goto out_unlock;
    }
    r->info = *info;
    sh->allocations++;
    sh->bytes += (int64_t)info->size;
out_unlock:
    shard_unlock(sh);
    return ok;
}

BOOL cs_table_maybe(uintptr_t key)
{
    return filter[filter_of(hash_key(key))] != 0;
}

BOOL cs_table_remove(uintptr_t key, cs_block_info *info)
{
    uint64_t h = hash_key(key);
    shard *sh = shard_of(h);
    record **link, *r = NULL;

    shard_lock(sh);
    if (sh->nbuckets && (r = *(link = find(sh, h, key)))) {
        *link = r->next;
        sh->count--;
        if (info)
            *info = r->info;
        filter[filter_of(h)]--;
        sh->frees++;
        sh->bytes -= (int64_t)r->info.size;
        r->next = sh->free_list;
        sh->free_list = r;
    }
    shard_unlock(sh);
    return r != NULL;
}

size_t cs_table_snapshot(cs_trace_record *out, size_t max)
{
    size_t total = 0, i, b;
    record *r;

    for (i = 0; i < SHARDS; i++) {
        shard *sh = &shards[i];
        shard_lock(sh);
        for (b = 0; b < sh->nbuckets; b++) {
            for (r = sh->buckets[b]; r; r = r->next, total++) {
                cs_trace_record *o;
                if (total >= max)
                    continue;
                o = &out[total];
                o->size = r->info.size;
                o->frames = r->info.stack ? r->info.stack->frames : NULL;
                o->nframes = r->info.stack ? r->info.stack->nframes : 0;
                o->stack_hash = r->info.stack ? r->info.stack->hash : 0;
                o->iteration = r->info.iteration;
                o->statement = r->info.statement;
                o->kind = r->info.kind;
            }
        }
        shard_unlock(sh);
    }
    return total;
}

void cs_table_counts(LONG64 *allocations, LONG64 *frees, LONG64 *live_blocks, LONG64 *bytes)
{
    size_t i;

    *allocations = *frees = *bytes = 0;
    for (i = 0; i < SHARDS; i++) {
        shard_lock(&shards[i]);
        *allocations += shards[i].allocations;
        *frees += shards[i].frees;
        *bytes += shards[i].bytes;
        shard_unlock(&shards[i]);
    }
    *live_blocks = *allocations - *frees;
}
