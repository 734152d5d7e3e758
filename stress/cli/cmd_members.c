/*
 * `comstress list members --target X [--dll PATH]`: what a late-binding
 * client can call on the target, read from its type information (never
 * guessed): one line per member (method, property get, put or putref,
 * arguments with their types, optional ones and default values, the
 * return type), then the source (event) interfaces of its class; or one
 * line saying the object offers no type information.
 */
#include <windows.h>
#include <ocidl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "paths.h"
#include "target.h"

/* Names asked of GetNames: the member and up to 63 parameters. */
#define MAX_NAMES 64

/* name of a type as IDL writes it; buf is returned. */
static char *type_text(ITypeInfo *ti, const TYPEDESC *td, char *buf, size_t len)
{
    static const struct { VARTYPE vt; const char *name; } names[] = {
        { VT_I2, "SHORT" }, { VT_I4, "LONG" }, { VT_R4, "FLOAT" }, { VT_R8, "DOUBLE" }, { VT_CY, "CURRENCY" },
        { VT_DATE, "DATE" }, { VT_BSTR, "BSTR" }, { VT_DISPATCH, "IDispatch*" }, { VT_ERROR, "SCODE" },
        { VT_BOOL, "VARIANT_BOOL" }, { VT_VARIANT, "VARIANT" }, { VT_UNKNOWN, "IUnknown*" },
        { VT_DECIMAL, "DECIMAL" }, { VT_I1, "CHAR" }, { VT_UI1, "BYTE" }, { VT_UI2, "USHORT" },
        { VT_UI4, "ULONG" }, { VT_I8, "LONGLONG" }, { VT_UI8, "ULONGLONG" }, { VT_INT, "INT" },
        { VT_UINT, "UINT" }, { VT_VOID, "void" }, { VT_HRESULT, "HRESULT" }, { VT_LPSTR, "LPSTR" },
        { VT_LPWSTR, "LPWSTR" },
    };
    char inner[160];
    ITypeInfo *ref;
    BSTR name;
    char *s;
    size_t i;

    snprintf(buf, len, "type %u", (unsigned)td->vt);
    switch (td->vt) {
    case VT_PTR:
        snprintf(buf, len, "%s*", type_text(ti, td->lptdesc, inner, sizeof(inner)));
        return buf;
    case VT_SAFEARRAY:
        snprintf(buf, len, "SAFEARRAY(%s)", type_text(ti, td->lptdesc, inner, sizeof(inner)));
        return buf;
    case VT_CARRAY:
        snprintf(buf, len, "%s[]", type_text(ti, &td->lpadesc->tdescElem, inner, sizeof(inner)));
        return buf;
    case VT_USERDEFINED:
        if (SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, td->hreftype, &ref))) {
            if (SUCCEEDED(ITypeInfo_GetDocumentation(ref, MEMBERID_NIL, &name, NULL, NULL, NULL))) {
                if ((s = cs_narrow(name))) {
                    snprintf(buf, len, "%s", s);
                    free(s);
                }
                SysFreeString(name);
            }
            ITypeInfo_Release(ref);
        }
        return buf;
    default:
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (names[i].vt == td->vt)
                snprintf(buf, len, "%s", names[i].name);
        return buf;
    }
}

/* A default value as the call language would write it: 10, 'text', true. */
static void default_text(const VARIANT *v, char *buf, size_t len)
{
    VARIANT s;
    char *text;

    VariantInit(&s);
    if (V_VT(v) == VT_BOOL) {
        snprintf(buf, len, "%s", V_BOOL(v) ? "true" : "false");
        return;
    }
    if (FAILED(VariantChangeType(&s, (VARIANT *)v, 0, VT_BSTR)) || !(text = cs_narrow(V_BSTR(&s)))) {
        snprintf(buf, len, "(a value of type %u)", (unsigned)V_VT(v));
        VariantClear(&s);
        return;
    }
    snprintf(buf, len, V_VT(v) == VT_BSTR ? "'%s'" : "%s", text);
    free(text);
    VariantClear(&s);
}

/* One parameter: "optional LONG last = 10", "in out VARIANT* first". */
static void param_text(ITypeInfo *ti, const FUNCDESC *fd, SHORT j, const char *name, char *buf, size_t len)
{
    const ELEMDESC *e = &fd->lprgelemdescParam[j];
    USHORT f = e->paramdesc.wParamFlags;
    char type[160], def[128] = "";
    int optional = (f & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT)) || (fd->cParamsOpt > 0 && j >= fd->cParams - fd->cParamsOpt);

    if ((f & PARAMFLAG_FHASDEFAULT) && e->paramdesc.pparamdescex) {
        size_t n;
        strcpy(def, " = ");
        n = strlen(def);
        default_text(&e->paramdesc.pparamdescex->varDefaultValue, def + n, sizeof(def) - n);
    }
    snprintf(buf, len, "%s%s%s %s%s", optional ? "optional " : "",
             (f & PARAMFLAG_FOUT) ? ((f & PARAMFLAG_FIN) ? "in out " : "out ") : "",
             type_text(ti, &e->tdesc, type, sizeof(type)), name, def);
}

