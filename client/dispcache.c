/*
 * The dispatcher: the cache policies between resolve and invoke (see lb.h).
 *
 * A rule's key is the site's signature (call kind, argument count, member)
 * followed by one restriction per object involved, the receiver first,
 * then every @object argument in order:
 *   'T' + 16-byte TYPEATTR guid   (type policy, object with type info)
 *   'I' + 8-byte identity serial  (instance policies, and the type
 *                                  policy's fallback for untyped objects)
 *   'V'                           (an @name bound to a value, no object)
 * Rules made only of type restrictions live in the type map; rules naming
 * an instance live in the DLR levels (instance, and type's fallback) or in
 * the never-evicting instance map (instance-unbounded).
 *
 * Weak identity trade-off: identity records are keyed by the pointer value
 * the caller passes (not the canonical IUnknown, which would cost a
 * QueryInterface per call); two different pointers to one object are two
 * identities, which only costs an extra bind. Records hold no reference,
 * so they cannot tell that an object died: lb_dispatcher_forget must be
 * called before the last Release, or a new object at the same address
 * would inherit the old record (its serial, its type). With forget, an
 * address reused by a new object gets a new serial and never matches.
 */
#include "lb_internal.h"
#include "dispfast.h"
#include "bindcache.h"
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ID_VT_CHECKED 1   /* QueryInterface(vtable iid) compared with the pointer */
#define ID_VT_SAME    2   /* ... and it was the same pointer: the slot is callable */

#define KEY_MAX 1024


/* One site's levels and repeated call. Slots are 64-byte aligned (the
 * array is allocated so): what lb_call checks and a repeated call reads
 * (site, serial, the fast call's head) is one cache line, a repeated
 * Invoke's first argument the next, wherever the heap put the array. A
 * repeated Invoke measured 1.01 or 1.08 times a raw Invoke from one
 * process to the next, depending on where those fields fell. */
typedef struct __attribute__((aligned(64))) site_slot {
    const lb_site *site;
    unsigned long long serial;
    fast_call fast;
    bc_site *levels;
} site_slot;

_Static_assert(offsetof(site_slot, fast.pad_line) <= 64, "a repeated call's checks on one line");
_Static_assert(offsetof(site_slot, fast.rgv) == 64, "a repeated Invoke's first argument starts a line");

/* What d->last points at before a first slot (and after the slots
 * moved): no site has serial 0 (lb.c counts from 1), so lb_call's check
 * fails on it without a test for NULL first. Never written. */
static site_slot no_slot;

/* A worker thread writes its dispatcher's counters on every call; the
 * padding keeps another thread's allocation off their cache lines. */
#define LINE_PAD 64

struct lb_dispatcher {
    unsigned char pad_head[LINE_PAD];
    site_slot *last;           /* the slot used last, &no_slot before the first */
    long long fast_native, fast_invoke;  /* L0 hits served by a fast call, by plan:
                                          * added to hits_l0 and the plan counts */
    lb_policy policy;
    BOOL use_vtable;
    bc_cache *cache;
    site_slot *slots;
    size_t nslots, capslots;
    lb_counts n;
    long long calls, type_fallbacks;
    unsigned long long gen;    /* bumped by use_vtable: every fast call stale */
    /* The type information the type policy met last and its TYPEATTR
     * guid, a reference held: a new object of the same class hands out
     * the same ITypeInfo, and reading the guid again would cost a
     * GetTypeAttr, which allocates (and frees) a TYPEATTR on the process
     * heap for every new object. */
    ITypeInfo *last_ti;
    GUID last_guid;
    unsigned char pad_tail[LINE_PAD];
};

/* The dispatcher on cache lines of its own (64-byte aligned, like its
 * slots: see site_slot). */
lb_dispatcher *lb_dispatcher_new(lb_policy policy)
{
    lb_dispatcher *d = _aligned_malloc(sizeof(*d), 64);

    if (!d)
        return NULL;
    memset(d, 0, sizeof(*d));
    if (!(d->cache = bc_new(free))) {
        _aligned_free(d);
        return NULL;
    }
    d->policy = policy;
    d->use_vtable = TRUE;
    d->last = &no_slot;
    return d;
}

