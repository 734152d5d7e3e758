/*
 * Import-table patching: which modules, which slots, and undoing it.
 *
 * A slot is recognised by the address the loader wrote into it, not by the
 * name it was imported under: kernel32's HeapAlloc, kernelbase's and the
 * api-ms-win-core-heap forwarders all resolve to ntdll's RtlAllocateHeap,
 * ole32's CoTaskMemAlloc to combase's, so one comparison covers every
 * spelling. Traced modules get the traced hook for every allocation
 * function they import; every other module gets the watch hooks for the
 * heap functions (see trace_hooks.c).
 *
 * All patching happens under the loader lock: at start (which takes it
 * around the enumeration of loaded modules) and in the loader's "loaded"
 * notification, which Wine and Windows send after the new module's imports
 * are bound and before its DllMain runs. So a DLL loaded after the start
 * is patched before its initialisation allocates anything.
 */
#include "trace_internal.h"

#include <psapi.h>
#include <string.h>

typedef struct export_ref {
    const WCHAR *dll;
    const char *name;
    cs_hook_id id;
} export_ref;

/* The first loaded entry of an id gives the function its hook forwards to. */
static const export_ref exports[] = {
    { L"ntdll.dll", "RtlAllocateHeap", CS_HOOK_HEAP_ALLOC },
    { L"kernel32.dll", "HeapAlloc", CS_HOOK_HEAP_ALLOC },
    { L"kernelbase.dll", "HeapAlloc", CS_HOOK_HEAP_ALLOC },
    { L"ntdll.dll", "RtlReAllocateHeap", CS_HOOK_HEAP_REALLOC },
    { L"kernel32.dll", "HeapReAlloc", CS_HOOK_HEAP_REALLOC },
    { L"kernelbase.dll", "HeapReAlloc", CS_HOOK_HEAP_REALLOC },
    { L"ntdll.dll", "RtlFreeHeap", CS_HOOK_HEAP_FREE },
    { L"kernel32.dll", "HeapFree", CS_HOOK_HEAP_FREE },
    { L"kernelbase.dll", "HeapFree", CS_HOOK_HEAP_FREE },
    { L"msvcrt.dll", "malloc", CS_HOOK_MSVCRT_MALLOC },
    { L"msvcrt.dll", "calloc", CS_HOOK_MSVCRT_CALLOC },
    { L"msvcrt.dll", "realloc", CS_HOOK_MSVCRT_REALLOC },
    { L"msvcrt.dll", "free", CS_HOOK_MSVCRT_FREE },
    { L"ucrtbase.dll", "malloc", CS_HOOK_UCRT_MALLOC },
    { L"ucrtbase.dll", "calloc", CS_HOOK_UCRT_CALLOC },
    { L"ucrtbase.dll", "realloc", CS_HOOK_UCRT_REALLOC },
    { L"ucrtbase.dll", "free", CS_HOOK_UCRT_FREE },
    { L"kernelbase.dll", "LocalAlloc", CS_HOOK_LOCAL_ALLOC },
    { L"kernel32.dll", "LocalAlloc", CS_HOOK_LOCAL_ALLOC },
    { L"kernelbase.dll", "LocalReAlloc", CS_HOOK_LOCAL_REALLOC },
    { L"kernel32.dll", "LocalReAlloc", CS_HOOK_LOCAL_REALLOC },
    { L"kernelbase.dll", "LocalFree", CS_HOOK_LOCAL_FREE },
    { L"kernel32.dll", "LocalFree", CS_HOOK_LOCAL_FREE },
    { L"kernel32.dll", "GlobalAlloc", CS_HOOK_GLOBAL_ALLOC },
    { L"kernelbase.dll", "GlobalAlloc", CS_HOOK_GLOBAL_ALLOC },
    { L"kernel32.dll", "GlobalReAlloc", CS_HOOK_GLOBAL_REALLOC },
    { L"kernelbase.dll", "GlobalReAlloc", CS_HOOK_GLOBAL_REALLOC },
    { L"kernel32.dll", "GlobalFree", CS_HOOK_GLOBAL_FREE },
    { L"kernelbase.dll", "GlobalFree", CS_HOOK_GLOBAL_FREE },
    { L"combase.dll", "CoTaskMemAlloc", CS_HOOK_COTASKMEM_ALLOC },
    { L"ole32.dll", "CoTaskMemAlloc", CS_HOOK_COTASKMEM_ALLOC },
    { L"combase.dll", "CoTaskMemRealloc", CS_HOOK_COTASKMEM_REALLOC },
    { L"ole32.dll", "CoTaskMemRealloc", CS_HOOK_COTASKMEM_REALLOC },
    { L"combase.dll", "CoTaskMemFree", CS_HOOK_COTASKMEM_FREE },
    { L"ole32.dll", "CoTaskMemFree", CS_HOOK_COTASKMEM_FREE },
    { L"oleaut32.dll", "SysAllocString", CS_HOOK_SYS_ALLOC_STRING },
    { L"oleaut32.dll", "SysAllocStringLen", CS_HOOK_SYS_ALLOC_STRING_LEN },
    { L"oleaut32.dll", "SysAllocStringByteLen", CS_HOOK_SYS_ALLOC_STRING_BYTE_LEN },
    { L"oleaut32.dll", "SysReAllocString", CS_HOOK_SYS_REALLOC_STRING },
    { L"oleaut32.dll", "SysReAllocStringLen", CS_HOOK_SYS_REALLOC_STRING_LEN },
    { L"oleaut32.dll", "SysFreeString", CS_HOOK_SYS_FREE_STRING },
};

