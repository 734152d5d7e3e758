/*
 * explore: the members of a class and of the objects its members return,
 * read from type information (FUNCDESCs and VARDESCs), as cs_xmember
 * entries (core/explore). Objects returned are followed to a depth: a
 * member whose result is an object is called once here, with the
 * arguments of the table, and the object's own type information read (an
 * untyped IDispatch* says nothing before it exists); a type already
 * explored is not explored again (CreateChild returning another Target).
 * Members the skip lists leave out are never called here.
 */
#include <windows.h>
#include <oaidl.h>
#include <ocidl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "explore_members.h"
#include "paths.h"

#define MAX_SEEN 64

typedef struct walker {
    cs_xmember *m;
    size_t n, cap;
    GUID seen[MAX_SEEN];
    size_t nseen;
    IDispatch *root;               /* @obj: the argument for object parameters */
    int max_depth;
    int (*left_out)(void *ctx, const cs_xmember *m);
    void *ctx;
} walker;

/* Whether ti's type was explored already; marks it explored. */
static int seen_before(walker *w, ITypeInfo *ti)
{
    TYPEATTR *ta;
    GUID g;
    size_t i;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return 1;
    g = ta->guid;
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    for (i = 0; i < w->nseen; i++)
        if (IsEqualGUID(&w->seen[i], &g))
            return 1;
    if (w->nseen < MAX_SEEN)
        w->seen[w->nseen++] = g;
    return 0;
}

/* The table's type of a TYPEDESC (pointers to it: by reference). */
static cs_xtype xtype_of(ITypeInfo *ti, const TYPEDESC *td, cs_xtype *elem)
{
    ITypeInfo *ref;
    TYPEATTR *ta;
    cs_xtype t = CS_XT_UNSUPPORTED;

    switch (td->vt) {
    case VT_I1: case VT_I2: case VT_I4: case VT_I8: case VT_UI1: case VT_UI2: case VT_UI4:
    case VT_UI8: case VT_INT: case VT_UINT: case VT_ERROR: case VT_HRESULT:
        return CS_XT_INT;
    case VT_R4: case VT_R8: case VT_CY: case VT_DECIMAL: return CS_XT_FLOAT;
    case VT_BSTR: case VT_LPSTR: case VT_LPWSTR: return CS_XT_STRING;
    case VT_BOOL: return CS_XT_BOOL;
    case VT_DATE: return CS_XT_DATE;
    case VT_VARIANT: return CS_XT_VARIANT;
    case VT_DISPATCH: case VT_UNKNOWN: return CS_XT_OBJECT;
    case VT_PTR: return xtype_of(ti, td->lptdesc, elem);
    case VT_SAFEARRAY:
        *elem = xtype_of(ti, td->lptdesc, elem);
        return CS_XT_ARRAY;
    case VT_USERDEFINED:
        if (FAILED(ITypeInfo_GetRefTypeInfo(ti, td->hreftype, &ref)))
            return CS_XT_UNSUPPORTED;
        if (SUCCEEDED(ITypeInfo_GetTypeAttr(ref, &ta))) {
            if (ta->typekind == TKIND_ENUM)
                t = CS_XT_INT;
            else if (ta->typekind == TKIND_ALIAS)
                t = xtype_of(ref, &ta->tdescAlias, elem);
            else if (ta->typekind == TKIND_INTERFACE || ta->typekind == TKIND_DISPATCH
                     || ta->typekind == TKIND_COCLASS)
                t = CS_XT_OBJECT;
            ITypeInfo_ReleaseTypeAttr(ref, ta);
        }
        ITypeInfo_Release(ref);
        return t;
    default:
        return CS_XT_UNSUPPORTED;
    }
}

/* The member's name (GetDocumentation), narrowed; "" when unknown. */
static void member_name(ITypeInfo *ti, MEMBERID id, char *buf, size_t len)
{
    BSTR name = NULL;
    char *s;

    buf[0] = 0;
    if (SUCCEEDED(ITypeInfo_GetDocumentation(ti, id, &name, NULL, NULL, NULL)) && name && (s = cs_narrow(name))) {
        snprintf(buf, len, "%s", s);
        free(s);
    }
    SysFreeString(name);
}

/* What a parameter the table cannot make is, for "not called": the name
 * of a user-defined type, else its VARTYPE. */
