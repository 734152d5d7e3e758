/*
 * DllMain, DllGetClassObject, DllCanUnloadNow and the state they share:
 * per-class counters, server locks and the selected fault.
 */
#include "module.h"
#include "classes.h"
#include "dispatch.h"

#include <stdio.h>

HINSTANCE cs_module_instance;

/*
 * The counters are written by every thread that creates, AddRefs or
 * Releases an object, so where they live decides whether the server
 * scales with the threads of its host:
 *  - AddRef and Release (several per call through IDispatch) count into
 *    shards, one 64-byte cache line each, picked by the calling thread's
 *    id: threads with different shards never write the same line. An
 *    interlocked add into the shard keeps the count exact even when two
 *    threads share a shard; a total is the sum over shards, exact once
 *    the threads have stopped and never below the true count before.
 *  - Live objects and their peaks stay single counters: an exact peak of
 *    the sum needs one order of all creations and destructions. They
 *    share one cache line, so a creation moves one line, not several.
 */
#define CS_CACHE_LINE 64
#define COUNT_SHARDS 16

typedef struct count_shard {
    volatile LONG addrefs[CS_CLASS_COUNT];
    volatile LONG releases[CS_CLASS_COUNT];
} __attribute__((aligned(CS_CACHE_LINE))) count_shard;

typedef struct live_counters {
    volatile LONG live[CS_CLASS_COUNT];
    volatile LONG peak[CS_CLASS_COUNT];
    /* Live objects of every class but Probe together, and their peak: the
     * sum of per-class peaks would add peaks reached at different times. */
    volatile LONG all_live, all_peak;
} __attribute__((aligned(CS_CACHE_LINE))) live_counters;

static count_shard shards[COUNT_SHARDS];
static live_counters lives;
static LONG server_locks;

/* Fault selected for new objects: the fault in the high half, the param in
 * the low half, so one interlocked exchange publishes both. */
static volatile LONG64 selected_fault;
/* COMSTRESS_FAULT as read at load, when it names no known fault. */
static char bad_env_fault[128];

/* The calling thread's shard. Thread ids are multiples of 4 on Windows
 * and Wine, and threads made one after another get neighbouring ids. */
static count_shard *my_shard(void)
{
    return &shards[(GetCurrentThreadId() >> 2) % COUNT_SHARDS];
}

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
    raise_peak(&lives.peak[c], InterlockedIncrement(&lives.live[c]));
    if (c != CS_CLASS_PROBE)
        raise_peak(&lives.all_peak, InterlockedIncrement(&lives.all_live));
    cs_count_addref(c);
}

void cs_object_destroyed(cs_class c)
{
    InterlockedDecrement(&lives.live[c]);
    if (c != CS_CLASS_PROBE)
        InterlockedDecrement(&lives.all_live);
}

void cs_count_addref(cs_class c)
{
    if (c != CS_CLASS_PROBE)
        InterlockedIncrement(&my_shard()->addrefs[c]);
}

void cs_count_release(cs_class c)
{
    if (c != CS_CLASS_PROBE)
        InterlockedIncrement(&my_shard()->releases[c]);
}

void cs_lock_server(void)
{
    InterlockedIncrement(&server_locks);
}

void cs_unlock_server(void)
{
    InterlockedDecrement(&server_locks);
}

/* Whether class c counts under filter (CS_CLASS_COUNT: every class but
 * Probe). */
static BOOL selected(cs_class filter, int c)
{
    return filter == CS_CLASS_COUNT ? c != CS_CLASS_PROBE : c == (int)filter;
}

/* Sums a per-class array over the classes the filter selects. */
static LONG sum_classes(cs_class filter, const volatile LONG *v)
{
    LONG total = 0;
    int c;

    for (c = 0; c < CS_CLASS_COUNT; c++)
        if (selected(filter, c))
            total += v[c];
    return total;
}

/* Sums AddRef (releases FALSE) or Release counts of every class but Probe
 * over the shards. */
static LONG sum_shards(BOOL releases)
{
    LONG total = 0;
    int i;

    for (i = 0; i < COUNT_SHARDS; i++)
        total += sum_classes(CS_CLASS_COUNT, releases ? shards[i].releases : shards[i].addrefs);
    return total;
}

LONG cs_live_objects(cs_class f) { return sum_classes(f, lives.live); }
LONG cs_peak_objects(cs_class f)
{
    return f == CS_CLASS_COUNT ? lives.all_peak : sum_classes(f, lives.peak);
}
LONG cs_server_locks(void) { return server_locks; }
LONG cs_addref_total(void) { return sum_shards(FALSE); }
LONG cs_release_total(void) { return sum_shards(TRUE); }

BOOL cs_module_path(WCHAR *buf, DWORD size)
{
    DWORD n = GetModuleFileNameW(cs_module_instance, buf, size);
    return n > 0 && n < size;
}

/* An aligned 64-bit read is atomic on x86-64: reading the fault (every
 * creation does) writes nothing, so creating threads share its line
 * without moving it. A 32-bit build reads it with a compare-exchange. */
cs_fault cs_current_fault(LONG *param)
{
#ifdef _WIN64
    LONG64 v = selected_fault;
#else
    LONG64 v = InterlockedCompareExchange64(&selected_fault, 0, 0);
#endif

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
    if (cs_current_fault(NULL) == CS_FAULT_CRASH_GETCLASSOBJECT) {
        volatile HRESULT *nowhere = NULL;
        return *nowhere;                 /* the fault: read address 0 */
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
        live += lives.live[c];
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
