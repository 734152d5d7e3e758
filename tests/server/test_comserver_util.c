/* Helpers shared by the reference server's suite; see test_comserver.h. */
#include "test_comserver.h"
#include <stdio.h>
#include <string.h>

HMODULE server;
get_class_object_fn get_class_object;
can_unload_fn can_unload_now;

/* Loads the server DLL the CTest entry names (once per process). */
void load_server(void)
{
    const char *path;

    if (server)
        return;
    path = cs_env("COMSTRESS_SERVER_DLL");
    server = LoadLibraryA(path);
    ck_assert_msg(server != NULL, "LoadLibrary(%s) failed: %lu", path, GetLastError());
    get_class_object = (get_class_object_fn)(void *)GetProcAddress(server, "DllGetClassObject");
    can_unload_now = (can_unload_fn)(void *)GetProcAddress(server, "DllCanUnloadNow");
    ck_assert_ptr_nonnull(get_class_object);
    ck_assert_ptr_nonnull(can_unload_now);
}

/* Creates an object straight from the DLL's class factory. */
void *create_direct(REFCLSID clsid, REFIID iid)
{
    IClassFactory *factory;
    void *obj = NULL;

    ck_assert_ok(get_class_object(clsid, &IID_IClassFactory, (void **)&factory));
    ck_assert_ok(IClassFactory_CreateInstance(factory, NULL, iid, &obj));
    IClassFactory_Release(factory);
    return obj;
}

LONG live(IStressProbe *probe, const WCHAR *cls)
{
    BSTR name = SysAllocString(cls);
    LONG n = -1;

    ck_assert_ok(IStressProbe_LiveObjects(probe, name, &n));
    SysFreeString(name);
    return n;
}

HRESULT set_fault(IStressProbe *probe, const WCHAR *fault, LONG param)
{
    BSTR name = SysAllocString(fault);
    HRESULT hr = IStressProbe_SetFault(probe, name, param);

    SysFreeString(name);
    return hr;
}

/* Late-bound call by name: args in call order (at most 4). A property put
 * passes its value as the single argument. */
HRESULT call(IDispatch *disp, const WCHAR *name, WORD flags, VARIANT *args, UINT nargs,
                    VARIANT *res, EXCEPINFO *ei, UINT *argerr)
{
    DISPID id, put = DISPID_PROPERTYPUT;
    VARIANT rev[4];
    DISPPARAMS dp = { rev, NULL, nargs, 0 };
    LPOLESTR n = (LPOLESTR)name;
    UINT i;
    HRESULT hr;

    if (FAILED(hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, &n, 1, 0, &id)))
        return hr;
    for (i = 0; i < nargs; i++)
        rev[nargs - 1 - i] = args[i];
    if (flags & DISPATCH_PROPERTYPUT) {
        dp.cNamedArgs = 1;
        dp.rgdispidNamedArgs = &put;
    }
    if (res)
        VariantInit(res);
    return IDispatch_Invoke(disp, id, &IID_NULL, 0, flags, &dp, res, ei, argerr);
}

VARIANT vi4(LONG v) { VARIANT x; V_VT(&x) = VT_I4; V_I4(&x) = v; return x; }
VARIANT vstr(BSTR b) { VARIANT x; V_VT(&x) = VT_BSTR; V_BSTR(&x) = b; return x; }
VARIANT vdisp(IDispatch *d) { VARIANT x; V_VT(&x) = VT_DISPATCH; V_DISPATCH(&x) = d; return x; }

/* Calls an integer member and returns its VT_I4 result. */
LONG call_long(IDispatch *disp, const WCHAR *name, VARIANT *args, UINT nargs)
{
    VARIANT res;

    ck_assert_ok(call(disp, name, DISPATCH_METHOD, args, nargs, &res, NULL, NULL));
    ck_assert_ok(VariantChangeType(&res, &res, 0, VT_I4));
    return V_I4(&res);
}

void setup(void)
{
    cs_com_sta_setup();
    load_server();
}


void heap_usage(SIZE_T *bytes, SIZE_T *blocks)
{
    PROCESS_HEAP_ENTRY e;
    HANDLE heap = GetProcessHeap();
    SIZE_T total = 0, count = 0;

    memset(&e, 0, sizeof(e));
    HeapLock(heap);
    while (HeapWalk(heap, &e)) {
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) {
            total += e.cbData;
            count++;
        }
    }
    HeapUnlock(heap);
    if (bytes)
        *bytes = total;
    if (blocks)
        *blocks = count;
}

void heap_window_open(void)
{
    HeapLock(GetProcessHeap());
}

void heap_window_close(void)
{
    HeapUnlock(GetProcessHeap());
}
