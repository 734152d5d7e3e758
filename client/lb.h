/*
 * Late binding with a caching dispatch layer: call a member by name on any
 * IDispatch, with arguments written in a small text syntax (callspec.h).
 *
 * A call goes parse (once, lb_site_parse) -> resolve (name to a call plan,
 * "binding": DISPID, invoke kind, parameter facts from the type
 * information, optionally a vtable slot) -> invoke. The dispatcher caches
 * bindings between resolve and invoke under one of four policies:
 *   none                resolve on every call as a late-binding client
 *                       without a cache does: GetIDsOfNames, then Invoke
 *                       (a get or a method, "Name()" a method, a put);
 *                       the type information is read only to explain a
 *                       failed call, never on the way to a good one;
 *   type                one binding per (member, type identity), the type
 *                       being the TYPEATTR guid of GetTypeInfo(0); objects
 *                       without type information fall back to per-instance
 *                       (counted in type_fallbacks); calls on dual
 *                       interfaces go through the vtable slot;
 *   instance            the .NET DLR model (per site L0 and L1, per binder
 *                       L2 of 128 rules), restricted to the exact instances
 *                       involved (the receiver and every @object argument);
 *   instance-unbounded  per instance, never evicts (the leak on purpose).
 *
 * Weak identity: the cache holds no reference to any object called (the
 * type policy keeps one on the last ITypeInfo it read, until
 * lb_dispatcher_free, so its guid is not read again). It keeps, per
 * pointer value seen, a record with a serial number; rules name serials.
 * Nothing in COM tells a holder-of-nothing that an object died, so the
 * harness must call lb_dispatcher_forget before an object's last Release
 * (the role the garbage collector plays for the DLR's WeakReference).
 * Forgetting is what makes address reuse safe: without it a new object at a
 * freed object's address would be taken for the old one.
 */
#ifndef CS_LB_H
#define CS_LB_H

#include <windows.h>
#include <oaidl.h>
#include <stddef.h>
#include "callspec.h"

typedef enum lb_policy { LB_CACHE_NONE, LB_CACHE_TYPE, LB_CACHE_INSTANCE,
                         LB_CACHE_INSTANCE_UNBOUNDED } lb_policy;

/* "none", "type", "instance", "instance-unbounded"; FALSE when unknown. */
BOOL lb_policy_from_name(const char *name, lb_policy *out);
const char *lb_policy_name(lb_policy p);

/* One readable line, e.g.
 * "Echo: argument 1: type mismatch (DISP_E_TYPEMISMATCH, 0x80020005)". */
typedef struct lb_error { HRESULT hr; char message[512]; } lb_error;

/* Harness-held objects an argument can name with @name (borrowed). */
typedef struct lb_ref { const char *name; IDispatch *disp; } lb_ref;

/*
 * Harness-held values an argument can name with @name (borrowed): an
 * object, a number, a string... "out @name" passes value by reference
 * (VT_BYREF|VT_VARIANT): the callee may replace it, and the caller owns
 * whatever it leaves there. Objects (items) are looked up first.
 */
typedef struct lb_valref { const char *name; VARIANT *value; } lb_valref;

/* Initializers that name only items and count leave the values empty. */
typedef struct lb_refs {
    const lb_ref *items;
    size_t count;
    const lb_valref *values;
    size_t nvalues;
} lb_refs;

/* A call site: the parsed text of one --call, e.g. "Add(1)", "Echo('x')",
 * "Value" (property get), "Value=5" (property put), "Consume(@obj)", or
 * one link of a statement's chain (callspec.h). Arguments may be named
 * ("ReadOnly:=true", passed through rgdispidNamedArgs with DISPIDs from
 * GetIDsOfNames), omitted (VT_ERROR / DISP_E_PARAMNOTFOUND), arrays (a
 * SAFEARRAY of VARIANT, destroyed after the call), dates (VT_DATE) or
 * outputs ("out @a"). Such sites always use IDispatch::Invoke. */
typedef struct lb_site lb_site;

#define LB_MAX_ARGS 16

