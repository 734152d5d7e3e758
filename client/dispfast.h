/*
 * The repeated call of a site (client/dispcache.c's fast path): what it
 * keeps and the two plans it repeats, apart so the dispatcher's file
 * stays about its policies. Private to client/.
 */
#ifndef CS_DISPFAST_H
#define CS_DISPFAST_H

#include "lb_internal.h"
#include <string.h>

/* Branch hints for the repeated call's path (layout: the likely way
 * falls through). */
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define FAST_MAX_ARGS 6   /* what the vtable fast path can pass in registers */

/*
 * The last call of a site, ready to repeat: the L0 hit the full path would
 * find, served without building the key. Valid while the receiver is the
 * same pointer, not forgotten since (lb_dispatcher_forget clears it) and
 * the plan not switched (lb_dispatcher_use_vtable clears it too); the
 * binding it calls is the site's L0 rule's, alive as long as it is L0 (L0
 * holds a reference), and L0 changes only through a lookup on this site,
 * which only the full path makes, after clearing obj. So under every
 * caching policy a repeated call costs these compares, not a key, a
 * memcmp and the argument conversion. Sites with @object or string
 * arguments, or rich ones, always take the full path (their values are
 * made per call). The converted arguments depend only on the site and the
 * binding, so a new receiver served by the same binding (the type
 * policy's new object of the same type) reuses them. About 450 bytes per
 * site slot, counted in the cache's bytes.
 */
typedef struct fast_call {
    /* What a repeated call reads, on one cache line with the slot's
     * site and serial (site_slot, 64-byte aligned); a repeated Invoke's
     * first argument starts the next. */
    IDispatch *obj;            /* NULL: nothing to repeat */
    const lb_binding *b;       /* the site's L0 rule's binding */
    DISPID dispid;             /* b's, copied */
    WORD flags;
    VARTYPE resvt;             /* vtable plan: the result's type set before the call:
                                * b's retval, VT_EMPTY without one or for a VARIANT
                                * (which the callee types) */
    BOOL native;               /* vtable plan with a[], else Invoke with rgv */
    SHORT vslot;               /* vtable plan: the slot's index in the vtable */
    unsigned char nslots;      /* vtable plan: register slots, the retval's included */
    unsigned char nargs;       /* the site's argument count (the vtable plan: where
                                * the retval's slot is) */
    UINT argerr;               /* a repeated Invoke's puArgErr: in the slot, not on the
                                * stack (measured 1.08 -> 1.04 x raw Invoke in a
                                * process where the stack's place was unlucky) */
    unsigned char retoff;      /* vtable plan: where the retval's pointer points in the
                                * result, 0 for a VARIANT, else 8 (the value) */
    unsigned char retpos;      /* vtable plan: the retval's register slot (nargs), 3
                                * without a retval or for a wide call */
    unsigned char pad_line[10];    /* rgv[0] on a line of its own (dispcache.c checks) */
    VARIANT rgv[FAST_MAX_ARGS];    /* the arguments in DISPPARAMS order */
    VARIANT args[FAST_MAX_ARGS];   /* the same in text order (error messages) */
    ULONG_PTR a[6];
    unsigned long long gen;
} fast_call;

#if defined(__x86_64__)
/* fast_native's failure: the result emptied, err from the thread's error
 * information. Out of line (client/lb_invoke.c), so the repeated call's
 * frame stays small. */
HRESULT lb_native_failed(const lb_site *site, VARIANT *res, lb_error *err, HRESULT hr);

/* fast_native for more than three register slots (client/lb_invoke.c). */
HRESULT lb_native_wide(IDispatch *obj, const lb_site *site, const fast_call *f, VARIANT *res, lb_error *err,
                       ULONG_PTR ret);
#endif

/*
 * The Invoke plan of a fast call, inlined in lb_call: on this kind of
 * machine every function layer between the caller and IDispatch::Invoke
 * costs a few percent of the call. The arguments are copied from the
 * ready DISPPARAMS order (fixed-size copies, no library call) so a callee
 * that changes rgvarg in place changes only this call's copy.
 */
static inline HRESULT fast_invoke(IDispatch *obj, const lb_site *site, fast_call *f, VARIANT *res,
                                  lb_error *err)
{
    static DISPID put = DISPID_PROPERTYPUT;
    VARIANT rgv[FAST_MAX_ARGS];
    DISPPARAMS dp = { rgv, NULL, f->nargs, 0 };
    EXCEPINFO ei;
    HRESULT hr;

    if (likely(dp.cArgs == 1))        /* the common case: one value, 24 bytes */
        rgv[0] = f->rgv[0];
    else if (dp.cArgs)
        memcpy(rgv, f->rgv, sizeof(rgv));
    if (unlikely(f->flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))) {
        dp.rgdispidNamedArgs = &put;
        dp.cNamedArgs = 1;
    }
    memset(&ei, 0, sizeof(ei));
    f->argerr = (UINT)-1;
    hr = IDispatch_Invoke(obj, f->dispid, &IID_NULL, LOCALE_USER_DEFAULT, f->flags, &dp, res, &ei, &f->argerr);
    if (likely(SUCCEEDED(hr)))
        return hr;
    VariantClear(res);
    return lb_invoke_error(site, f->b, f->args, hr, &ei, f->argerr, err);
}


/*
 * The vtable plan of a fast call: the slot called with the register
 * values made once by lb_native_args, the retval's slot pointing into
 * res, whose type is set before the call (the callee writes only the
 * value; a VARIANT retval is typed by the callee). Everything it reads was
 * copied into f when the call was remembered, so a repeated call is the
 * slot's call and a few moves: on this machine the direct call costs
 * about 5 ns, and each library call, function layer, jump table, saved
 * register or copy through the stack added 0.5 to 3 ns. Up to three slots
 * (Add(n) and its retval, a get, a put) go in registers through a
 * four-parameter call whatever the slot's own count: under the Windows
 * x64 convention the caller owns the argument area and the callee never
 * reads a register argument it does not declare. Wider calls and
 * failures are out of line. remember_fast sets resvt, retoff and retpos
 * so nothing is decided here that was known when the call was
 * remembered.
 */
static inline __attribute__((always_inline)) HRESULT fast_native(IDispatch *obj, const lb_site *site,
                                                                 const fast_call *f, VARIANT *res, lb_error *err)
{
#if defined(__x86_64__)
    typedef ULONG_PTR P;
    /* What the failure path needs, stored in the frame (volatile: not
     * kept in callee-saved registers): the success path then restores
     * nothing for it (four saved registers before). */
    const lb_site *volatile fail_site = site;
    VARIANT *volatile fail_res = res;
    lb_error *volatile fail_err = err;
    P ret = (P)res + f->retoff, a0, a1, a2;
    HRESULT hr;

    res->llVal = 0;
    V_VT(res) = f->resvt;
    if (unlikely(f->nslots > 3))
        return lb_native_wide(obj, site, f, res, err, ret);
    a0 = f->retpos == 0 ? ret : f->a[0];    /* the retval's pointer in its slot */
    a1 = f->retpos == 1 ? ret : f->a[1];
    a2 = f->retpos == 2 ? ret : f->a[2];
    hr = ((HRESULT (WINAPI *)(void *, P, P, P))(*(void ***)obj)[f->vslot])(obj, a0, a1, a2);
    if (unlikely(FAILED(hr)))
        return lb_native_failed(fail_site, fail_res, fail_err, hr);
    return hr;
#else
    return lb_invoke_native(obj, site, f->b, f->a, res, err);
#endif
}

#endif