#define N_EXPORTS (sizeof(exports) / sizeof(exports[0]))
static void *resolved[N_EXPORTS];

typedef struct patched_slot {
    void *volatile *slot;
    void *original;
    void *hook;
    HMODULE module;
} patched_slot;

typedef struct traced_module {
    HMODULE base;
    DWORD size;
    BOOL departed;              /* unloaded during the session */
    WCHAR path[MAX_PATH];
} traced_module;

/* The session's patching state (private heap; loader lock for writers,
 * registry_lock for the module list's readers). */
static struct {
    WCHAR **names;              /* what to trace, normalised */
    size_t nnames;
    patched_slot *slots;
    size_t nslots, slots_cap;
    traced_module *modules;
    size_t nmodules, modules_cap;
    LONG traced, watched;
    void *cookie;               /* of the load notification */
} st;
static SRWLOCK registry_lock = SRWLOCK_INIT;

typedef struct ldr_notification {
    ULONG flags;
    const UNICODE_STRING *full_name;
    const UNICODE_STRING *base_name;
    void *base;
    ULONG size;
} ldr_notification;

typedef void (CALLBACK *ldr_notify_fn)(ULONG, const ldr_notification *, void *);
static NTSTATUS (NTAPI *p_register)(ULONG, ldr_notify_fn, void *, void **);
static NTSTATUS (NTAPI *p_unregister)(void *);
static NTSTATUS (NTAPI *p_lock)(ULONG, ULONG *, ULONG_PTR *);
static NTSTATUS (NTAPI *p_unlock)(ULONG, ULONG_PTR);

/*
 * Resolves the exports of modules loaded since the last call, and points
 * each hook at the first resolved entry of its id. An original, once set,
 * is only ever replaced by the same function's current address: a hook
 * still running from a previous session never finds it NULL.
 */
static void resolve_exports(void)
{
    BOOL set[CS_HOOK_COUNT] = { 0 };
    size_t i;

    for (i = 0; i < N_EXPORTS; i++) {
        HMODULE h;
        if (!resolved[i] && (h = GetModuleHandleW(exports[i].dll)))
            resolved[i] = (void *)GetProcAddress(h, exports[i].name);
        if (resolved[i] && !set[exports[i].id]) {
            set[exports[i].id] = TRUE;
            cs_hook_original[exports[i].id] = resolved[i];
        }
    }
}