static void type_name(ITypeInfo *ti, const TYPEDESC *td, char *buf, size_t len)
{
    ITypeInfo *ref;

    while (td->vt == VT_PTR)
        td = td->lptdesc;
    snprintf(buf, len, "VARTYPE %u", (unsigned)td->vt);
    if (td->vt == VT_USERDEFINED && SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, td->hreftype, &ref))) {
        member_name(ref, MEMBERID_NIL, buf, len);
        ITypeInfo_Release(ref);
    }
}

/* A new member at the end of w's list (NULL when out of memory). */
static cs_xmember *add_member(walker *w, const char *name, cs_xkind kind, const char *prefix,
                              const char *pathprefix, int depth)
{
    cs_xmember *m;

    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        if (!(m = realloc(w->m, cap * sizeof(*m))))
            return NULL;
        w->m = m;
        w->cap = cap;
    }
    m = &w->m[w->n++];
    memset(m, 0, sizeof(*m));
    snprintf(m->name, sizeof(m->name), "%s", name);
    snprintf(m->prefix, sizeof(m->prefix), "%s", prefix);
    snprintf(m->path, sizeof(m->path), "%s%s%s", pathprefix, *pathprefix ? "." : "", name);
    m->kind = kind;
    m->depth = depth;
    return m;
}

/* Whether ti has a property get of id (the round trip of a put). */
static int has_get(ITypeInfo *ti, MEMBERID id, UINT nfuncs)
{
    FUNCDESC *fd;
    UINT i;
    int found = 0;

    for (i = 0; i < nfuncs && !found; i++) {
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd)))
            continue;
        found = fd->memid == id && fd->invkind == INVOKE_PROPERTYGET;
        ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    return found;
}

/* Fills m's parameters and result from fd. */
static void fill_params(ITypeInfo *ti, const FUNCDESC *fd, cs_xmember *m)
{
    const TYPEDESC *ret = &fd->elemdescFunc.tdesc;
    cs_xtype elem = CS_XT_VARIANT;
    SHORT j;

    for (j = 0; j < fd->cParams; j++) {
        const ELEMDESC *e = &fd->lprgelemdescParam[j];
        USHORT f = e->paramdesc.wParamFlags;
        cs_xparam *p;

        if (f & PARAMFLAG_FRETVAL) {
            ret = &e->tdesc;
            continue;
        }
        if ((f & PARAMFLAG_FLCID) || m->nparams == CS_XMAX_PARAMS)
            continue;
        p = &m->params[m->nparams++];
        p->elem = CS_XT_VARIANT;
        p->type = xtype_of(ti, &e->tdesc, &p->elem);
        p->out = (f & PARAMFLAG_FOUT) != 0;
        p->in = p->out && (f & PARAMFLAG_FIN);
        p->optional = (f & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT))
                      || (fd->cParamsOpt > 0 && j >= fd->cParams - fd->cParamsOpt);
        type_name(ti, &e->tdesc, p->type_text, sizeof(p->type_text));
    }
    m->returns_object = xtype_of(ti, ret, &elem) == CS_XT_OBJECT;
}

/* One FUNCDESC as a member (puts and putrefs of one property once). */
static void add_func(walker *w, ITypeInfo *ti, const FUNCDESC *fd, UINT nfuncs, const char *prefix,
                     const char *pathprefix, int depth)
{
    char name[CS_XNAME_LEN];
    cs_xkind kind;
    cs_xmember *m;
    size_t i;

    if ((fd->wFuncFlags & FUNCFLAG_FRESTRICTED) && fd->memid != DISPID_NEWENUM)
        return;
    member_name(ti, fd->memid, name, sizeof(name));
    if (!name[0])
        return;
    kind = fd->memid == DISPID_NEWENUM ? CS_XK_NEWENUM
         : fd->invkind == INVOKE_FUNC ? CS_XK_METHOD
         : fd->invkind == INVOKE_PROPERTYGET ? CS_XK_GET : CS_XK_PUT;
    for (i = 0; i < w->n; i++)          /* a put and a putref of one property */
        if (w->m[i].kind == kind && !strcmp(w->m[i].prefix, prefix) && !strcmp(w->m[i].name, name))
            return;
    if (!(m = add_member(w, name, kind, prefix, pathprefix, depth)))
        return;
    fill_params(ti, fd, m);
    if (kind == CS_XK_PUT)
        m->has_get = has_get(ti, fd->memid, nfuncs);
    if (kind == CS_XK_NEWENUM)                /* the walk of a clone too */
        add_member(w, name, CS_XK_EACH_CLONE, prefix, pathprefix, depth);
}