void lb_dispatcher_free(lb_dispatcher *d)
{
    if (!d)
        return;
    if (d->last_ti)
        ITypeInfo_Release(d->last_ti);
    bc_free(d->cache);
    _aligned_free(d->slots);
    _aligned_free(d);
}

void lb_dispatcher_use_vtable(lb_dispatcher *d, BOOL enable)
{
    size_t i;

    d->use_vtable = enable;
    d->gen++;
    for (i = 0; i < d->nslots; i++)  /* a fast call of the other plan never repeats */
        d->slots[i].fast.obj = NULL;
}

/* The slot of site, or NULL when the dispatcher has none yet. The last
 * site used is checked first: a stress loop calls few sites. A site's
 * serial is unique in the process (lb.c), so it alone names the site. */
static inline site_slot *find_slot(lb_dispatcher *d, const lb_site *site)
{
    size_t i;

    if (likely(d->last->serial == site->serial))
        return d->last;
    for (i = 0; i < d->nslots; i++) {
        if (d->slots[i].site == site && d->slots[i].serial == site->serial) {
            d->last = &d->slots[i];
            return d->last;
        }
    }
    return NULL;
}

/* The per-site levels (L0/L1) this dispatcher keeps for site, made on
 * first use; NULL on OOM. */
static bc_site *site_levels(lb_dispatcher *d, const lb_site *site)
{
    site_slot *slot = find_slot(d, site), *slots;

    if (slot)
        return slot->levels;
    if (d->nslots == d->capslots) {
        size_t cap = d->capslots ? d->capslots * 2 : 8;
        if (!(slots = _aligned_realloc(d->slots, cap * sizeof(*slots), 64)))
            return NULL;
        d->slots = slots;
        d->capslots = cap;
        d->last = &no_slot;           /* it pointed into the old array */
    }
    if (!(d->slots[d->nslots].levels = bc_site_new(d->cache)))
        return NULL;
    d->slots[d->nslots].site = site;
    d->slots[d->nslots].serial = site->serial;
    memset(&d->slots[d->nslots].fast, 0, sizeof(d->slots[d->nslots].fast));
    d->last = &d->slots[d->nslots++];
    return d->last->levels;
}

/* The TYPEATTR guid of obj's GetTypeInfo(0); FALSE when it has no usable
 * type information (none, or GetTypeInfo / GetTypeAttr fail). The same
 * ITypeInfo as last time (d->last_ti, whose reference keeps its address
 * from being reused by another) gives the guid read then. */
static BOOL type_identity(lb_dispatcher *d, IDispatch *obj, GUID *guid)
{
    ITypeInfo *ti = NULL;
    TYPEATTR *ta;
    UINT count = 0;
    BOOL ok = FALSE;

    if (FAILED(IDispatch_GetTypeInfoCount(obj, &count)) || !count
        || FAILED(IDispatch_GetTypeInfo(obj, 0, LOCALE_USER_DEFAULT, &ti)) || !ti)
        return FALSE;
    if (ti == d->last_ti) {
        *guid = d->last_guid;
        ITypeInfo_Release(ti);
        return TRUE;
    }
    if (SUCCEEDED(ITypeInfo_GetTypeAttr(ti, &ta))) {
        *guid = ta->guid;
        ok = TRUE;
        ITypeInfo_ReleaseTypeAttr(ti, ta);
    }
    if (!ok) {
        ITypeInfo_Release(ti);
        return FALSE;
    }
    if (d->last_ti)
        ITypeInfo_Release(d->last_ti);
    d->last_ti = ti;                  /* our reference: its address stays its own */
    d->last_guid = *guid;
    return TRUE;
}

/* The identity record of p (made on first sight); under the type policy,
 * probes its type once and counts an object that has none. */
