/*
 * Internals of the late-binding layer shared by its files: the site, the
 * binding (call plan), resolve, argument conversion, invoke, errors.
 */
#ifndef CS_LB_INTERNAL_H
#define CS_LB_INTERNAL_H

#include "lb.h"
#include "callspec.h"

struct lb_site {
    cs_callspec *spec;
    BOOL borrowed;             /* spec belongs to the caller (lb_site_from_spec) */
    BOOL rich;                 /* cs_callspec_rich: always through Invoke */
    WCHAR **wnames;            /* member, then each named argument, for GetIDsOfNames */
    UINT nnames;
    unsigned long long serial; /* distinguishes sites at a reused address */
    BOOL plain;                /* every argument a number, boolean, null or empty,
                                * none named: its values are the site's own */
    VARIANT *ready;            /* plain sites: those values in text order, converted
                                * once (NULL without arguments); they own nothing */
    size_t siglen;             /* call kind (+0x80 when rich), argument count,
                                * member and argument names (lower case) */
    unsigned char sig[];
};

/*
 * A binding: everything needed to invoke one member of one kind of object.
 * Plain data: no interface pointers, so a cached binding keeps nothing
 * alive. typed says the parameter facts come from the type information.
 */
typedef struct lb_binding {
    DISPID dispid;
    WORD flags;                     /* DISPATCH_* for Invoke */
    BOOL typed;
    SHORT nparams;                  /* parameters a caller passes (retval excluded) */
    DISPID argids[LB_MAX_ARGS];     /* per text argument: its DISPID when named */
    VARTYPE ptypes[LB_MAX_ARGS];    /* their types (VT_BYREF|base for pointers), VT_EMPTY unknown */
    /* The vtable plan (dual interfaces): valid when vtable is TRUE. */
    BOOL vtable;
    IID iid;                        /* the dual interface to call */
    SHORT ovft;                     /* byte offset of the slot */
    VARTYPE retval;                 /* VT_EMPTY when the method has no retval */
} lb_binding;

/* Counters resolve and invoke update (a subset of lb_stats). */
typedef struct lb_counts {
    long long binds, getidsofnames_calls, vtable_calls, invoke_calls;
} lb_counts;

/* Resolves site on obj into b (GetIDsOfNames, then the type information
 * when the object has some). Fails with a message naming the member for an
 * unknown name, a member of the wrong kind (property called as a method,
 * assignment to a method or read-only property) or a wrong argument count
 * (known only with type information). */
HRESULT lb_resolve(IDispatch *obj, const lb_site *site, lb_binding *b, lb_counts *n, lb_error *err);

/* The resolve of a late-binding client without a cache: one
 * GetIDsOfNames (the member and every named argument) and the plan
 * without type information (a get or a method, a put; a method alone for
 * "Name()"). No type information is read: lb_resolve_explain reads it
 * once a call fails. Counts a bind and a GetIDsOfNames; fails as
 * lb_resolve does for an unknown name. */
HRESULT lb_resolve_names(IDispatch *obj, const lb_site *site, lb_binding *b, lb_counts *n, lb_error *err);

/* After a call on b (from lb_resolve_names) failed with `failed` (not an
 * exception): reads the type information once, as lb_resolve would have.
 * Returns a failure with err filled when the typed plan refuses the site
 * (the message lb_resolve gives); S_OK when b now holds another plan
 * worth one more Invoke (the call was refused as DISP_E_MEMBERNOTFOUND,
 * so nothing ran: a put-by-reference property, or "Name()" on an object
 * without type information, retried as a get); S_FALSE when the error
 * stands (b then has the parameter types, when known, for its message). */
HRESULT lb_resolve_explain(IDispatch *obj, const lb_site *site, lb_binding *b, HRESULT failed, lb_error *err);

/* Invokes b (from lb_resolve_names) and, when the call fails but not by
 * an exception of the member, lets lb_resolve_explain give the typed
 * plan's message or a second plan. *invokes counts the Invoke calls. */
HRESULT lb_invoke_late(IDispatch *obj, const lb_site *site, lb_binding *b, VARIANT *args, VARIANT *result,
                       lb_error *err, long long *invokes);

/* The @object arguments of site looked up in refs, in text order (NULL
 * for a name bound to a value that is no object); fails with a message
 * naming the first unknown reference, or an "out @name" without a slot. */
HRESULT lb_args_refs(const lb_site *site, const lb_refs *refs, IDispatch **objs, lb_error *err);

/* Converts the site's arguments into v (text order, site->spec->nargs of
 * them); objs are the @objects from lb_args_refs (borrowed, not AddRef'd),
 * refs the values for @names bound to values and for "out @name" slots.
 * Strings, arrays and copied values are owned by v: free with
 * lb_args_clear. On failure nothing is left allocated. */
HRESULT lb_args_build(const lb_site *site, IDispatch *const *objs, const lb_refs *refs, VARIANT *v,
                      lb_error *err);
void lb_args_clear(VARIANT *v, size_t n);

/* One parsed value (a literal, date, array...) into v, owned by v (an
 * object named inside it is AddRef'd); @names resolve through refs. */
HRESULT lb_arg_value(const cs_arg *a, const lb_refs *refs, VARIANT *v);

/* Invokes through IDispatch::Invoke. result is never NULL here. */
HRESULT lb_invoke(IDispatch *obj, const lb_site *site, const lb_binding *b, VARIANT *args,
                  VARIANT *result, lb_error *err);

/* Turns a failed Invoke into err; returns the real error (an exception's
 * scode). args are the arguments in text order (for the position of a
 * refused one); frees the EXCEPINFO strings. */
HRESULT lb_invoke_error(const lb_site *site, const lb_binding *b, VARIANT *args, HRESULT hr, EXCEPINFO *ei,
                        UINT argerr, lb_error *err);

/* Calls the vtable slot of b on iface (a pointer to b->iid). Sets
 * *fallback, with nothing called, when an argument cannot be converted to
 * its parameter's type: the caller then uses lb_invoke, whose error
 * message for that argument is the reference. */
HRESULT lb_invoke_vtable(void *iface, const lb_site *site, const lb_binding *b, VARIANT *args,
                         VARIANT *result, lb_error *err, BOOL *fallback);

/* "MEMBER: DETAIL (NAME, 0xHR)", or without NAME when hr has none. */
void lb_error_set(lb_error *err, HRESULT hr, const char *member, const char *fmt, ...);

/* The message for a failing hr with optional source and description (from
 * EXCEPINFO or IErrorInfo): "MEMBER: SOURCE: DESCRIPTION (NAME, 0xHR)". */
void lb_error_rich(lb_error *err, HRESULT hr, const char *member, BSTR source, BSTR description);

/* After a failed call: fills err from the thread's IErrorInfo if there is
 * one, else from hr alone, adding the argument position when known. */
void lb_error_from_errorinfo(lb_error *err, HRESULT hr, const char *member);

/* The default detail text for hr ("type mismatch", ...). */
const char *lb_hr_text(HRESULT hr);

/* Converts the site's arguments once into the register values of b's
 * vtable slot; FALSE unless every argument is a scalar going by value to an
 * integer-class parameter and the slots (retval included) are at most six. */
BOOL lb_native_args(const lb_site *site, const lb_binding *b, const VARIANT *args, ULONG_PTR *a);

/* The vtable call of b with values from lb_native_args: lb_invoke_vtable's
 * result and error handling without the per-call conversion. */
HRESULT lb_invoke_native(void *iface, const lb_site *site, const lb_binding *b, const ULONG_PTR *a,
                         VARIANT *result, lb_error *err);

#endif