/* One member line: "  method Range(LONG first, optional LONG last = 10) -> LONG". */
static void print_func(ITypeInfo *ti, const FUNCDESC *fd)
{
    static const char *const kinds[] = { "", "method", "get", "", "put", "", "", "", "putref" };
    BSTR names[MAX_NAMES + 1];
    UINT n = 0, k;
    char line[1024], arg[256], ret[160] = "", member[128] = "?", pname[80], *s;
    const TYPEDESC *rt = &fd->elemdescFunc.tdesc;
    size_t used;
    SHORT j;

    memset(names, 0, sizeof(names));
    ITypeInfo_GetNames(ti, fd->memid, names, MAX_NAMES, &n);
    if (n && names[0] && (s = cs_narrow(names[0]))) {
        snprintf(member, sizeof(member), "%s", s);
        free(s);
    }
    used = (size_t)snprintf(line, sizeof(line), "  %-6s %s", fd->invkind < 9 ? kinds[fd->invkind] : "?", member);
    for (j = 0, k = 0; j < fd->cParams && used < sizeof(line); j++) {
        if (fd->lprgelemdescParam[j].paramdesc.wParamFlags & PARAMFLAG_FRETVAL) {
            rt = fd->lprgelemdescParam[j].tdesc.vt == VT_PTR ? fd->lprgelemdescParam[j].tdesc.lptdesc
                                                             : &fd->lprgelemdescParam[j].tdesc;
            continue;
        }
        if ((UINT)j + 1 < n && names[j + 1] && (s = cs_narrow(names[j + 1]))) {
            snprintf(pname, sizeof(pname), "%s", s);
            free(s);
        } else {
            snprintf(pname, sizeof(pname), (fd->invkind & (INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF))
                     && j + 1 == fd->cParams ? "value" : "arg%d", j + 1);
        }
        param_text(ti, fd, j, pname, arg, sizeof(arg));
        used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", k++ ? ", " : "(", arg);
    }
    if (k && used < sizeof(line))
        used += (size_t)snprintf(line + used, sizeof(line) - used, ")");
    if (rt->vt != VT_VOID && rt->vt != VT_HRESULT)
        type_text(ti, rt, ret, sizeof(ret));
    printf("%s%s%s%s%s\n", line, ret[0] ? " -> " : "", ret,
           fd->memid == DISPID_NEWENUM ? " (the enumerator each walks)" : "",
           fd->wFuncFlags & FUNCFLAG_FHIDDEN ? " (hidden)" : "");
    for (k = 0; k < n; k++)
        SysFreeString(names[k]);
}

/* The name of ti and its kind: "interface IStressTarget (dual)". */
static void print_header(ITypeInfo *ti, const char *role, const char *extra)
{
    TYPEATTR *ta;
    BSTR name = NULL;
    char *s = NULL;
    int dual = 0;

    if (SUCCEEDED(ITypeInfo_GetTypeAttr(ti, &ta))) {
        dual = (ta->wTypeFlags & TYPEFLAG_FDUAL) != 0;
        ITypeInfo_ReleaseTypeAttr(ti, ta);
    }
    if (SUCCEEDED(ITypeInfo_GetDocumentation(ti, MEMBERID_NIL, &name, NULL, NULL, NULL)))
        s = cs_narrow(name);
    printf("%s %s%s%s:\n", role, s ? s : "?", dual ? " (dual)" : "", extra);
    free(s);
    SysFreeString(name);
}

/* "class StressTarget {A121FC24-...}". */
static void print_class(ITypeInfo *ci)
{
    TYPEATTR *ta;
    BSTR name = NULL;
    WCHAR clsid[40] = L"";
    char *s = NULL, *c;

    if (SUCCEEDED(ITypeInfo_GetTypeAttr(ci, &ta))) {
        StringFromGUID2(&ta->guid, clsid, 40);
        ITypeInfo_ReleaseTypeAttr(ci, ta);
    }
    if (SUCCEEDED(ITypeInfo_GetDocumentation(ci, MEMBERID_NIL, &name, NULL, NULL, NULL)))
        s = cs_narrow(name);
    c = cs_narrow(clsid);
    printf("class %s %s\n", s ? s : "?", c ? c : "");
    free(s);
    free(c);
    SysFreeString(name);
}

/* Every member of ti a client can call (restricted ones left out, but
 * _NewEnum, which each walks); returns how many were printed. */
static int print_members(ITypeInfo *ti)
{
    TYPEATTR *ta;
    FUNCDESC *fd;
    VARDESC *vd;
    BSTR name;
    char type[160], *s;
    int printed = 0;
    UINT i;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return 0;
    for (i = 0; i < ta->cFuncs; i++) {
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd)))
            continue;
        if (!(fd->wFuncFlags & FUNCFLAG_FRESTRICTED) || fd->memid == DISPID_NEWENUM) {
            print_func(ti, fd);
            printed++;
        }
        ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    for (i = 0; i < ta->cVars; i++) {
        if (FAILED(ITypeInfo_GetVarDesc(ti, i, &vd)))
            continue;
        if (vd->varkind == VAR_DISPATCH && SUCCEEDED(ITypeInfo_GetDocumentation(ti, vd->memid, &name, NULL, NULL, NULL))) {
            s = cs_narrow(name);
            printf("  %-6s %s -> %s\n", vd->wVarFlags & VARFLAG_FREADONLY ? "get" : "get/put", s ? s : "?",
                   type_text(ti, &vd->elemdescVar.tdesc, type, sizeof(type)));
            free(s);
            SysFreeString(name);
            printed++;
        }
        ITypeInfo_ReleaseVarDesc(ti, vd);
    }
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    if (!printed)
        printf("  (no member a client can call)\n");
    return printed;
}

