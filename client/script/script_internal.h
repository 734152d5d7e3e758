/*
 * Internals of the script executor shared by script.c (statements, names,
 * chains), script_each.c (enumeration) and script_sink.c (events).
 */
#ifndef CS_SCRIPT_INTERNAL_H
#define CS_SCRIPT_INTERNAL_H

#include "script.h"
#include "lb_internal.h"

/* Items one "each" may walk: a server whose enumerator never ends is an
 * error, not a hang. */
#define CS_EXEC_MAX_ITEMS (1L << 20)

/* A name of the script and what it holds this iteration. */
typedef struct xs_slot {
    const char *name;   /* the script's copy */
    VARIANT v;          /* owned unless given */
    BOOL set;
    BOOL given;         /* the harness's object (borrowed) */
} xs_slot;

/* The objects a statement (or one item's calls) obtained on the way,
 * released in reverse order when it is done. */
typedef struct xs_temps {
    IDispatch *obj[CS_MAX_CHAIN + 2];
    size_t n;
} xs_temps;

typedef struct xs_sink xs_sink;

/* One connection made by an advise statement. */
typedef struct xs_advisory {
    xs_sink *sink;        /* the executor's reference */
    size_t slot;          /* the source's name */
    size_t stmt;          /* the advise statement */
    IDispatch *source;    /* what the name held then (compared, not held) */
    IID iid;              /* the source interface */
    DWORD cookie;
    BOOL active;          /* advised and not unadvised */
    BOOL unadvised;
    BOOL weak;
    long long iteration;
} xs_advisory;

/* Held sinks found by sweeps, per statement and verdict. */
typedef struct xs_found {
    long long sinks[3], refs[3], first[3], last[3];
} xs_found;

/* A cache line: the executor's state lives on lines of its own. */
#define CS_EXEC_ALIGN 64

struct cs_exec {
    const cs_script *script;
    lb_dispatcher *d;
    cs_exec_hooks hooks;
    cs_exec_fault fault;
    lb_site **sites;       /* per statement: its calls, then its item calls */
    size_t *site0;         /* per statement: index of its first site */
    xs_slot slots[CS_MAX_NAMES];
    size_t nslots;
    IDispatch *receiver;
    long long iteration;
    BOOL in_iteration;
    xs_advisory *adv;      /* this iteration's connections */
    size_t nadv;
    xs_advisory *retired;  /* ended iterations', until swept */
    size_t nretired, maxadv;
    xs_found *found;       /* per statement */
    cs_exec_totals totals;
} __attribute__((aligned(CS_EXEC_ALIGN)));

/* Sets err to "WHAT: DETAIL (NAME, 0xHR)" like lb_error_set. */
#define xs_error lb_error_set

/* "VT_I4", "VT_BSTR", "an array"... for error lines. */
const char *xs_vt_name(VARTYPE vt);

/* The slot of name, or NULL. */
xs_slot *xs_slot_find(cs_exec *x, const char *name);

/* The object a name holds (borrowed); fails naming the name when it is
 * not set or holds no object. */
HRESULT xs_slot_object(cs_exec *x, const char *name, IDispatch **out, lb_error *err);

/* The track hook, when there is one. */
void xs_track(cs_exec *x, VARIANT *v, const char *origin);

/* The object behind p for QueryInterface (the inner hook), borrowed. */
IUnknown *xs_inner(cs_exec *x, IDispatch *p);

/* Takes over the object in v (VT_DISPATCH, or VT_UNKNOWN asked for
 * IDispatch) into *out; v is left empty. Fails, clearing v, when v holds
 * no object: member names the call that produced it. */
HRESULT xs_object(VARIANT *v, const char *member, IDispatch **out, lb_error *err);

/* Runs n links from start; intermediates go to t, the last result
 * (tracked) to *last. origin of tracking is each link's member. */
HRESULT xs_chain(cs_exec *x, lb_site **sites, size_t n, IDispatch *start, xs_temps *t, VARIANT *last,
                 lb_error *err);

/* Forgets and releases every object of t, last first. */
void xs_temps_release(cs_exec *x, xs_temps *t);

/* Forgets and releases one object the executor owns. */
void xs_release(cs_exec *x, IDispatch *obj);

/* each (script_each.c): walks the collection coll (borrowed). */
HRESULT xs_each(cs_exec *x, size_t index, IDispatch *coll, lb_error *err);

/* advise / unadvise (script_sink.c). */
HRESULT xs_advise(cs_exec *x, size_t index, lb_error *err);
HRESULT xs_unadvise(cs_exec *x, size_t index, lb_error *err);

/* Moves this iteration's connections to the retired list (script_sink.c). */
void xs_retire(cs_exec *x);

/* Sweeps retired sinks (script_sink.c). */
void xs_sweep(cs_exec *x);

#endif