/* Which hook an import slot holding v needs, or -1. */
static int match_slot(const void *v)
{
    size_t i;

    for (i = 0; i < N_EXPORTS; i++)
        if (resolved[i] == v)
            return (int)exports[i].id;
    return -1;
}

/* Copies path with '/' as '\' into a fresh private-heap string. */
static WCHAR *normalised(const WCHAR *path)
{
    size_t n = wcslen(path), i;
    WCHAR *s = cs_priv_alloc((n + 1) * sizeof(WCHAR));

    for (i = 0; s && i < n; i++)
        s[i] = path[i] == L'/' ? L'\\' : path[i];
    return s;
}

/* A wanted name matches a module: a path compares whole, a file name
 * compares with the module's file name, with or without ".dll". */
static BOOL name_matches(const WCHAR *want, const WCHAR *path)
{
    const WCHAR *file = wcsrchr(path, L'\\'), *slash;
    size_t n;

    file = file ? file + 1 : path;
    if (wcschr(want, L'\\')) {
        for (; *want && *path; want++, path++) {
            WCHAR a = *want, b = *path == L'/' ? L'\\' : *path;
            if (towlower(a) != towlower(b))
                return FALSE;
        }
        return !*want && !*path;
    }
    if (!_wcsicmp(want, file))
        return TRUE;
    n = wcslen(want);
    slash = file + n;
    return !_wcsnicmp(want, file, n) && !_wcsicmp(slash, L".dll");
}

static BOOL is_traced(const WCHAR *path)
{
    size_t i;

    for (i = 0; i < st.nnames; i++)
        if (name_matches(st.names[i], path))
            return TRUE;
    return FALSE;
}

/* Grows a private-heap array to hold one more element. */
static BOOL reserve(void **array, size_t *cap, size_t count, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 64;
    void *p;

    if (count < *cap)
        return TRUE;
    p = *array ? cs_raw.realloc(cs_raw.heap, HEAP_ZERO_MEMORY, *array, n * elem)
               : cs_priv_alloc(n * elem);
    if (!p)
        return FALSE;
    *array = p;
    *cap = n;
    return TRUE;
}

/* Writes value into an import slot, whatever the page's protection. */
static BOOL write_slot(void *volatile *slot, void *value)
{
    MEMORY_BASIC_INFORMATION mbi;
    DWORD old, tmp, want = PAGE_READWRITE;

    if (!VirtualQuery((void *)slot, &mbi, sizeof(mbi)))
        return FALSE;
    if (mbi.Protect & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE
                       | PAGE_EXECUTE_WRITECOPY))
        want = PAGE_EXECUTE_READWRITE;
    if (!VirtualProtect((void *)slot, sizeof(*slot), want, &old))
        return FALSE;
    InterlockedExchangePointer((void **)slot, value);
    VirtualProtect((void *)slot, sizeof(*slot), old, &tmp);
    return TRUE;
}

/* Redirects the slots of one module; the loader lock is held. */
static void patch_module(HMODULE module, BOOL traced)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *desc;
    BOOL any = FALSE;

    if (!dir.VirtualAddress || !dir.Size)
        return;
    for (desc = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); desc->Name; desc++) {
        void *volatile *slot = (void *volatile *)(base + desc->FirstThunk);
        for (; *slot; slot++) {
            int id = match_slot(*slot);
            void *hook = id < 0 ? NULL
                       : traced ? cs_hook_traced((cs_hook_id)id) : cs_hook_watch((cs_hook_id)id);
            if (!hook || !cs_hook_original[id]
                || !reserve((void **)&st.slots, &st.slots_cap, st.nslots, sizeof(*st.slots)))
                continue;
            st.slots[st.nslots] = (patched_slot){ slot, *slot, hook, module };
            if (write_slot(slot, hook)) {
                st.nslots++;
                any = TRUE;
            }
        }
    }
    if (any)
        InterlockedIncrement(traced ? &st.traced : &st.watched);
}

