/*
 * One class factory for every class, parameterised by the class's create
 * function. Factories are allocated per DllGetClassObject call; their
 * references do not keep the server loaded (only LockServer does).
 */
#include "module.h"

typedef struct class_factory {
    IClassFactory IClassFactory_iface;
    LONG ref;
    cs_create_fn create;
} class_factory;

static inline class_factory *impl_from_IClassFactory(IClassFactory *iface)
{
    return CONTAINING_RECORD(iface, class_factory, IClassFactory_iface);
}

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
        *out = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    class_factory *factory = impl_from_IClassFactory(iface);
    return InterlockedIncrement(&factory->ref);
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    class_factory *factory = impl_from_IClassFactory(iface);
    LONG ref = InterlockedDecrement(&factory->ref);

    if (!ref)
        HeapFree(GetProcessHeap(), 0, factory);
    return ref;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer,
                                             REFIID riid, void **out)
{
    class_factory *factory = impl_from_IClassFactory(iface);

    if (!out)
        return E_POINTER;
    return factory->create(outer, riid, out);
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    if (lock)
        cs_lock_server();
    else
        cs_unlock_server();
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {
    .QueryInterface = factory_QueryInterface,
    .AddRef = factory_AddRef,
    .Release = factory_Release,
    .CreateInstance = factory_CreateInstance,
    .LockServer = factory_LockServer,
};

HRESULT cs_class_factory_create(cs_create_fn create, REFIID riid, void **out)
{
    class_factory *factory;
    HRESULT hr;

    *out = NULL;
    if (!(factory = HeapAlloc(GetProcessHeap(), 0, sizeof(*factory))))
        return E_OUTOFMEMORY;
    factory->IClassFactory_iface.lpVtbl = &factory_vtbl;
    factory->ref = 1;
    factory->create = create;
    hr = IClassFactory_QueryInterface(&factory->IClassFactory_iface, riid, out);
    IClassFactory_Release(&factory->IClassFactory_iface);
    return hr;
}