static bc_ident *identity(lb_dispatcher *d, IDispatch *p)
{
    bc_ident *id = bc_ident_find(d->cache, (uintptr_t)p);
    GUID g;

    if (!id && !(id = bc_ident_add(d->cache, (uintptr_t)p)))
        return NULL;
    if (d->policy == LB_CACHE_TYPE && id->has_type < 0) {
        id->has_type = type_identity(d, p, &g) ? 1 : 0;
        if (id->has_type)
            memcpy(id->type_key, &g, sizeof(g));
        else
            d->type_fallbacks++;
    }
    return id;
}

/* Appends one object's restriction to the key; *typed_only is cleared
 * when it names an instance. */
static size_t key_object(lb_dispatcher *d, const bc_ident *id, unsigned char *k, BOOL *typed_only)
{
    if (d->policy == LB_CACHE_TYPE && id->has_type == 1) {
        k[0] = 'T';
        memcpy(k + 1, id->type_key, 16);
        return 17;
    }
    *typed_only = FALSE;
    k[0] = 'I';
    memcpy(k + 1, &id->serial, sizeof(id->serial));
    return 1 + sizeof(id->serial);
}

/* Builds the rule key for this call into k and picks the store. Returns
 * the key length, 0 on OOM or when the key would not fit (the call is
 * then resolved without the cache). */
static size_t build_key(lb_dispatcher *d, const lb_site *site, IDispatch *obj, IDispatch **objs,
                        unsigned char *k, bc_store *store, bc_ident **recv)
{
    size_t len = site->siglen, i, nrefs = cs_callspec_refs(site->spec);
    BOOL typed_only = TRUE;
    bc_ident *id;

    if (len + (1 + nrefs) * 17 > KEY_MAX || !(*recv = identity(d, obj)))
        return 0;
    memcpy(k, site->sig, len);
    len += key_object(d, *recv, k + len, &typed_only);
    for (i = 0; i < nrefs; i++) {
        if (!objs[i]) {            /* @name bound to a value: no restriction */
            k[len++] = 'V';
            continue;
        }
        if (!(id = identity(d, objs[i])))
            return 0;
        len += key_object(d, id, k + len, &typed_only);
    }
    *store = d->policy == LB_CACHE_INSTANCE_UNBOUNDED ? BC_STORE_INSTANCE_MAP
           : d->policy == LB_CACHE_TYPE && typed_only ? BC_STORE_TYPE_MAP : BC_STORE_DLR;
    return len;
}

/* Finds or makes the binding for this call. *out points into the cache
 * (valid until the next lookup; *rule is then its rule, now the site's
 * L0) or at tmp (uncached, *rule NULL). A failed resolve adds nothing. */
static HRESULT bind_site(lb_dispatcher *d, const lb_site *site, IDispatch *obj, IDispatch **objs,
                         const lb_binding **out, const bc_rule **rule_out, lb_binding *tmp, bc_ident **recv,
                         lb_error *err)
{
    unsigned char key[KEY_MAX];
    bc_store store;
    bc_level level;
    bc_site *levels;
    bc_rule *rule;
    lb_binding *nb;
    size_t len;
    HRESULT hr;

    *recv = NULL;
    *out = tmp;
    *rule_out = NULL;
    if (d->policy == LB_CACHE_NONE || !(len = build_key(d, site, obj, objs, key, &store, recv))
        || !(levels = site_levels(d, site)))
        return lb_resolve(obj, site, tmp, &d->n, err);
    if ((rule = bc_lookup(d->cache, levels, store, key, len, &level))) {
        *out = rule->binding;
        *rule_out = rule;
        return S_OK;
    }
    /* Resolve once into tmp; keep a copy in the cache when memory allows
     * (bc_add frees the copy when it cannot keep it). A failed resolve
     * leaves no entry behind. */
    if (FAILED(hr = lb_resolve(obj, site, tmp, &d->n, err)))
        return hr;
    if ((nb = malloc(sizeof(*nb)))) {
        *nb = *tmp;
        if ((rule = bc_add(d->cache, levels, store, key, len, nb, sizeof(*nb)))) {
            *out = rule->binding;
            *rule_out = rule;
        }
    }
    return S_OK;
}

/* Whether the vtable slot of b may be called through obj: the type policy
 * on a typed receiver whose QueryInterface for the dual interface returns
 * obj itself (checked once per identity; nothing is kept), for a site
 * without named, omitted, array, date or out arguments. */