/* Notes a traced module (for symbols and the "traced" frame flag). */
static void remember_module(HMODULE module, DWORD size, const WCHAR *path)
{
    AcquireSRWLockExclusive(&registry_lock);
    if (reserve((void **)&st.modules, &st.modules_cap, st.nmodules, sizeof(*st.modules))) {
        traced_module *m = &st.modules[st.nmodules++];
        m->base = module;
        m->size = size;
        m->departed = FALSE;
        lstrcpynW(m->path, path, MAX_PATH);
    }
    ReleaseSRWLockExclusive(&registry_lock);
}

static void module_loaded(HMODULE module, DWORD size, const WCHAR *path)
{
    BOOL traced = is_traced(path);

    resolve_exports();
    if (traced)
        remember_module(module, size, path);
    patch_module(module, traced);
}

/* The module's slots are gone with it; its records stay (they leaked). */
static void module_unloaded(HMODULE module)
{
    size_t i, kept = 0;

    for (i = 0; i < st.nslots; i++)
        if (st.slots[i].module != module)
            st.slots[kept++] = st.slots[i];
    st.nslots = kept;
    AcquireSRWLockExclusive(&registry_lock);
    for (i = 0; i < st.nmodules; i++)
        if (st.modules[i].base == module)
            st.modules[i].departed = TRUE;
    ReleaseSRWLockExclusive(&registry_lock);
}

/* Loads and unloads the loader has told of since the start. */
static volatile LONG module_changes;

LONG cs_patch_module_changes(void)
{
    return module_changes;
}

static void CALLBACK on_loader_event(ULONG reason, const ldr_notification *data, void *ctx)
{
    WCHAR path[MAX_PATH];
    size_t n;

    InterlockedIncrement(&module_changes);
    if (!cs_gate_enter())
        return;
    if (reason == 1 && data->full_name) {           /* loaded */
        n = data->full_name->Length / sizeof(WCHAR);
        if (n >= MAX_PATH)
            n = MAX_PATH - 1;
        memcpy(path, data->full_name->Buffer, n * sizeof(WCHAR));
        path[n] = 0;
        module_loaded((HMODULE)data->base, data->size, path);
    } else if (reason == 2) {                       /* unloaded */
        module_unloaded((HMODULE)data->base);
    }
    cs_gate_leave();
}

/* Looks the loader's entry points up once; FALSE without the lock ones. */
static BOOL find_loader_functions(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    p_register = (void *)GetProcAddress(ntdll, "LdrRegisterDllNotification");
    p_unregister = (void *)GetProcAddress(ntdll, "LdrUnregisterDllNotification");
    p_lock = (void *)GetProcAddress(ntdll, "LdrLockLoaderLock");
    p_unlock = (void *)GetProcAddress(ntdll, "LdrUnlockLoaderLock");
    return p_lock && p_unlock;
}

/* Keeps normalised copies of the module names to trace. */
static HRESULT keep_names(const cs_trace_config *config)
{
    size_t n = config->target ? 1 : 0, i;

    for (i = 0; config->extra_modules && config->extra_modules[i]; i++)
        n++;
    if (!(st.names = cs_priv_alloc((n ? n : 1) * sizeof(*st.names))))
        return E_OUTOFMEMORY;
    if (config->target && !(st.names[st.nnames++] = normalised(config->target)))
        return E_OUTOFMEMORY;
    for (i = 0; config->extra_modules && config->extra_modules[i]; i++)
        if (!(st.names[st.nnames++] = normalised(config->extra_modules[i])))
            return E_OUTOFMEMORY;
    return S_OK;
}

/* Patches every module loaded now; the loader lock is held. */
static HRESULT patch_loaded_modules(void)
{
    HANDLE self = GetCurrentProcess();
    HMODULE *mods = NULL;
    DWORD needed = 0, i;
    WCHAR path[MAX_PATH];
    MODULEINFO info;

    if (!K32EnumProcessModules(self, NULL, 0, &needed) || !needed)
        return HRESULT_FROM_WIN32(GetLastError());
    if (!(mods = cs_priv_alloc(needed)))
        return E_OUTOFMEMORY;
    if (!K32EnumProcessModules(self, mods, needed, &needed)) {
        cs_raw.free(cs_raw.heap, 0, mods);
        return HRESULT_FROM_WIN32(GetLastError());
    }
    for (i = 0; i < needed / sizeof(*mods); i++) {
        if (!GetModuleFileNameW(mods[i], path, MAX_PATH)
            || !K32GetModuleInformation(self, mods[i], &info, sizeof(info)))
            continue;
        module_loaded(mods[i], info.SizeOfImage, path);
    }
    cs_raw.free(cs_raw.heap, 0, mods);
    return S_OK;
}