/* A dispinterface's VARDESC property: a get, and a put unless read-only. */
static void add_var(walker *w, ITypeInfo *ti, const VARDESC *vd, const char *prefix, const char *pathprefix,
                    int depth)
{
    char name[CS_XNAME_LEN];
    cs_xtype elem = CS_XT_VARIANT, t;
    cs_xmember *m;

    if (vd->varkind != VAR_DISPATCH || (vd->wVarFlags & VARFLAG_FRESTRICTED))
        return;
    member_name(ti, vd->memid, name, sizeof(name));
    t = xtype_of(ti, &vd->elemdescVar.tdesc, &elem);
    if (!name[0] || !(m = add_member(w, name, CS_XK_GET, prefix, pathprefix, depth)))
        return;
    m->returns_object = t == CS_XT_OBJECT;
    if (vd->wVarFlags & VARFLAG_FREADONLY || !(m = add_member(w, name, CS_XK_PUT, prefix, pathprefix, depth)))
        return;
    m->params[0].type = t;
    m->params[0].elem = elem;
    m->nparams = 1;
    m->has_get = 1;
}

static void walk(walker *w, IDispatch *obj, ITypeInfo *ti, const char *prefix, const char *pathprefix, int depth);

/* An object that fires events (a connection point container that says
 * its class through IProvideClassInfo, as advise needs) gets two
 * members: advise then unadvise, and advise weak never unadvised. */
static void add_events(walker *w, IDispatch *obj, const char *prefix, const char *pathprefix, int depth)
{
    IConnectionPointContainer *cpc = NULL;
    IProvideClassInfo *pci = NULL;
    int events;

    events = SUCCEEDED(IDispatch_QueryInterface(obj, &IID_IConnectionPointContainer, (void **)&cpc)) && cpc
             && SUCCEEDED(IDispatch_QueryInterface(obj, &IID_IProvideClassInfo, (void **)&pci)) && pci;
    if (cpc)
        IConnectionPointContainer_Release(cpc);
    if (pci)
        IProvideClassInfo_Release(pci);
    if (!events)
        return;
    add_member(w, "events", CS_XK_ADVISE, prefix, pathprefix, depth);
    add_member(w, "events", CS_XK_ADVISE_WEAK, prefix, pathprefix, depth);
}

/* One argument of the table as a VARIANT for a discovery call; FALSE for
 * what a discovery call does not pass (arrays, out arguments). */
static BOOL make_arg(walker *w, const cs_xparam *p, VARIANT *v)
{
    VariantInit(v);
    if (p->out)
        return FALSE;
    switch (p->type) {
    case CS_XT_INT: V_VT(v) = VT_I4; V_I4(v) = 1; return TRUE;
    case CS_XT_FLOAT: V_VT(v) = VT_R8; V_R8(v) = 1.5; return TRUE;
    case CS_XT_STRING: case CS_XT_VARIANT:
        V_VT(v) = VT_BSTR;
        return (V_BSTR(v) = SysAllocString(L"x")) != NULL;
    case CS_XT_BOOL: V_VT(v) = VT_BOOL; V_BOOL(v) = VARIANT_TRUE; return TRUE;
    case CS_XT_DATE: V_VT(v) = VT_DATE; V_DATE(v) = 36925.170208333; return TRUE;
    case CS_XT_OBJECT:
        V_VT(v) = VT_DISPATCH;
        V_DISPATCH(v) = w->root;
        IDispatch_AddRef(w->root);
        return TRUE;
    default:
        return FALSE;
    }
}

/* Calls m on obj once, with the table's arguments (optional ones
 * omitted), for the object it returns. NULL when it cannot be called so,
 * fails or returns no object. */
static IDispatch *call_for_object(walker *w, IDispatch *obj, const cs_xmember *m)
{
    VARIANT args[CS_XMAX_PARAMS], result;
    DISPPARAMS dp = { args, NULL, 0, 0 };
    DISPID id;
    IDispatch *got = NULL;
    WCHAR *wname;
    int k, n = 0;

    for (k = 0; k < m->nparams && !m->params[k].optional; k++)
        n = k + 1;
    for (k = 0; k < n; k++)
        if (!make_arg(w, &m->params[k], &args[n - 1 - k]))
            goto out_clear;
    dp.cArgs = (UINT)n;
    if (!(wname = cs_wide(m->name)))
        goto out_clear;
    VariantInit(&result);
    if (SUCCEEDED(IDispatch_GetIDsOfNames(obj, &IID_NULL, &wname, 1, LOCALE_USER_DEFAULT, &id))
        && SUCCEEDED(IDispatch_Invoke(obj, id, &IID_NULL, LOCALE_USER_DEFAULT,
                                      DISPATCH_METHOD | DISPATCH_PROPERTYGET, &dp, &result, NULL, NULL))) {
        if ((V_VT(&result) == VT_DISPATCH || V_VT(&result) == VT_UNKNOWN) && V_UNKNOWN(&result))
            IUnknown_QueryInterface(V_UNKNOWN(&result), &IID_IDispatch, (void **)&got);
    }
    VariantClear(&result);
    free(wname);
out_clear:
    for (k = 0; k < n; k++)
        VariantClear(&args[n - 1 - k]);
    return got;
}