static BOOL vtable_usable(lb_dispatcher *d, IDispatch *obj, const lb_binding *b, bc_ident *recv, BOOL site_rich)
{
    void *p = NULL;

    if (d->policy != LB_CACHE_TYPE || !d->use_vtable || !b->vtable || !recv || recv->has_type != 1
        || site_rich)
        return FALSE;
    if (!(recv->flags & ID_VT_CHECKED)) {
        recv->flags |= ID_VT_CHECKED;
        if (SUCCEEDED(IDispatch_QueryInterface(obj, &b->iid, &p)) && p) {
            if (p == (void *)obj)
                recv->flags |= ID_VT_SAME;
            IUnknown_Release((IUnknown *)p);
        }
    }
    return (recv->flags & ID_VT_SAME) != 0;
}

/* Repeats the site's last call on obj when still valid (see fast_call);
 * FALSE when the full path must run, with *slot the site's slot (or NULL)
 * for the full path to clear. Counts as the full path would. res is
 * VT_EMPTY. */
static inline BOOL call_fast(lb_dispatcher *d, const lb_site *site, IDispatch *obj, VARIANT *res, lb_error *err,
                             HRESULT *hr, site_slot **slot)
{
    site_slot *s = *slot = find_slot(d, site);

    if (unlikely(!s || s->fast.obj != obj))
        return FALSE;
    /* The Invoke plan laid out first: it is the one measured against raw
     * Invoke, a few instructions matter there. */
    if (likely(!s->fast.native)) {
        d->fast_invoke++;
        *hr = fast_invoke(obj, site, &s->fast, res, err);
    } else {
        d->fast_native++;
        *hr = fast_native(obj, site, &s->fast, res, err);
    }
    return TRUE;
}

/* Remembers a completed full-path call for call_fast when it qualifies: a
 * cached binding (rule not NULL), a receiver with an identity record, no
 * rich site, at most FAST_MAX_ARGS arguments, none of them a string or an
 * @reference. native says the vtable plan was used. */
static void remember_fast(lb_dispatcher *d, const lb_site *site, IDispatch *obj, const lb_binding *b,
                          const bc_rule *rule, const bc_ident *recv, VARIANT *args, BOOL native)
{
    const cs_callspec *spec = site->spec;
    site_slot *s;
    size_t i;

    if (!rule || !recv || spec->nargs > FAST_MAX_ARGS || site->rich || !(s = find_slot(d, site)))
        return;
    if (s->fast.b != b || s->fast.native != native || s->fast.gen != d->gen) {
        /* Convert once per binding: a new object of the same type keeps it. */
        for (i = 0; i < spec->nargs; i++)
            if (spec->args[i].kind == CS_ARG_STRING || spec->args[i].kind == CS_ARG_REF)
                return;
        s->fast.b = NULL;
        if (native && !lb_native_args(site, b, args, s->fast.a))
            return;
        memcpy(s->fast.args, args, spec->nargs * sizeof(*args));
        for (i = 0; i < spec->nargs; i++)
            s->fast.rgv[spec->nargs - 1 - i] = args[i];
        s->fast.native = native;
        s->fast.vslot = (SHORT)(b->ovft / (SHORT)sizeof(void *));
        s->fast.nargs = (unsigned char)spec->nargs;
        s->fast.nslots = (unsigned char)(spec->nargs + (b->retval != VT_EMPTY));
        s->fast.retpos = b->retval != VT_EMPTY && s->fast.nslots <= 3 ? (unsigned char)spec->nargs : 3;
        s->fast.resvt = b->retval == VT_VARIANT ? VT_EMPTY : b->retval;
        s->fast.retoff = b->retval == VT_VARIANT ? 0 : (unsigned char)offsetof(VARIANT, llVal);
        s->fast.b = b;
        s->fast.dispid = b->dispid;
        s->fast.flags = b->flags;
        s->fast.gen = d->gen;
    }
    s->fast.obj = obj;
}

/*
 * The none policy: what a late-binding client without a cache does on
 * every call, one GetIDsOfNames and one Invoke; the type information is
 * read only when the call fails (lb_invoke_late). No plan is kept, so
 * nothing is remembered for call_fast.
 */
