/* The script executor: statements, names and chains (see script.h). */
#include "script_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fault_names[] = { "none", "missing-item-release", "missing-enum-release",
                                           "missing-unadvise", "missing-variantclear" };

BOOL cs_exec_fault_from_name(const char *name, cs_exec_fault *out)
{
    size_t i;

    for (i = 0; name && i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
        if (!strcmp(name, fault_names[i])) {
            *out = (cs_exec_fault)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *cs_exec_fault_name(cs_exec_fault f)
{
    return (unsigned)f < sizeof(fault_names) / sizeof(fault_names[0]) ? fault_names[f] : "unknown";
}

xs_slot *xs_slot_find(cs_exec *x, const char *name)
{
    size_t i;

    for (i = 0; i < x->nslots; i++)
        if (!strcmp(x->slots[i].name, name))
            return &x->slots[i];
    return NULL;
}

const char *xs_vt_name(VARTYPE vt)
{
    static const struct { VARTYPE vt; const char *name; } names[] = {
        { VT_EMPTY, "VT_EMPTY" }, { VT_NULL, "VT_NULL" }, { VT_I2, "VT_I2" }, { VT_I4, "VT_I4" },
        { VT_R4, "VT_R4" }, { VT_R8, "VT_R8" }, { VT_CY, "VT_CY" }, { VT_DATE, "VT_DATE" },
        { VT_BSTR, "VT_BSTR" }, { VT_DISPATCH, "a null VT_DISPATCH" }, { VT_ERROR, "VT_ERROR" },
        { VT_BOOL, "VT_BOOL" }, { VT_UNKNOWN, "VT_UNKNOWN without IDispatch" }, { VT_I1, "VT_I1" },
        { VT_UI1, "VT_UI1" }, { VT_UI2, "VT_UI2" }, { VT_UI4, "VT_UI4" }, { VT_I8, "VT_I8" },
        { VT_UI8, "VT_UI8" }, { VT_INT, "VT_INT" }, { VT_UINT, "VT_UINT" },
    };
    size_t i;

    if (vt & VT_ARRAY)
        return "an array";
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].vt == vt)
            return names[i].name;
    return "a value of another type";
}

HRESULT xs_object(VARIANT *v, const char *member, IDispatch **out, lb_error *err)
{
    IDispatch *disp = NULL;

    *out = NULL;
    if (V_VT(v) == VT_DISPATCH && V_DISPATCH(v)) {
        *out = V_DISPATCH(v);
        VariantInit(v);
        return S_OK;
    }
    if (V_VT(v) == VT_UNKNOWN && V_UNKNOWN(v)
        && SUCCEEDED(IUnknown_QueryInterface(V_UNKNOWN(v), &IID_IDispatch, (void **)&disp)) && disp) {
        VariantClear(v);
        *out = disp;
        return S_OK;
    }
    xs_error(err, DISP_E_TYPEMISMATCH, member, "the result is not an object (%s)", xs_vt_name(V_VT(v)));
    VariantClear(v);
    return DISP_E_TYPEMISMATCH;
}

HRESULT xs_slot_object(cs_exec *x, const char *name, IDispatch **out, lb_error *err)
{
    xs_slot *s = xs_slot_find(x, name);
    char who[CS_MAX_NAME + 2];

    *out = NULL;
    snprintf(who, sizeof(who), "@%s", name);
    if (!s || !s->set) {
        xs_error(err, E_INVALIDARG, who, "not set (bind it first: %s = ...)", who);
        return E_INVALIDARG;
    }
    if (V_VT(&s->v) != VT_DISPATCH || !V_DISPATCH(&s->v)) {
        xs_error(err, DISP_E_TYPEMISMATCH, who, "not an object (%s)", xs_vt_name(V_VT(&s->v)));
        return DISP_E_TYPEMISMATCH;
    }
    *out = V_DISPATCH(&s->v);
    return S_OK;
}

void xs_track(cs_exec *x, VARIANT *v, const char *origin)
{
    if (x->hooks.track && (V_VT(v) == VT_DISPATCH || V_VT(v) == VT_UNKNOWN) && V_UNKNOWN(v))
        x->hooks.track(x->hooks.ctx, v, origin, x->iteration);
}

IUnknown *xs_inner(cs_exec *x, IDispatch *p)
{
    IUnknown *inner = x->hooks.inner ? x->hooks.inner(x->hooks.ctx, p) : NULL;

    return inner ? inner : (IUnknown *)p;
}

void xs_release(cs_exec *x, IDispatch *obj)
{
    if (!obj)
        return;
    lb_dispatcher_forget(x->d, (IUnknown *)obj);
    IDispatch_Release(obj);
}

void xs_temps_release(cs_exec *x, xs_temps *t)
{
    while (t->n)
        xs_release(x, t->obj[--t->n]);
}

/* Releases what a name holds (never a given object) and unsets it. */
static void slot_clear(cs_exec *x, xs_slot *s)
{
    if (s->set && !s->given) {
        if (V_VT(&s->v) == VT_DISPATCH && V_DISPATCH(&s->v))
            lb_dispatcher_forget(x->d, (IUnknown *)V_DISPATCH(&s->v));
        VariantClear(&s->v);
    }
    VariantInit(&s->v);
    s->set = s->given = FALSE;
}

/* The harness's names cannot be bound or receive outputs. */
static HRESULT slot_writable(xs_slot *s, lb_error *err)
{
    char who[CS_MAX_NAME + 2];

    if (!s->given)
        return S_OK;
    snprintf(who, sizeof(who), "@%s", s->name);
    xs_error(err, E_INVALIDARG, who, "given by the harness: it cannot be bound");
    return E_INVALIDARG;
}

/* The values of every name set now, by pointer: outputs land in the
 * slots. */
static size_t build_refs(cs_exec *x, lb_valref *values)
{
    size_t i, n = 0;

    for (i = 0; i < x->nslots; i++) {
        if (!x->slots[i].set)
            continue;
        values[n].name = x->slots[i].name;
        values[n++].value = &x->slots[i].v;
    }
    return n;
}

/* Before a call with "out @a": a is set (empty when new), writable, and
 * forgotten by the dispatcher (the callee may release what it holds).
 * before[] records each out slot's content to spot a new object after. */
static HRESULT outs_before(cs_exec *x, const cs_callspec *spec, IUnknown **before, lb_error *err)
{
    xs_slot *s;
    size_t i;
    HRESULT hr;

    for (i = 0; i < spec->nargs; i++) {
        if (spec->args[i].kind != CS_ARG_OUT || !(s = xs_slot_find(x, spec->args[i].s)))
            continue;
        if (FAILED(hr = slot_writable(s, err)))
            return hr;
        if (!s->set) {
            VariantInit(&s->v);
            s->set = TRUE;
        }
        before[i] = V_VT(&s->v) == VT_DISPATCH || V_VT(&s->v) == VT_UNKNOWN ? V_UNKNOWN(&s->v) : NULL;
        if (V_VT(&s->v) == VT_DISPATCH && V_DISPATCH(&s->v))
            lb_dispatcher_forget(x->d, (IUnknown *)V_DISPATCH(&s->v));
    }
    return S_OK;
}

/* After the call: an object newly written to an out slot is tracked. */
static void outs_after(cs_exec *x, const cs_callspec *spec, IUnknown *const *before)
{
    xs_slot *s;
    size_t i;

    for (i = 0; i < spec->nargs; i++) {
        if (spec->args[i].kind != CS_ARG_OUT || !(s = xs_slot_find(x, spec->args[i].s)))
            continue;
        if ((V_VT(&s->v) == VT_DISPATCH || V_VT(&s->v) == VT_UNKNOWN) && V_UNKNOWN(&s->v) != before[i])
            xs_track(x, &s->v, spec->member);
    }
}

HRESULT xs_chain(cs_exec *x, lb_site **sites, size_t n, IDispatch *start, xs_temps *t, VARIANT *last,
                 lb_error *err)
{
    IUnknown *before[LB_MAX_ARGS];
    lb_valref values[CS_MAX_NAMES];
    lb_refs refs = { NULL, 0, values, 0 };
    IDispatch *cur = start, *next;
    VARIANT res;
    size_t i;
    HRESULT hr;

    VariantInit(last);
    for (i = 0; i < n; i++) {
        const cs_callspec *spec = sites[i]->spec;
        if (FAILED(hr = outs_before(x, spec, before, err)))
            return hr;
        refs.nvalues = build_refs(x, values);
        x->totals.calls++;
        hr = lb_call(x->d, sites[i], cur, &refs, &res, err);
        outs_after(x, spec, before);
        if (FAILED(hr))
            return hr;
        xs_track(x, &res, spec->member);
        if (i + 1 == n) {
            *last = res;
            break;
        }
        if (FAILED(hr = xs_object(&res, spec->member, &next, err)))
            return hr;
        t->obj[t->n++] = next;
        cur = next;
    }
    return S_OK;
}

/* Stores v (taken over) in slot s, releasing what s held before. */
static void slot_assign(cs_exec *x, xs_slot *s, VARIANT *v)
{
    slot_clear(x, s);
    s->v = *v;
    s->set = TRUE;
    VariantInit(v);
}

/* "@b = value", "@b = @c": no call made. */
static HRESULT bind_value(cs_exec *x, const cs_stmt *st, xs_slot *target, lb_error *err)
{
    lb_valref values[CS_MAX_NAMES];
    lb_refs refs = { NULL, 0, values, build_refs(x, values) };
    xs_slot *from;
    char who[CS_MAX_NAME + 2];
    VARIANT v;
    HRESULT hr;

    VariantInit(&v);
    if (st->value) {
        if (FAILED(hr = lb_arg_value(st->value, &refs, &v))) {
            xs_error(err, hr, target->name, "the value cannot be converted");
            return hr;
        }
    } else {
        from = xs_slot_find(x, st->root);
        if (!from || !from->set) {
            snprintf(who, sizeof(who), "@%s", st->root);
            xs_error(err, E_INVALIDARG, who, "not set (bind it first: %s = ...)", who);
            return E_INVALIDARG;
        }
        if (FAILED(hr = VariantCopy(&v, &from->v))) {
            xs_error(err, hr, target->name, "the value cannot be copied");
            return hr;
        }
    }
    slot_assign(x, target, &v);
    return S_OK;
}

/* A call statement: a chain, maybe bound to a name; or an each. */
static HRESULT run_chain_statement(cs_exec *x, size_t index, xs_temps *t, lb_error *err)
{
    const cs_stmt *st = &x->script->stmts[index];
    lb_site **sites = x->sites + x->site0[index];
    xs_slot *target = st->bind ? xs_slot_find(x, st->bind) : NULL;
    IDispatch *start = x->receiver, *coll;
    VARIANT last;
    HRESULT hr;

    if (target && FAILED(hr = slot_writable(target, err)))
        return hr;
    if (target && (st->value || !st->ncalls))
        return bind_value(x, st, target, err);
    if (st->root && FAILED(hr = xs_slot_object(x, st->root, &start, err)))
        return hr;
    if (st->kind == CS_STMT_EACH && !st->ncalls)
        return xs_each(x, index, start, err);
    if (FAILED(hr = xs_chain(x, sites, st->ncalls, start, t, &last, err)))
        return hr;
    if (st->kind == CS_STMT_EACH) {
        if (FAILED(hr = xs_object(&last, st->calls[st->ncalls - 1]->member, &coll, err)))
            return hr;
        t->obj[t->n++] = coll;
        return xs_each(x, index, coll, err);
    }
    if (target)
        slot_assign(x, target, &last);
    else if (x->fault == CS_XF_MISSING_VARIANTCLEAR)
        VariantInit(&last);       /* the client forgets the result: it leaks */
    else
        lb_result_clear(&last);   /* as VariantClear, without the call for a number */
    return S_OK;
}

/* Prefixes err's message with the statement: "line 3: TEXT: ". */
static void statement_error(const cs_stmt *st, lb_error *err)
{
    char msg[sizeof(err->message)];

    if (st->line)
        snprintf(msg, sizeof(msg), "line %d: %s: %s", st->line, st->text, err->message);
    else
        snprintf(msg, sizeof(msg), "%s: %s", st->text, err->message);
    memcpy(err->message, msg, sizeof(msg));
}

HRESULT cs_exec_statement(cs_exec *x, size_t index, lb_error *err)
{
    const cs_stmt *st;
    xs_temps t;
    HRESULT hr;

    err->hr = S_OK;
    err->message[0] = 0;
    if (!x->in_iteration || index >= x->script->count) {
        xs_error(err, E_UNEXPECTED, "script", x->in_iteration ? "no statement %u" : "no iteration begun",
                 (unsigned)index + 1);
        return E_UNEXPECTED;
    }
    st = &x->script->stmts[index];
    t.n = 0;
    if (st->kind == CS_STMT_ADVISE)
        hr = xs_advise(x, index, err);
    else if (st->kind == CS_STMT_UNADVISE)
        hr = xs_unadvise(x, index, err);
    else
        hr = run_chain_statement(x, index, &t, err);
    xs_temps_release(x, &t);
    if (FAILED(hr)) {
        err->hr = hr;
        statement_error(st, err);
        return hr;
    }
    x->totals.statements++;
    return hr;
}

HRESULT cs_exec_run(cs_exec *x, lb_error *err)
{
    size_t i;
    HRESULT hr = S_OK;

    err->hr = S_OK;
    err->message[0] = 0;
    for (i = 0; i < x->script->count && SUCCEEDED(hr); i++)
        hr = cs_exec_statement(x, i, err);
    return hr;
}

HRESULT cs_exec_begin(cs_exec *x, IDispatch *receiver, const lb_ref *given, size_t n, long long iteration,
                      lb_error *err)
{
    xs_slot *s;
    size_t i;

    err->hr = S_OK;
    err->message[0] = 0;
    cs_exec_end(x);
    xs_sweep(x);
    if (!receiver) {
        xs_error(err, E_INVALIDARG, "script", "no object to run on");
        return E_INVALIDARG;
    }
    x->receiver = receiver;
    x->iteration = iteration;
    x->in_iteration = TRUE;
    for (i = 0; i < n; i++) {
        if (!given[i].name || !given[i].disp || !(s = xs_slot_find(x, given[i].name)))
            continue;
        V_VT(&s->v) = VT_DISPATCH;
        V_DISPATCH(&s->v) = given[i].disp;
        s->set = s->given = TRUE;
    }
    return S_OK;
}

void cs_exec_end(cs_exec *x)
{
    size_t i;

    if (!x->in_iteration)
        return;
    xs_retire(x);
    for (i = 0; i < x->nslots; i++)
        slot_clear(x, &x->slots[i]);
    x->receiver = NULL;
    x->in_iteration = FALSE;
}

void cs_exec_sweep(cs_exec *x)
{
    xs_sweep(x);
}

/* One site per link of every statement, made once. */
static HRESULT make_sites(cs_exec *x, lb_error *err)
{
    const cs_script *sc = x->script;
    size_t i, j, k = 0, total = 0;
    HRESULT hr;

    for (i = 0; i < sc->count; i++)
        total += sc->stmts[i].ncalls + sc->stmts[i].nitem;
    if (!(x->sites = calloc(total + 1, sizeof(*x->sites))) || !(x->site0 = calloc(sc->count + 1, sizeof(*x->site0))))
        return E_OUTOFMEMORY;
    for (i = 0; i < sc->count; i++) {
        const cs_stmt *st = &sc->stmts[i];
        x->site0[i] = k;
        for (j = 0; j < st->ncalls + st->nitem; j++) {
            hr = lb_site_from_spec(j < st->ncalls ? st->calls[j] : st->item[j - st->ncalls], &x->sites[k++], err);
            if (FAILED(hr)) {
                statement_error(st, err);
                return hr;
            }
        }
    }
    return S_OK;
}

HRESULT cs_exec_new(const cs_script *script, lb_dispatcher *d, const cs_exec_hooks *hooks,
                    cs_exec_fault fault, cs_exec **out, lb_error *err)
{
    /* Aligned to a cache line, and a whole number of lines (the type is
     * aligned so): what the executor writes at every call (its totals, the
     * iteration) must not share a line with another worker's state, which
     * the C heap may place right after it when both set up at once. */
    cs_exec *x = _aligned_malloc(sizeof(*x), CS_EXEC_ALIGN);
    size_t i;
    HRESULT hr;

    if (x)
        memset(x, 0, sizeof(*x));
    *out = NULL;
    err->hr = S_OK;
    err->message[0] = 0;
    if (!x)
        goto out_oom;
    x->script = script;
    x->d = d;
    x->fault = fault;
    if (hooks)
        x->hooks = *hooks;
    for (i = 0; i < script->nnames && i < CS_MAX_NAMES; i++)
        x->slots[x->nslots++].name = script->names[i];
    for (i = 0; i < script->count; i++)
        x->maxadv += script->stmts[i].kind == CS_STMT_ADVISE;
    if (!(x->found = calloc(script->count + 1, sizeof(*x->found)))
        || !(x->adv = calloc(x->maxadv + 1, sizeof(*x->adv)))
        || !(x->retired = calloc(x->maxadv + 1, sizeof(*x->retired))))
        goto out_oom;
    if (FAILED(hr = make_sites(x, err))) {
        cs_exec_free(x);
        return err->hr = hr;
    }
    *out = x;
    return S_OK;
out_oom:
    cs_exec_free(x);
    xs_error(err, E_OUTOFMEMORY, "script", "out of memory");
    return E_OUTOFMEMORY;
}

void cs_exec_free(cs_exec *x)
{
    size_t i, total = 0;

    if (!x)
        return;
    cs_exec_end(x);
    xs_sweep(x);
    for (i = 0; x->sites && i < x->script->count; i++)
        total += x->script->stmts[i].ncalls + x->script->stmts[i].nitem;
    for (i = 0; x->sites && i < total; i++)
        lb_site_free(x->sites[i]);
    free(x->sites);
    free(x->site0);
    free(x->found);
    free(x->adv);
    free(x->retired);
    _aligned_free(x);
}

void cs_exec_totals_get(const cs_exec *x, cs_exec_totals *out)
{
    *out = x->totals;
}