HRESULT cs_patch_start(const cs_trace_config *config)
{
    ULONG_PTR cookie = 0;
    HRESULT hr;

    if (!find_loader_functions())
        return E_NOTIMPL;
    memset(&st, 0, sizeof(st));
    memset(resolved, 0, sizeof(resolved));
    if (FAILED(hr = keep_names(config)))
        return hr;
    p_lock(0, NULL, &cookie);
    resolve_exports();
    if (p_register && p_register(0, on_loader_event, NULL, &st.cookie) != 0)
        st.cookie = NULL;
    hr = patch_loaded_modules();
    p_unlock(0, cookie);
    return hr;
}

void cs_patch_stop(void)
{
    ULONG_PTR cookie = 0;
    size_t i;

    if (!p_lock)
        return;
    p_lock(0, NULL, &cookie);
    if (st.cookie && p_unregister)
        p_unregister(st.cookie);
    st.cookie = NULL;
    for (i = 0; i < st.nslots; i++)
        if (*st.slots[i].slot == st.slots[i].hook)
            write_slot(st.slots[i].slot, st.slots[i].original);
    AcquireSRWLockExclusive(&registry_lock);
    memset(&st, 0, sizeof(st));
    ReleaseSRWLockExclusive(&registry_lock);
    p_unlock(0, cookie);
}

void cs_patch_counts(LONG *traced, LONG *watched, LONG *slots, BOOL *notifications)
{
    *traced = st.traced;
    *watched = st.watched;
    *slots = (LONG)st.nslots;
    *notifications = st.cookie != NULL;
}

BOOL cs_patch_traced_module(uint64_t address, WCHAR *path, DWORD path_len, uint64_t *base,
                            DWORD *size)
{
    BOOL found = FALSE;
    size_t i;

    AcquireSRWLockShared(&registry_lock);
    for (i = 0; i < st.nmodules && !found; i++) {
        const traced_module *m = &st.modules[i];
        if (address < (uint64_t)m->base || address - (uint64_t)m->base >= m->size)
            continue;
        found = TRUE;
        if (path)
            lstrcpynW(path, m->path, path_len);
        if (base)
            *base = (uint64_t)m->base;
        if (size)
            *size = m->size;
    }
    ReleaseSRWLockShared(&registry_lock);
    return found;
}

/* Whether an earlier entry, or a live one, already stands for m. */
static BOOL covered(size_t index)
{
    const traced_module *m = &st.modules[index];
    size_t j;

    for (j = 0; j < st.nmodules; j++) {
        const traced_module *o = &st.modules[j];
        if (j != index && o->base == m->base && !wcscmp(o->path, m->path)
            && (!o->departed || j < index))
            return TRUE;
    }
    return FALSE;
}

void cs_patch_departed(void (*fn)(const WCHAR *path, uint64_t base, DWORD size, void *ctx),
                       void *ctx)
{
    traced_module *copy = NULL;
    size_t i, n = 0;

    /* Copied out first: fn may make the loader call us back. */
    AcquireSRWLockShared(&registry_lock);
    if (st.nmodules && (copy = cs_priv_alloc(st.nmodules * sizeof(*copy))))
        for (i = 0; i < st.nmodules; i++)
            if (st.modules[i].departed && !covered(i))
                copy[n++] = st.modules[i];
    ReleaseSRWLockShared(&registry_lock);
    for (i = 0; i < n; i++)
        fn(copy[i].path, (uint64_t)copy[i].base, copy[i].size, ctx);
    if (copy)
        cs_raw.free(cs_raw.heap, 0, copy);
}