static HRESULT call_uncached(lb_dispatcher *d, lb_site *site, IDispatch *obj, const lb_refs *refs, VARIANT *res,
                             lb_error *err)
{
    IDispatch *objs[LB_MAX_ARGS];
    VARIANT args[LB_MAX_ARGS];
    lb_binding b;
    HRESULT hr;

    if (site->plain) {                /* values of the site's own, converted once */
        if (FAILED(hr = lb_resolve_names(obj, site, &b, &d->n, err)))
            return hr;
        return lb_invoke_late(obj, site, &b, site->ready, res, err, &d->n.invoke_calls);
    }
    if (FAILED(hr = lb_args_refs(site, refs, objs, err)) || FAILED(hr = lb_resolve_names(obj, site, &b, &d->n, err))
        || FAILED(hr = lb_args_build(site, objs, refs, args, err)))
        return hr;
    hr = lb_invoke_late(obj, site, &b, args, res, err, &d->n.invoke_calls);
    lb_args_clear(args, site->spec->nargs);
    return hr;
}

/* The full path: resolve through the cache policy, build the arguments,
 * invoke, remember the call for call_fast. Kept out of lb_call so the
 * fast path's frame stays small. */
static __attribute__((noinline)) HRESULT call_full(lb_dispatcher *d, lb_site *site, IDispatch *obj,
                                                   const lb_refs *refs, VARIANT *res, lb_error *err,
                                                   site_slot *slot)
{
    IDispatch *objs[LB_MAX_ARGS];
    VARIANT args[LB_MAX_ARGS];
    const lb_binding *b;
    const bc_rule *rule;
    lb_binding tmp;
    bc_ident *recv;
    BOOL fallback = TRUE;
    HRESULT hr;

    d->calls++;                       /* fast calls are counted apart */
    if (d->policy == LB_CACHE_NONE)
        return call_uncached(d, site, obj, refs, res, err);
    if (slot)
        slot->fast.obj = NULL;        /* the lookup below may change L0 */
    if (FAILED(hr = lb_args_refs(site, refs, objs, err))
        || FAILED(hr = bind_site(d, site, obj, objs, &b, &rule, &tmp, &recv, err)))
        return hr;
    if (FAILED(hr = lb_args_build(site, objs, refs, args, err)))
        return hr;
    if (vtable_usable(d, obj, b, recv, site->rich)) {
        hr = lb_invoke_vtable(obj, site, b, args, res, err, &fallback);
        d->n.vtable_calls += !fallback;
    }
    if (fallback) {
        d->n.invoke_calls++;
        hr = lb_invoke(obj, site, b, args, res, err);
    }
    remember_fast(d, site, obj, b, rule, recv, args, !fallback);
    lb_args_clear(args, site->spec->nargs);
    return hr;
}

/* lb_call in general: every policy, plan and case. */
static __attribute__((noinline, noclone)) HRESULT call_any(lb_dispatcher *d, lb_site *site, IDispatch *obj,
                                                  const lb_refs *refs, VARIANT *result, lb_error *err)
{
    VARIANT local, *res = result ? result : &local;
    site_slot *slot;
    HRESULT hr;

    V_VT(res) = VT_EMPTY;             /* VariantInit, without the library call */
    err->hr = S_OK;
    err->message[0] = 0;
    if (unlikely(!obj)) {
        d->calls++;
        lb_error_set(err, E_POINTER, site->spec->member, "no object to call");
        return E_POINTER;
    }
    if (unlikely(!call_fast(d, site, obj, res, err, &hr, &slot)))
        hr = call_full(d, site, obj, refs, res, err, slot);
    if (unlikely(!result))
        VariantClear(&local);
    return hr;
}

/* The repeated call of the Invoke plan with a result given: lb_call's
 * checks passed on d->last. lb_call's own parameters, so lb_call reaches
 * it by a jump; its own frame, with only what its error path needs kept
 * across the call. */
