/*
 * The test doubles the Windows suites share: COM objects that answer as a
 * test sets them up and count what they were asked, written once so that
 * a test holds only what it checks.
 *
 * - cs_double: an IDispatch whose members are a table of names and
 *   DISPIDs, each answered by a callback (a few common ones are given
 *   below); it counts every call of its interface (asked), keeps a copy of
 *   the last Invoke's DISPPARAMS when given a record, and its reference
 *   count is plain data. Set up in the test's frame (cs_double_init) it is
 *   never freed, so the count can be read after every release, down to 0;
 *   made on the heap (cs_double_new) it is freed at its last release and
 *   counted in a live counter while it lives. As a spy
 *   (cs_double_init_spy) it forwards the four IDispatch calls to a real
 *   object and hands out that object's type information through a
 *   counting cs_double_ti.
 * - cs_double_ti: an ITypeInfo that counts GetTypeAttr and GetFuncDesc;
 *   it forwards every call to a real one, or without one serves a canned
 *   TYPEATTR (a class's identity) and E_NOTIMPL for the rest.
 * - cs_double_enum: an IEnumVARIANT over a borrowed array of objects,
 *   holding whatever owns that array.
 *
 * An object with type information, events or a server's faults is the
 * reference server's own (ComStress.Target and its probe), seen through
 * a spy when a test must count or hide what it is asked.
 */
#ifndef CS_DOUBLE_H
#define CS_DOUBLE_H

#include <windows.h>
#include <ocidl.h>

#define CS_DOUBLE_MAX_MEMBERS 8
#define CS_DOUBLE_MAX_ARGS 8

typedef struct cs_double cs_double;
typedef struct cs_double_member cs_double_member;

/* Answers an Invoke of member m of d: the HRESULT Invoke returns. result
 * may be NULL (the caller wants none). */
typedef HRESULT (*cs_double_fn)(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                                VARIANT *result);

struct cs_double_member {
    const WCHAR *name;         /* NULL: reachable by its DISPID only */
    DISPID id;
    cs_double_fn call;         /* NULL: S_OK and no result */
    LONG value;                /* the canned result, the property, the last argument taken */
    LONG calls;                /* Invokes of it that succeeded */
};

/* What a double was asked: its IDispatch's calls, and the calls of the
 * type information it handed out. */
typedef struct cs_double_asked {
    LONG query_interface, typeinfo_count, typeinfo, ids_of_names, invoke;
    LONG type_attr, func_desc;
} cs_double_asked;

/* The last Invoke, as it reached the double: rgvarg copied (DISPPARAMS
 * order, at most CS_DOUBLE_MAX_ARGS) with the named DISPIDs. Several
 * doubles may share one record (the last Invoke of any of them). */
typedef struct cs_double_record {
    LONG invokes;                /* Invokes recorded since it was cleared */
    DISPID id;
    WORD flags;
    UINT cargs, cnamed;
    DISPID named[CS_DOUBLE_MAX_ARGS];
    VARIANT args[CS_DOUBLE_MAX_ARGS];
} cs_double_record;

/* How an object built around a double (a collection owning its items, a
 * spy holding its real object) adds its own interfaces and lifetime. */
typedef struct cs_double_ops {
    /* Another interface than IUnknown and IDispatch: TRUE with an
     * AddRef'd *out, or FALSE. */
    BOOL (*query)(cs_double *d, REFIID riid, void **out);
    /* The last release of a heap double: frees what holds d (d included);
     * without it, d alone is freed. */
    void (*destroy)(cs_double *d);
} cs_double_ops;

struct cs_double {
    IDispatch IDispatch_iface;
    LONG ref;
    cs_double_member members[CS_DOUBLE_MAX_MEMBERS];
    UINT nmembers;
    UINT typeinfo_count;         /* GetTypeInfoCount's answer: 0 */
    HRESULT typeinfo_hr;         /* GetTypeInfo's failure without typeinfo: DISP_E_BADINDEX */
    ITypeInfo *typeinfo;         /* borrowed; when set GetTypeInfo hands it out, AddRef'd */
    const IID *events_iid;       /* one more IID QueryInterface answers with IDispatch (a sink's) */
    IDispatch *inner;            /* a spy's real object: borrowed, unless ops->destroy
                                  * releases it */
    cs_double_record *record;    /* borrowed; when set, receives every Invoke */
    cs_double_asked asked;
    const cs_double_ops *ops;
    volatile LONG *live;         /* a heap double's live counter, or NULL */
    BOOL heap;                   /* freed at its last release */
};

