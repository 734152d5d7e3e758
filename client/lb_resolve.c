/* Resolve: a member name into a call plan (see lb_internal.h). */
#include "lb_internal.h"
#include <string.h>

/* The descriptions of one DISPID, by kind: indexes or -1. */
typedef struct member_set { int func, get, put, putref, var; } member_set;

/* The descriptions of id by walking every member: for type information
 * without ITypeInfo2 (find_members). */
static void scan_members(ITypeInfo *ti, const TYPEATTR *ta, DISPID id, member_set *m)
{
    FUNCDESC *fd;
    VARDESC *vd;
    UINT i;

    for (i = 0; i < ta->cFuncs; i++) {
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd)))
            continue;
        if (fd->memid == id) {
            if (fd->invkind == INVOKE_FUNC) m->func = (int)i;
            else if (fd->invkind == INVOKE_PROPERTYGET) m->get = (int)i;
            else if (fd->invkind == INVOKE_PROPERTYPUT) m->put = (int)i;
            else if (fd->invkind == INVOKE_PROPERTYPUTREF) m->putref = (int)i;
        }
        ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    for (i = 0; i < ta->cVars; i++) {
        if (FAILED(ITypeInfo_GetVarDesc(ti, i, &vd)))
            continue;
        if (vd->memid == id)
            m->var = (int)i;
        ITypeInfo_ReleaseVarDesc(ti, vd);
    }
}

/* The index ITypeInfo2 gives for one kind of member id, or -1. */
static int func_index(ITypeInfo2 *ti2, DISPID id, INVOKEKIND kind)
{
    UINT index;

    return SUCCEEDED(ITypeInfo2_GetFuncIndexOfMemId(ti2, id, kind, &index)) ? (int)index : -1;
}

/*
 * Fills m with the FUNCDESC index of id for each kind of call and its
 * VARDESC index (-1 for none). ITypeInfo2 looks each up by DISPID without
 * copying a description per member (Wine's GetFuncDesc allocates one per
 * call); type information without ITypeInfo2 is walked member by member.
 */
static void find_members(ITypeInfo *ti, const TYPEATTR *ta, DISPID id, member_set *m)
{
    ITypeInfo2 *ti2 = NULL;
    UINT index;

    m->func = m->get = m->put = m->putref = m->var = -1;
    if (FAILED(ITypeInfo_QueryInterface(ti, &IID_ITypeInfo2, (void **)&ti2)) || !ti2) {
        scan_members(ti, ta, id, m);
        return;
    }
    m->func = func_index(ti2, id, INVOKE_FUNC);
    m->get = func_index(ti2, id, INVOKE_PROPERTYGET);
    m->put = func_index(ti2, id, INVOKE_PROPERTYPUT);
    m->putref = func_index(ti2, id, INVOKE_PROPERTYPUTREF);
    if (ta->cVars && SUCCEEDED(ITypeInfo2_GetVarIndexOfMemId(ti2, id, &index)))
        m->var = (int)index;
    ITypeInfo2_Release(ti2);
}

/*
 * Chooses the description the site's kind of call means. Returns S_OK with
 * *func (a FUNCDESC index) or *var (a VARDESC index) set, S_FALSE when the
 * type information does not describe the member, or a failure naming the
 * mismatch: a property called with parentheses and no index, an assignment
 * to a method or a read-only property.
 */
static HRESULT pick(const lb_site *site, const member_set *m, int *func, int *var, lb_error *err)
{
    const cs_callspec *s = site->spec;

    *func = *var = -1;
    switch (s->kind) {
    case CS_CALL_GET:
        *func = m->get >= 0 ? m->get : m->func;
        if (*func < 0)
            *var = m->var;
        break;
    case CS_CALL_METHOD:
        *func = m->func >= 0 ? m->func : s->nargs ? m->get : -1;
        if (*func < 0 && (m->get >= 0 || m->var >= 0)) {
            lb_error_set(err, DISP_E_MEMBERNOTFOUND, s->member,
                         "is a property, not a method: write '%s' without parentheses", s->member);
            return DISP_E_MEMBERNOTFOUND;
        }
        break;
    case CS_CALL_PUT:
        *func = m->put >= 0 ? m->put : m->putref;
        if (*func < 0 && m->var >= 0)
            *var = m->var;
        else if (*func < 0 && (m->func >= 0 || m->get >= 0)) {
            lb_error_set(err, DISP_E_MEMBERNOTFOUND, s->member,
                         m->func >= 0 ? "is a method: it cannot be assigned" : "is a read-only property");
            return DISP_E_MEMBERNOTFOUND;
        }
        break;
    }
    return *func >= 0 || *var >= 0 ? S_OK : S_FALSE;
}

