/*
 * DllMain, DllGetClassObject, DllCanUnloadNow and the state they share:
 * per-class counters, server locks and the selected fault.
 */
#include "module.h"
#include "classes.h"
#include "dispatch.h"

#include <stdio.h>

HINSTANCE cs_module_instance;

typedef struct class_counters {
    LONG live;
    LONG peak;
    LONG addrefs;
    LONG releases;
} class_counters;

static class_counters counters[CS_CLASS_COUNT];
static LONG server_locks;

/* Fault selected for new objects: the fault in the high half, the param in
 * the low half, so one interlocked exchange publishes both. */
static volatile LONG64 selected_fault;
/* COMSTRESS_FAULT as read at load, when it names no known fault. */
static char bad_env_fault[128];

/* Live objects of every class but Probe together, and their peak: the
 * sum of per-class peaks would add peaks reached at different times. */
static volatile LONG all_live, all_peak;

/* Raises *peak to live unless another thread already raised it further. */
static void raise_peak(volatile LONG *peak, LONG live)
{
    LONG seen;

    while ((seen = *peak) < live)
        if (InterlockedCompareExchange(peak, live, seen) == seen)
            break;
}

void cs_object_created(cs_class c)
{
    raise_peak(&counters[c].peak, InterlockedIncrement(&counters[c].live));
    if (c != CS_CLASS_PROBE)
        raise_peak(&all_peak, InterlockedIncrement(&all_live));
    cs_count_addref(c);
}

void cs_object_destroyed(cs_class c)
{
    InterlockedDecrement(&counters[c].live);
    if (c != CS_CLASS_PROBE)
        InterlockedDecrement(&all_live);
}

void cs_count_addref(cs_class c)
{
    if (c != CS_CLASS_PROBE)
        InterlockedIncrement(&counters[c].addrefs);
}

void cs_count_release(cs_class c)
{
    if (c != CS_CLASS_PROBE)
        InterlockedIncrement(&counters[c].releases);
}

void cs_lock_server(void)
{
    InterlockedIncrement(&server_locks);
}

void cs_unlock_server(void)
{
    InterlockedDecrement(&server_locks);
}

/* Sums one counter field over the classes the filter selects. */
static LONG sum_counter(cs_class filter, size_t field)
{
    LONG total = 0;
    int c;

    for (c = 0; c < CS_CLASS_COUNT; c++) {
        if (filter == CS_CLASS_COUNT ? c == CS_CLASS_PROBE : c != (int)filter)
            continue;
        total += *(volatile LONG *)((char *)&counters[c] + field);
    }
    return total;
}

LONG cs_live_objects(cs_class f) { return sum_counter(f, offsetof(class_counters, live)); }
LONG cs_peak_objects(cs_class f)
{
    return f == CS_CLASS_COUNT ? all_peak : sum_counter(f, offsetof(class_counters, peak));
}
LONG cs_server_locks(void) { return server_locks; }
LONG cs_addref_total(void) { return sum_counter(CS_CLASS_COUNT, offsetof(class_counters, addrefs)); }
LONG cs_release_total(void) { return sum_counter(CS_CLASS_COUNT, offsetof(class_counters, releases)); }

BOOL cs_module_path(WCHAR *buf, DWORD size)
{
    DWORD n = GetModuleFileNameW(cs_module_instance, buf, size);
    return n > 0 && n < size;
}

cs_fault cs_current_fault(LONG *param)
{
    LONG64 v = InterlockedCompareExchange64(&selected_fault, 0, 0);

    if (param)
        *param = (LONG)(ULONG)(v & 0xffffffff);
    return (cs_fault)(v >> 32);
}

/* Calls counted by the call-counting faults since the fault was selected. */
static LONG fault_calls;

void cs_set_fault(cs_fault fault, LONG param)
{
    InterlockedExchange(&fault_calls, 0);
    cs_noise_select();
    InterlockedExchange64(&selected_fault, ((LONG64)fault << 32) | (ULONG)param);
}

LONG cs_fault_call_count(void)
{
    return InterlockedIncrement(&fault_calls);
}

HRESULT cs_set_error(REFIID iid, HRESULT hr, const WCHAR *description)
{
    ICreateErrorInfo *create;
    IErrorInfo *info;

    if (FAILED(CreateErrorInfo(&create)))
        return hr;
    ICreateErrorInfo_SetGUID(create, iid);
    ICreateErrorInfo_SetSource(create, (WCHAR *)L"ComStress");
    ICreateErrorInfo_SetDescription(create, (WCHAR *)description);
    if (SUCCEEDED(ICreateErrorInfo_QueryInterface(create, &IID_IErrorInfo, (void **)&info))) {
        SetErrorInfo(0, info);
        IErrorInfo_Release(info);
    }
    ICreateErrorInfo_Release(create);
    return hr;
}

/*
 * Applies COMSTRESS_FAULT=name[:param] at load. Reading the environment and
 * parsing are safe under the loader lock; an unknown name is only recorded
 * here and reported by DllGetClassObject, where printing is allowed.
 */
static void read_env_fault(void)
{
    char text[128];
    DWORD n = GetEnvironmentVariableA("COMSTRESS_FAULT", text, sizeof(text));
    cs_fault fault;
    long param;

    if (n == 0 || n >= sizeof(text))
        return;
    if (cs_fault_parse(text, &fault, &param) == 0)
        cs_set_fault(fault, (LONG)param);
    else
        lstrcpynA(bad_env_fault, text, sizeof(bad_env_fault));
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        cs_module_instance = instance;
        DisableThreadLibraryCalls(instance);
        read_env_fault();
    } else if (reason == DLL_PROCESS_DETACH && !reserved) {
        /* FreeLibrary, not process exit: give the plateau cache back so
         * that an unloaded server leaves nothing behind. */
        cs_noise_unload();
    }
    return TRUE;
}

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
    const cs_class_info *info = cs_class_by_clsid(clsid);

    *out = NULL;
    if (bad_env_fault[0]) {
        fprintf(stderr, "comstress_server: COMSTRESS_FAULT=%s names no known fault "
                "(see IStressProbe::FaultCatalogue)\n", bad_env_fault);
        return E_INVALIDARG;
    }
    if (!info)
        return CLASS_E_CLASSNOTAVAILABLE;
    return cs_class_factory_create(info->create, riid, out);
}

/* TRUE when no object of any class (Probe included) and no lock is alive. */
static BOOL server_idle(void)
{
    LONG live = 0;
    int c;

    for (c = 0; c < CS_CLASS_COUNT; c++)
        live += counters[c].live;
    return live == 0 && server_locks == 0;
}

/*
 * S_OK when the server is idle (server_idle), and then also frees the type
 * information cache so that an unload leaves nothing behind; the check and
 * the release happen together under the cache's lock.
 */
HRESULT WINAPI DllCanUnloadNow(void)
{
    if (cs_current_fault(NULL) == CS_FAULT_CANNOT_UNLOAD)
        return S_FALSE;
    return cs_typeinfo_drop_if(server_idle) ? S_OK : S_FALSE;
}
