/* The script executor: "each", a walk through _NewEnum and IEnumVARIANT
 * (see script.h). */
#include "script_internal.h"
#include <string.h>

/*
 * The collection's enumerator: _NewEnum (DISPID_NEWENUM) invoked as a
 * method or property get, as VBScript's For Each does, then asked for
 * IEnumVARIANT. The _NewEnum result is released at once (the enumerator
 * keeps its own reference from QueryInterface).
 */
static HRESULT get_enum(IDispatch *coll, IEnumVARIANT **out, lb_error *err)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    EXCEPINFO ei;
    VARIANT res;
    UINT argerr = 0;
    HRESULT hr;

    *out = NULL;
    memset(&ei, 0, sizeof(ei));
    VariantInit(&res);
    hr = IDispatch_Invoke(coll, DISPID_NEWENUM, &IID_NULL, LOCALE_USER_DEFAULT,
                          DISPATCH_METHOD | DISPATCH_PROPERTYGET, &none, &res, &ei, &argerr);
    if (hr == DISP_E_EXCEPTION) {
        if (ei.pfnDeferredFillIn)
            ei.pfnDeferredFillIn(&ei);
        if (ei.scode)
            hr = ei.scode;
        lb_error_rich(err, hr, "_NewEnum", ei.bstrSource, ei.bstrDescription);
    }
    SysFreeString(ei.bstrSource);
    SysFreeString(ei.bstrDescription);
    SysFreeString(ei.bstrHelpFile);
    if (FAILED(hr)) {
        if (hr == DISP_E_MEMBERNOTFOUND || hr == DISP_E_UNKNOWNNAME)
            xs_error(err, hr, "_NewEnum", "not a collection (no _NewEnum)");
        else if (!err->message[0])
            xs_error(err, hr, "_NewEnum", "%s", lb_hr_text(hr));
        return hr;
    }
    if ((V_VT(&res) == VT_UNKNOWN || V_VT(&res) == VT_DISPATCH) && V_UNKNOWN(&res))
        hr = IUnknown_QueryInterface(V_UNKNOWN(&res), &IID_IEnumVARIANT, (void **)out);
    else
        hr = E_NOINTERFACE;
    VariantClear(&res);
    if (FAILED(hr) || !*out) {
        *out = NULL;
        xs_error(err, FAILED(hr) ? hr : E_POINTER, "_NewEnum", "the result is not an IEnumVARIANT");
        return FAILED(hr) ? hr : E_POINTER;
    }
    return S_OK;
}

/* The item calls of statement index on one item (taken over: cleared
 * here unless the item-release fault is on). */
static HRESULT item_calls(cs_exec *x, size_t index, VARIANT *item, lb_error *err)
{
    const cs_stmt *st = &x->script->stmts[index];
    lb_site **sites = x->sites + x->site0[index] + st->ncalls;
    xs_temps t;
    IDispatch *obj = NULL;
    VARIANT last;
    HRESULT hr = S_OK;

    t.n = 0;
    xs_track(x, item, st->text);
    if (st->nitem) {
        if (V_VT(item) == VT_DISPATCH && V_DISPATCH(item))
            obj = V_DISPATCH(item);
        else if (V_VT(item) == VT_UNKNOWN && V_UNKNOWN(item)
                 && SUCCEEDED(IUnknown_QueryInterface(V_UNKNOWN(item), &IID_IDispatch, (void **)&obj)) && obj)
            t.obj[t.n++] = obj;
        else {
            obj = NULL;
            xs_error(err, DISP_E_TYPEMISMATCH, "each", "an item is not an object (%s)",
                     xs_vt_name(V_VT(item)));
            hr = DISP_E_TYPEMISMATCH;
        }
        if (obj && SUCCEEDED(hr = xs_chain(x, sites, st->nitem, obj, &t, &last, err)))
            VariantClear(&last);
        if (obj && V_VT(item) == VT_DISPATCH)
            lb_dispatcher_forget(x->d, (IUnknown *)obj);
    }
    xs_temps_release(x, &t);
    if (x->fault != CS_XF_MISSING_ITEM_RELEASE)
        VariantClear(item);
    return hr;
}

/* each clone: replaces *en by its Clone (the original released), as a
 * client does that hands a walk on or looks ahead. */
static HRESULT clone_enum(cs_exec *x, IEnumVARIANT **en, lb_error *err)
{
    IEnumVARIANT *copy = NULL;
    HRESULT hr = IEnumVARIANT_Clone(*en, &copy);

    IEnumVARIANT_Release(*en);
    *en = copy;
    if (FAILED(hr) || !copy) {
        if (copy)
            IEnumVARIANT_Release(copy);
        *en = NULL;
        hr = FAILED(hr) ? hr : E_POINTER;
        xs_error(err, hr, "IEnumVARIANT::Clone", "%s", lb_hr_text(hr));
        return hr;
    }
    x->totals.clones++;
    return S_OK;
}

/*
 * Walks coll (borrowed): Next one item at a time until S_FALSE, each item
 * given to item_calls, then the enumerator released (unless the
 * enumerator-release fault is on). "each clone" walks a Clone of the
 * enumerator. A failing Next or Clone, or more than CS_EXEC_MAX_ITEMS
 * items, is an error.
 */
HRESULT xs_each(cs_exec *x, size_t index, IDispatch *coll, lb_error *err)
{
    IEnumVARIANT *en;
    VARIANT item;
    ULONG fetched;
    long count = 0;
    HRESULT hr;

    if (FAILED(hr = get_enum(coll, &en, err)))
        return hr;
    if (x->script->stmts[index].clone && FAILED(hr = clone_enum(x, &en, err)))
        return hr;
    x->totals.enumerations++;
    for (;;) {
        VariantInit(&item);
        fetched = 0;
        hr = IEnumVARIANT_Next(en, 1, &item, &fetched);
        if (hr != S_OK || fetched != 1) {
            VariantClear(&item);
            break;
        }
        x->totals.items++;
        if (++count > CS_EXEC_MAX_ITEMS) {
            VariantClear(&item);
            xs_error(err, E_FAIL, "each", "the enumerator gave more than %ld items", CS_EXEC_MAX_ITEMS);
            hr = E_FAIL;
            break;
        }
        if (FAILED(hr = item_calls(x, index, &item, err)))
            break;
    }
    if (SUCCEEDED(hr) && hr != S_FALSE && hr != S_OK) /* another success code ends the walk too */
        hr = S_OK;
    if (FAILED(hr) && !err->message[0])
        xs_error(err, hr, "IEnumVARIANT::Next", "%s", lb_hr_text(hr));
    if (x->fault != CS_XF_MISSING_ENUM_RELEASE)
        IEnumVARIANT_Release(en);
    return FAILED(hr) ? hr : S_OK;
}