/* The type a caller's argument is converted to: VT_BYREF|base for a
 * pointer parameter, VT_EMPTY when unknown (user-defined types). */
static VARTYPE param_type(const TYPEDESC *td)
{
    if (td->vt == VT_PTR)
        return td->lptdesc->vt == VT_USERDEFINED || td->lptdesc->vt == VT_PTR
               ? VT_EMPTY : (VARTYPE)(td->lptdesc->vt | VT_BYREF);
    return td->vt == VT_USERDEFINED ? VT_EMPTY : td->vt;
}

/* Whether the vtable plan can pass (or return) a value of this type. */
static BOOL vtable_type(VARTYPE vt)
{
    switch (vt & ~VT_BYREF) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4:
    case VT_INT: case VT_UINT: case VT_I8: case VT_UI8: case VT_R4: case VT_R8:
    case VT_BOOL: case VT_BSTR: case VT_DISPATCH: case VT_UNKNOWN: case VT_VARIANT:
    case VT_CY: case VT_DATE: case VT_ERROR:
        return TRUE;
    default:
        return FALSE;
    }
}

static WORD invoke_flags(INVOKEKIND k)
{
    switch (k) {
    case INVOKE_PROPERTYGET:    return DISPATCH_PROPERTYGET;
    case INVOKE_PROPERTYPUT:    return DISPATCH_PROPERTYPUT;
    case INVOKE_PROPERTYPUTREF: return DISPATCH_PROPERTYPUTREF;
    default:                    return DISPATCH_METHOD;
    }
}

/*
 * Fills b from one FUNCDESC: invoke kind, the parameters a caller passes
 * (the retval and LCID parameters are not theirs) and, on a dual interface,
 * the vtable plan. Fails with DISP_E_BADPARAMCOUNT when the site passes
 * too few or too many arguments.
 */
static HRESULT describe_func(ITypeInfo *ti, int index, const lb_site *site, BOOL dual,
                             const IID *iid, lb_binding *b, lb_error *err)
{
    const cs_callspec *s = site->spec;
    FUNCDESC *fd;
    int visible = 0, opt = 0, lcid = 0, p;
    BOOL vt_ok;
    HRESULT hr;

    if (FAILED(hr = ITypeInfo_GetFuncDesc(ti, (UINT)index, &fd)))
        return S_FALSE;
    vt_ok = dual && fd->funckind == FUNC_PUREVIRTUAL && fd->elemdescFunc.tdesc.vt == VT_HRESULT
            && fd->cParamsOpt != -1;
    for (p = 0; p < fd->cParams; p++) {
        const ELEMDESC *ed = &fd->lprgelemdescParam[p];
        USHORT pf = ed->paramdesc.wParamFlags;
        if (pf & PARAMFLAG_FRETVAL) {
            vt_ok = vt_ok && p == fd->cParams - 1 && vtable_type(param_type(&ed->tdesc));
            b->retval = param_type(&ed->tdesc) & ~VT_BYREF;
            continue;
        }
        if (pf & PARAMFLAG_FLCID) {
            lcid = 1;
            continue;
        }
        if (pf & PARAMFLAG_FOPT)
            opt++;
        if (visible < LB_MAX_ARGS)
            b->ptypes[visible] = param_type(&ed->tdesc);
        vt_ok = vt_ok && vtable_type(param_type(&ed->tdesc));
        visible++;
    }
    if (fd->cParamsOpt > opt)
        opt = fd->cParamsOpt;
    b->flags = invoke_flags(fd->invkind);
    b->typed = TRUE;
    b->nparams = (SHORT)(visible < LB_MAX_ARGS ? visible : LB_MAX_ARGS);
    b->ovft = fd->oVft;
    b->vtable = vt_ok && !lcid && (int)s->nargs == visible && visible <= LB_MAX_ARGS;
    if (iid)
        b->iid = *iid;
    hr = S_OK;
    if ((int)s->nargs < visible - opt || ((int)s->nargs > visible && fd->cParamsOpt != -1)) {
        lb_error_set(err, DISP_E_BADPARAMCOUNT, s->member, "wrong number of arguments: %u given, %d%s expected",
                     (unsigned)s->nargs, visible - opt, opt ? " or more" : "");
        hr = DISP_E_BADPARAMCOUNT;
    }
    ITypeInfo_ReleaseFuncDesc(ti, fd);
    return hr;
}