/* Follows the object m returns: its members get the chain to it. */
static void follow(walker *w, IDispatch *obj, size_t index, int depth)
{
    char call[CS_XTEXT_LEN], why[CS_XWHY_LEN], prefix[CS_XTEXT_LEN], path[CS_XTEXT_LEN];
    cs_xmember m = w->m[index];        /* w->m moves as members are added */
    IDispatch *child;
    ITypeInfo *ti = NULL;
    UINT count = 0;

    if (w->left_out(w->ctx, &m) || cs_xmember_call(&m, call, sizeof(call), why, sizeof(why)))
        return;
    if (!(child = call_for_object(w, obj, &m)))
        return;
    snprintf(prefix, sizeof(prefix), "%s%s%s", m.prefix, m.prefix[0] ? "." : "", call);
    snprintf(path, sizeof(path), "%s", m.path);
    if (SUCCEEDED(IDispatch_GetTypeInfoCount(child, &count)) && count
        && SUCCEEDED(IDispatch_GetTypeInfo(child, 0, LOCALE_USER_DEFAULT, &ti)) && ti) {
        if (!seen_before(w, ti))
            walk(w, child, ti, prefix, path, depth);
        ITypeInfo_Release(ti);
    }
    IDispatch_Release(child);
}

/* Every member of ti (on obj) at depth, then the objects they return. */
static void walk(walker *w, IDispatch *obj, ITypeInfo *ti, const char *prefix, const char *pathprefix, int depth)
{
    TYPEATTR *ta;
    FUNCDESC *fd;
    VARDESC *vd;
    size_t first = w->n, i, last;
    UINT k;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return;
    for (k = 0; k < ta->cFuncs; k++)
        if (SUCCEEDED(ITypeInfo_GetFuncDesc(ti, k, &fd))) {
            add_func(w, ti, fd, ta->cFuncs, prefix, pathprefix, depth);
            ITypeInfo_ReleaseFuncDesc(ti, fd);
        }
    for (k = 0; k < ta->cVars; k++)
        if (SUCCEEDED(ITypeInfo_GetVarDesc(ti, k, &vd))) {
            add_var(w, ti, vd, prefix, pathprefix, depth);
            ITypeInfo_ReleaseVarDesc(ti, vd);
        }
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    add_events(w, obj, prefix, pathprefix, depth);
    if (depth >= w->max_depth)
        return;
    for (i = first, last = w->n; i < last; i++)
        if (w->m[i].returns_object && (w->m[i].kind == CS_XK_METHOD || w->m[i].kind == CS_XK_GET))
            follow(w, obj, i, depth + 1);
}

HRESULT cs_explore_members(IDispatch *obj, int max_depth, int (*left_out)(void *ctx, const cs_xmember *m),
                           void *ctx, cs_xmember **out, size_t *n)
{
    walker w;
    ITypeInfo *ti = NULL;
    UINT count = 0;
    HRESULT hr;

    memset(&w, 0, sizeof(w));
    *out = NULL;
    *n = 0;
    if (FAILED(hr = IDispatch_GetTypeInfoCount(obj, &count)) || !count)
        return FAILED(hr) ? hr : TYPE_E_ELEMENTNOTFOUND;
    if (FAILED(hr = IDispatch_GetTypeInfo(obj, 0, LOCALE_USER_DEFAULT, &ti)) || !ti)
        return FAILED(hr) ? hr : TYPE_E_ELEMENTNOTFOUND;
    w.root = obj;
    w.max_depth = max_depth;
    w.left_out = left_out;
    w.ctx = ctx;
    seen_before(&w, ti);
    walk(&w, obj, ti, "", "", 0);
    ITypeInfo_Release(ti);
    *out = w.m;
    *n = w.n;
    return S_OK;
}