static __attribute__((noinline, noclone)) HRESULT call_repeat_invoke(lb_dispatcher *d, lb_site *site,
                                                                     IDispatch *obj, const lb_refs *refs,
                                                                     VARIANT *res, lb_error *err)
{
    site_slot *s = d->last;

    V_VT(res) = VT_EMPTY;
    err->hr = S_OK;
    err->message[0] = 0;
    d->fast_invoke++;
    return fast_invoke(obj, site, &s->fast, res, err);
}

/* The repeated call of the vtable plan with a result given (slot s passed
 * lb_call's checks), inlined in lb_call: one frame between the caller and
 * the slot, which saves one register (measured 1.82 -> 1.79 times the
 * direct call against a jump to a function of its own). */
static inline __attribute__((always_inline)) HRESULT call_repeat_native(lb_dispatcher *d, const lb_site *site,
                                                                        site_slot *s, IDispatch *obj,
                                                                        VARIANT *res, lb_error *err)
{
    err->hr = S_OK;
    err->message[0] = 0;
    d->fast_native++;
    return fast_native(obj, site, &s->fast, res, err);
}

/*
 * The most frequent case first: the last site called again on the same
 * receiver with a result given (the checks of call_fast), by the vtable
 * plan in place, or by the Invoke plan and every other case through a
 * jump with lb_call's own parameters (no frame of lb_call's stays between
 * the caller and IDispatch::Invoke). d->last is never NULL (no_slot) and
 * a serial names its site, so the same site is one compare.
 */
HRESULT lb_call(lb_dispatcher *d, lb_site *site, IDispatch *obj,
                const lb_refs *refs, VARIANT *result, lb_error *err)
{
    site_slot *s = d->last;

    if (likely(s->serial == site->serial && s->fast.obj == obj && obj && result)) {
        if (likely(!s->fast.native))
            return call_repeat_invoke(d, site, obj, refs, result, err);
        return call_repeat_native(d, site, s, obj, result, err);
    }
    return call_any(d, site, obj, refs, result, err);
}

/* No fast call may repeat on obj (a new object could get its address). */
static void forget_fast(lb_dispatcher *d, IUnknown *obj)
{
    size_t i;

    for (i = 0; i < d->nslots; i++)
        if ((IUnknown *)d->slots[i].fast.obj == obj)
            d->slots[i].fast.obj = NULL;
}

void lb_dispatcher_forget(lb_dispatcher *d, IUnknown *obj)
{
    IUnknown *unk = NULL;
    IDispatch *disp = NULL;

    if (!obj)
        return;
    forget_fast(d, obj);
    bc_ident_forget(d->cache, (uintptr_t)obj);
    if (SUCCEEDED(IUnknown_QueryInterface(obj, &IID_IUnknown, (void **)&unk)) && unk) {
        bc_ident_forget(d->cache, (uintptr_t)unk);
        IUnknown_Release(unk);
    }
    if (SUCCEEDED(IUnknown_QueryInterface(obj, &IID_IDispatch, (void **)&disp)) && disp) {
        bc_ident_forget(d->cache, (uintptr_t)disp);
        forget_fast(d, (IUnknown *)disp);
        IDispatch_Release(disp);
    }
}

void lb_dispatcher_stats(const lb_dispatcher *d, lb_stats *out)
{
    bc_counters c;

    bc_counters_get(d->cache, &c);
    memset(out, 0, sizeof(*out));
    out->calls = d->calls + d->fast_native + d->fast_invoke;
    out->binds = d->n.binds;
    out->getidsofnames_calls = d->n.getidsofnames_calls;
    out->vtable_calls = d->n.vtable_calls + d->fast_native;
    out->invoke_calls = d->n.invoke_calls + d->fast_invoke;
    out->type_fallbacks = d->type_fallbacks;
    out->hits_l0 = c.hits_l0 + d->fast_native + d->fast_invoke;
    out->hits_l1 = c.hits_l1;
    out->hits_l2 = c.hits_l2;
    out->misses = c.misses;
    out->evictions = c.evictions;
    out->entries = c.entries;
    out->bytes = c.bytes + (long long)(sizeof(*d) + d->capslots * sizeof(site_slot));
}