/* Parses text into a new site. Bad text: E_INVALIDARG, *out NULL and a
 * message naming the column; more than LB_MAX_ARGS arguments is refused. */
HRESULT lb_site_parse(const char *text, lb_site **out, lb_error *err);
/* A site for one parsed call; spec is borrowed and must outlive the site.
 * Same refusals as lb_site_parse. */
HRESULT lb_site_from_spec(const cs_callspec *spec, lb_site **out, lb_error *err);
const char *lb_site_text(const lb_site *s);
const char *lb_site_member(const lb_site *s);
void lb_site_free(lb_site *s);

/* The caching dispatch layer: one per thread (not thread-safe). A site may
 * be used with several dispatchers; each keeps its own per-site levels. */
typedef struct lb_dispatcher lb_dispatcher;

lb_dispatcher *lb_dispatcher_new(lb_policy policy);
void lb_dispatcher_free(lb_dispatcher *d);

/*
 * Resolves (through the cache) and invokes site on obj. result may be NULL
 * (the result is then cleared internally); on success *result must be
 * cleared by the caller (VariantClear, or lb_result_clear below). On
 * failure: err filled (err->hr is the real error: for an exception, its
 * scode), *result empty, and no cache entry left behind for a failed
 * resolve.
 */
HRESULT lb_call(lb_dispatcher *d, lb_site *site, IDispatch *obj,
                const lb_refs *refs, VARIANT *result, lb_error *err);

/* The types whose VARIANT owns nothing (no string, object, array, record
 * or reference): VT_EMPTY, VT_NULL, I2, I4, R4, R8, CY, DATE, ERROR,
 * BOOL, I1, UI1, UI2, UI4, I8, UI8, INT, UINT, one bit per type. */
#define LB_VT_OWNS_NOTHING 0x00FF0CFFu

/*
 * Clears a result of lb_call as VariantClear does: S_OK and VT_EMPTY.
 * A result that owns nothing (a number, a boolean, empty...) is marked
 * empty here, without the call into oleaut32 (a repeated vtable-plan call
 * and its clearing measured 2.07 -> 1.72 times the direct call by that
 * alone); everything else (a string is freed, an object released, an
 * array destroyed, and any type VariantClear refuses) goes to
 * VariantClear and returns what it returns.
 */
static inline HRESULT lb_result_clear(VARIANT *v)
{
    if (V_VT(v) < 32 && (LB_VT_OWNS_NOTHING >> V_VT(v)) & 1) {
        V_VT(v) = VT_EMPTY;
        return S_OK;
    }
    return VariantClear(v);
}

/* Drops what the dispatcher remembers about obj's identity (the pointer
 * given, and its canonical IUnknown). Call it while obj is still alive,
 * before its last Release, for every object passed to lb_call as receiver
 * or @argument. Rules naming obj can never match again; they age out of
 * the bounded levels (or stay for ever under instance-unbounded). */
void lb_dispatcher_forget(lb_dispatcher *d, IUnknown *obj);

typedef struct lb_stats {
    long long calls, binds, hits_l0, hits_l1, hits_l2, misses, evictions,
              getidsofnames_calls, type_fallbacks, vtable_calls, invoke_calls;
    long long entries, bytes;   /* held by the cache now */
} lb_stats;

/* Counters since lb_dispatcher_new. hits_l2 counts the binder level: the
 * DLR's L2, or the policy's map for type and instance-unbounded. bytes
 * counts every byte the cache has malloc'd and still holds (rules,
 * bindings, tables, identity records). */
void lb_dispatcher_stats(const lb_dispatcher *d, lb_stats *out);

/* enable TRUE (the default): the type policy calls dual interfaces through
 * their vtable slots; FALSE: every call goes through IDispatch::Invoke
 * (comstress run --plan invoke, and comparisons). */
void lb_dispatcher_use_vtable(lb_dispatcher *d, BOOL enable);

/* The symbolic name of hr ("DISP_E_TYPEMISMATCH", ...), or NULL. */
const char *lb_hr_name(HRESULT hr);

#endif