/* The source interfaces of the coclass ci, or one line saying it has
 * none. */
static void print_sources(ITypeInfo *ci)
{
    TYPEATTR *ta;
    ITypeInfo *src;
    HREFTYPE href;
    INT flags;
    UINT i;
    int found = 0;

    if (FAILED(ITypeInfo_GetTypeAttr(ci, &ta)))
        return;
    for (i = 0; i < ta->cImplTypes; i++) {
        if (FAILED(ITypeInfo_GetImplTypeFlags(ci, i, &flags)) || !(flags & IMPLTYPEFLAG_FSOURCE)
            || FAILED(ITypeInfo_GetRefTypeOfImplType(ci, i, &href)) || FAILED(ITypeInfo_GetRefTypeInfo(ci, href, &src)))
            continue;
        print_header(src, "source", flags & IMPLTYPEFLAG_FDEFAULT ? " (default: advise connects to it)" : "");
        print_members(src);
        ITypeInfo_Release(src);
        found++;
    }
    ITypeInfo_ReleaseTypeAttr(ci, ta);
    if (!found)
        printf("no source interface: the class fires no events\n");
}

/* The coclass type information of the target: from --dll's type library,
 * else from the object (IProvideClassInfo). NULL when neither says. */
static ITypeInfo *class_info(cs_target *t, IDispatch *obj)
{
    IProvideClassInfo *pci = NULL;
    ITypeInfo *ci = NULL;

    if (t->from_dll && SUCCEEDED(cs_dll_class_info(&t->dll, &t->clsid, &ci)))
        return ci;
    if (SUCCEEDED(IDispatch_QueryInterface(obj, &IID_IProvideClassInfo, (void **)&pci)) && pci) {
        if (FAILED(IProvideClassInfo_GetClassInfo(pci, &ci)))
            ci = NULL;
        IProvideClassInfo_Release(pci);
    }
    return ci;
}

int cs_cmd_list_members(cs_options *o)
{
    cs_target t;
    IDispatch *obj = NULL;
    ITypeInfo *ti = NULL, *ci;
    UINT count = 0;
    char err[CS_ERR_LEN];
    HRESULT hr;
    int rc;

    if ((rc = cs_target_open(o->target, o->dll, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    if (FAILED(hr = cs_target_create(&t, &obj))) {
        fprintf(stderr, "comstress: target '%s' cannot be created (0x%08lx)\n", t.name, (unsigned long)hr);
        cs_target_close(&t);
        return CS_EXIT_TARGET;
    }
    ci = class_info(&t, obj);
    if (ci)
        print_class(ci);
    if (SUCCEEDED(IDispatch_GetTypeInfoCount(obj, &count)) && count
        && SUCCEEDED(IDispatch_GetTypeInfo(obj, 0, LOCALE_USER_DEFAULT, &ti)) && ti) {
        print_header(ti, "interface", "");
        print_members(ti);
        ITypeInfo_Release(ti);
    } else {
        printf("%s offers no type information (IDispatch::GetTypeInfoCount says %u): its members cannot be "
               "listed; calls are resolved by name (GetIDsOfNames)\n", t.name, count);
    }
    if (ci) {
        print_sources(ci);
        ITypeInfo_Release(ci);
    } else {
        printf("source interfaces: not known (no IProvideClassInfo and no type library of the class)\n");
    }
    IDispatch_Release(obj);
    cs_target_close(&t);
    return CS_EXIT_OK;
}
