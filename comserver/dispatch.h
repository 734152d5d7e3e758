/*
 * The typeinfo-backed plumbing every typed class of the server shares,
 * written once: IDispatch served from the embedded type library,
 * ISupportErrorInfo for the class's own interface, and the module's cache
 * of type information.
 *
 * A typed object embeds one cs_dispatch, calls cs_dispatch_init when it is
 * built and cs_dispatch_cleanup when it is destroyed, and fills the four
 * IDispatch slots of its dual vtable with CS_DISPATCH_IMPL. The type
 * information is loaded once per module; each object holds one reference
 * to it, which cs_dispatch_cleanup gives back.
 */
#ifndef CS_DISPATCH_H
#define CS_DISPATCH_H

#include "module.h"

/* Which type library entry a typed object (or its class) is described by. */
typedef enum cs_tid {
    CS_TID_STRESS_TARGET,
    CS_TID_STRESS_PROBE,
    CS_TID_STRESS_ITEMS,
    CS_TID_STRESS_ITEM,
    CS_TID_STRESS_TARGET_CLASS,        /* the coclass, for IProvideClassInfo */
    CS_TID_COUNT
} cs_tid;

typedef struct cs_dispatch {
    ISupportErrorInfo ISupportErrorInfo_iface;
    IUnknown *owner;           /* the object's dual interface; not AddRef'd */
    const IID *iid;            /* that interface: rich errors, QueryInterface */
    ITypeInfo *typeinfo;       /* one reference, until cs_dispatch_cleanup */
} cs_dispatch;

/*
 * Prepares d for an object whose dual interface is owner, described by
 * tid. Takes one reference to the cached type information (loading it on
 * first use). Returns the loader's failure when the type library cannot be
 * read; d->typeinfo is then NULL and cs_dispatch_cleanup is still safe.
 */
HRESULT cs_dispatch_init(cs_dispatch *d, cs_tid tid, IUnknown *owner);

/* Gives back the type information reference; safe on a failed init. */
void cs_dispatch_cleanup(cs_dispatch *d);

/*
 * QueryInterface for the interfaces d serves: IUnknown, IDispatch and the
 * dual interface give the owner, ISupportErrorInfo its own interface.
 * Returns TRUE and an AddRef'd *out, or FALSE leaving *out untouched, so a
 * class can go on with its other interfaces.
 */
BOOL cs_dispatch_query(cs_dispatch *d, REFIID riid, void **out);

/* The four IDispatch methods, served from d->typeinfo. */
HRESULT cs_dispatch_GetTypeInfoCount(UINT *count);
HRESULT cs_dispatch_GetTypeInfo(cs_dispatch *d, UINT index, ITypeInfo **info);
HRESULT cs_dispatch_GetIDsOfNames(cs_dispatch *d, LPOLESTR *names, UINT count, DISPID *dispids);
HRESULT cs_dispatch_Invoke(cs_dispatch *d, DISPID dispid, REFIID riid, WORD flags,
                           DISPPARAMS *params, VARIANT *result, EXCEPINFO *excepinfo,
                           UINT *argerr);

/*
 * Defines prefix_GetTypeInfoCount, _GetTypeInfo, _GetIDsOfNames and _Invoke
 * for interface Iface of struct type, whose cs_dispatch member is field and
 * whose interface member is Iface##_iface (the house naming). The class's
 * vtable then names them like its own methods.
 */
#define CS_DISPATCH_IMPL(prefix, Iface, type, field)                                        \
    static HRESULT WINAPI prefix##_GetTypeInfoCount(Iface *iface, UINT *count)              \
    {                                                                                       \
        return cs_dispatch_GetTypeInfoCount(count);                                         \
    }                                                                                       \
    static HRESULT WINAPI prefix##_GetTypeInfo(Iface *iface, UINT index, LCID lcid,         \
                                               ITypeInfo **info)                            \
    {                                                                                       \
        return cs_dispatch_GetTypeInfo(&CONTAINING_RECORD(iface, type, Iface##_iface)->field, \
                                       index, info);                                        \
    }                                                                                       \
    static HRESULT WINAPI prefix##_GetIDsOfNames(Iface *iface, REFIID riid, LPOLESTR *names, \
                                                 UINT count, LCID lcid, DISPID *dispids)    \
    {                                                                                       \
        return cs_dispatch_GetIDsOfNames(&CONTAINING_RECORD(iface, type, Iface##_iface)->field, \
                                         names, count, dispids);                            \
    }                                                                                       \
    static HRESULT WINAPI prefix##_Invoke(Iface *iface, DISPID dispid, REFIID riid, LCID lcid, \
                                          WORD flags, DISPPARAMS *params, VARIANT *result,  \
                                          EXCEPINFO *excepinfo, UINT *argerr)               \
    {                                                                                       \
        return cs_dispatch_Invoke(&CONTAINING_RECORD(iface, type, Iface##_iface)->field,    \
                                  dispid, riid, flags, params, result, excepinfo, argerr);  \
    }

/*
 * Returns an AddRef'd ITypeInfo for tid, loading the embedded type library
 * and caching the entry on first use (the cache keeps its own reference).
 */
HRESULT cs_get_typeinfo(cs_tid tid, ITypeInfo **out);

/*
 * Asks idle() under the cache lock and, when it answers TRUE, drops the
 * cached type library and entries (DllCanUnloadNow's "nothing may be left
 * behind"). Holding the lock means a creation racing with this either finds
 * the cache intact or reloads it. Returns idle()'s answer.
 */
BOOL cs_typeinfo_drop_if(BOOL (*idle)(void));

#endif