/* Sets d up in the caller's storage: one reference, no members, no type
 * information, nothing counted. Nothing frees it. */
void cs_double_init(cs_double *d);

/* A new double on the heap (one reference), freed at its last release;
 * *live (when live is not NULL) counts it while it lives. Aborts the test
 * on OOM. */
cs_double *cs_double_new(volatile LONG *live);

/* Makes d, already set up, a heap double counted in *live (may be NULL):
 * for an object that embeds a double and frees itself in ops->destroy. */
void cs_double_own(cs_double *d, volatile LONG *live);

/* Sets d up as a spy on inner (borrowed, outliving d): GetTypeInfoCount,
 * GetIDsOfNames and Invoke are forwarded, GetTypeInfo hands out inner's
 * type information behind a cs_double_ti counting into d->asked. */
void cs_double_init_spy(cs_double *d, IDispatch *inner);

/* Sets d up as an event sink: QueryInterface also answers events_iid,
 * no name is known, and the one event at DISPID event takes one VT_I4
 * (cs_double_takes_i4). */
void cs_double_init_sink(cs_double *d, const IID *events_iid, DISPID event);

/* Adds a member to d's table and returns it (the test may change its id
 * or value later). Aborts the test when the table is full. */
cs_double_member *cs_double_add(cs_double *d, const WCHAR *name, DISPID id, cs_double_fn call);

/* The member at DISPID id, or NULL. */
cs_double_member *cs_double_find(cs_double *d, DISPID id);

/* The member at id's successful calls, or its value; 0 when there is no
 * such member. */
LONG cs_double_calls(cs_double *d, DISPID id);
LONG cs_double_value(cs_double *d, DISPID id);

/* Frees the record's copies and zeroes it. */
void cs_double_record_clear(cs_double_record *rec);

/* Common members. Each value-returning one fails with E_INVALIDARG when
 * the caller wants no result. */
/* Returns the member's DISPID as VT_I4. */
HRESULT cs_double_returns_id(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result);
/* Returns m->value as VT_I4. */
HRESULT cs_double_returns_value(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                                VARIANT *result);
/* Returns its one argument as VT_I4 (DISP_E_BADPARAMCOUNT otherwise; no
 * result wanted is S_OK). */
HRESULT cs_double_returns_arg(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                              VARIANT *result);
/* A VT_I4 property in m->value: a put takes its argument (converted;
 * DISP_E_TYPEMISMATCH when it cannot be), a get returns it (nothing when
 * no result is wanted). */
HRESULT cs_double_property(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result);
/* Takes exactly one VT_I4 argument into m->value (DISP_E_BADPARAMCOUNT
 * otherwise): an event's handler. */
HRESULT cs_double_takes_i4(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result);
/* A name that is no member (an argument's name): Invoke of its DISPID is
 * DISP_E_MEMBERNOTFOUND. */
HRESULT cs_double_is_argument(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                              VARIANT *result);

/* ---- cs_double_ti ---- */
typedef struct cs_double_ti {
    ITypeInfo ITypeInfo_iface;
    LONG ref;
    ITypeInfo *inner;            /* a spy's real type information (one reference), or NULL */
    cs_double_asked asked;       /* its own counts */
    cs_double_asked *tally;      /* where it counts: &asked, or its spy's */
    TYPEATTR attr;               /* GetTypeAttr's canned answer without inner */
    BOOL heap;
} cs_double_ti;

/* Sets t up in the caller's storage (one reference, never freed) as the
 * type information of a class: GetTypeAttr gives guid and kind, with no
 * members; it counts in t->asked. */
void cs_double_ti_init(cs_double_ti *t, const GUID *guid, TYPEKIND kind);

/* A new counting view of inner (one reference on the view, one taken on
 * inner), counting into tally; the referenced types it hands out count
 * there too. NULL on OOM. */
ITypeInfo *cs_double_ti_spy(ITypeInfo *inner, cs_double_asked *tally);

/* ---- cs_double_enum ---- */

/* A new enumerator (one reference) over items[0..n-1], which holder owns:
 * holder is AddRef'd until the enumerator dies, each item handed out gets
 * its own reference. Skip and Clone are E_NOTIMPL. *live (may be NULL)
 * counts it while it lives. */
IEnumVARIANT *cs_double_enum_new(IDispatch *const *items, int n, IUnknown *holder, volatile LONG *live);

#endif