/* Fills b from a VARDESC (a dispinterface property): get or put only. */
static HRESULT describe_var(ITypeInfo *ti, int index, const lb_site *site, lb_binding *b, lb_error *err)
{
    const cs_callspec *s = site->spec;
    VARDESC *vd;
    size_t want = s->kind == CS_CALL_PUT ? 1 : 0;

    if (FAILED(ITypeInfo_GetVarDesc(ti, (UINT)index, &vd)))
        return S_FALSE;
    b->typed = TRUE;
    b->flags = s->kind == CS_CALL_PUT ? DISPATCH_PROPERTYPUT : DISPATCH_PROPERTYGET;
    b->nparams = (SHORT)want;
    b->ptypes[0] = param_type(&vd->elemdescVar.tdesc);
    ITypeInfo_ReleaseVarDesc(ti, vd);
    if (s->nargs != want) {
        lb_error_set(err, DISP_E_BADPARAMCOUNT, s->member, "wrong number of arguments: %u given, %u expected",
                     (unsigned)s->nargs, (unsigned)want);
        return DISP_E_BADPARAMCOUNT;
    }
    return S_OK;
}

/* Looks the DISPID up in one ITypeInfo; dual says its functions carry
 * vtable offsets of the interface iid. */
static HRESULT describe_in(ITypeInfo *ti, BOOL dual, const lb_site *site, lb_binding *b, lb_error *err)
{
    TYPEATTR *ta;
    member_set m;
    IID iid;
    int func, var;
    HRESULT hr;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return S_FALSE;
    iid = ta->guid;
    find_members(ti, ta, b->dispid, &m);
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    if ((hr = pick(site, &m, &func, &var, err)) != S_OK)
        return hr;
    if (func >= 0)
        return describe_func(ti, func, site, dual, &iid, b, err);
    return describe_var(ti, var, site, b, err);
}

/*
 * The type information part of a resolve. S_OK: b describes the member;
 * S_FALSE: no usable type information (none, broken, or silent about this
 * member): b keeps the untyped plan; a failure: the site does not fit the
 * member (message in err).
 */
static HRESULT describe(IDispatch *obj, const lb_site *site, lb_binding *b, lb_error *err)
{
    ITypeInfo *ti = NULL, *vti = NULL;
    TYPEATTR *ta;
    HREFTYPE href;
    UINT count = 0;
    BOOL dual = FALSE, iface = FALSE;
    HRESULT hr = S_FALSE;

    if (FAILED(IDispatch_GetTypeInfoCount(obj, &count)) || !count
        || FAILED(IDispatch_GetTypeInfo(obj, 0, LOCALE_USER_DEFAULT, &ti)) || !ti)
        return S_FALSE;
    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        goto out_release_ti;
    dual = (ta->wTypeFlags & TYPEFLAG_FDUAL) != 0;
    iface = ta->typekind == TKIND_INTERFACE;
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    if (dual && !iface && SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(ti, (UINT)-1, &href)))
        ITypeInfo_GetRefTypeInfo(ti, href, &vti);
    if (vti)
        hr = describe_in(vti, TRUE, site, b, err);
    if (hr == S_FALSE)
        hr = describe_in(ti, dual && iface, site, b, err);
    if (vti)
        ITypeInfo_Release(vti);
out_release_ti:
    ITypeInfo_Release(ti);
    return hr;
}

/* Looks up the member and every named argument in one GetIDsOfNames;
 * an unknown name is reported by name. */
static HRESULT resolve_names(IDispatch *obj, const lb_site *site, lb_binding *b, lb_error *err)
{
    const cs_callspec *s = site->spec;
    DISPID ids[1 + LB_MAX_ARGS];
    UINT i, k;
    HRESULT hr;

    for (i = 0; i < site->nnames; i++)
        ids[i] = DISPID_UNKNOWN;
    hr = IDispatch_GetIDsOfNames(obj, &IID_NULL, site->wnames, site->nnames, LOCALE_USER_DEFAULT, ids);
    if (FAILED(hr) && (hr != DISP_E_UNKNOWNNAME || ids[0] == DISPID_UNKNOWN || site->nnames == 1)) {
        lb_error_set(err, hr, s->member, hr == DISP_E_UNKNOWNNAME ? "no such member" : "resolving the name failed");
        return hr;
    }
    b->dispid = ids[0];
    for (i = 0, k = 1; i < s->nargs; i++) {
        if (!s->args[i].name)
            continue;
        if ((b->argids[i] = ids[k++]) == DISPID_UNKNOWN) {
            lb_error_set(err, DISP_E_UNKNOWNNAME, s->member, "argument %u: no parameter named '%s'",
                         (unsigned)i + 1, s->args[i].name);
            return DISP_E_UNKNOWNNAME;
        }
    }
    return S_OK;
}

/* The plan without type information, as VBScript calls: a get or a
 * method, whichever the object has ("Item(0)" on a collection reads its
 * default property), or a put. */
static void untyped_plan(const lb_site *site, lb_binding *b)
{
    const cs_callspec *s = site->spec;

    b->flags = s->kind == CS_CALL_PUT ? DISPATCH_PROPERTYPUT : DISPATCH_METHOD | DISPATCH_PROPERTYGET;
    b->nparams = (SHORT)s->nargs;
}

HRESULT lb_resolve(IDispatch *obj, const lb_site *site, lb_binding *b, lb_counts *n, lb_error *err)
{
    HRESULT hr;

    memset(b, 0, sizeof(*b));
    n->binds++;
    n->getidsofnames_calls++;
    if (FAILED(hr = resolve_names(obj, site, b, err)))
        return hr;
    /* The type information, when there is some, says which kind of
     * member the name is (describe). */
    untyped_plan(site, b);
    if (FAILED(hr = describe(obj, site, b, err)))
        return hr;
    if (site->rich)
        b->vtable = FALSE;    /* named, omitted, array, date, out: Invoke only */
    return S_OK;
}

HRESULT lb_resolve_names(IDispatch *obj, const lb_site *site, lb_binding *b, lb_counts *n, lb_error *err)
{
    HRESULT hr;

    /* The fields an untyped plan reads, not the whole binding: clearing
     * its 136 bytes (a rep stos) cost about a tenth of the layer's own
     * time on this path. The DISPIDs are resolve_names'. */
    b->typed = FALSE;
    b->vtable = FALSE;
    b->retval = VT_EMPTY;
    n->binds++;
    n->getidsofnames_calls++;
    if (FAILED(hr = resolve_names(obj, site, b, err)))
        return hr;
    untyped_plan(site, b);
    /* "Name()" is a method call: the typed plan refuses it on a property,
     * so it goes as a method alone; a property answers
     * DISP_E_MEMBERNOTFOUND, and lb_resolve_explain says why. */
    if (site->spec->kind == CS_CALL_METHOD && !site->spec->nargs)
        b->flags = DISPATCH_METHOD;
    return S_OK;
}

HRESULT lb_resolve_explain(IDispatch *obj, const lb_site *site, lb_binding *b, HRESULT failed, lb_error *err)
{
    lb_binding typed;
    WORD tried = b->flags;
    HRESULT hr;

    memset(&typed, 0, sizeof(typed));
    typed.dispid = b->dispid;         /* the DISPIDs of the names stay */
    memcpy(typed.argids, b->argids, sizeof(typed.argids));
    untyped_plan(site, &typed);
    if (FAILED(hr = describe(obj, site, &typed, err)))
        return hr;                    /* the typed plan's refusal, as lb_resolve says it */
    if (hr == S_OK) {
        typed.vtable = FALSE;
        *b = typed;
        return failed == DISP_E_MEMBERNOTFOUND && typed.flags != tried ? S_OK : S_FALSE;
    }
    if (failed == DISP_E_MEMBERNOTFOUND && tried == DISPATCH_METHOD) {
        b->flags = DISPATCH_METHOD | DISPATCH_PROPERTYGET;   /* no type information: as VBScript */
        return S_OK;
    }
    return S_FALSE;
}
