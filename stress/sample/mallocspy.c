/* IMallocSpy counting live CoTaskMem blocks per call site; see mallocspy.h. */
#include "mallocspy.h"
#include <objidl.h>
#include <string.h>

/*
 * Live spied blocks: an open-addressing table (linear probing, backward
 * shift on delete) from block address to size and call site, in a private
 * heap the heap sampler leaves out. Blocks are not given headers: Wine
 * frees some CoTaskMem blocks by other routes, which a changed block layout
 * turns into heap corruption.
 */
typedef struct spy_entry {
    void *p;
    SIZE_T size;
    DWORD site;
} spy_entry;

typedef struct spy {
    IMallocSpy IMallocSpy_iface;
    LONG ref;
} spy;

static spy the_spy;
static volatile LONG64 st_allocs[CS_SPY_SITES], st_frees[CS_SPY_SITES];
static volatile LONG64 st_blocks[CS_SPY_SITES], st_bytes[CS_SPY_SITES];
static DWORD tls_site = TLS_OUT_OF_INDEXES;
/* The size asked for in Pre*, read back in Post* on the same thread. */
static DWORD tls_pending = TLS_OUT_OF_INDEXES;
static BOOL registered, cache_off;
static CRITICAL_SECTION table_lock;
static HANDLE table_heap;
static spy_entry *table;
static size_t table_cap, table_used;

static int current_site(void)
{
    DWORD s = tls_site == TLS_OUT_OF_INDEXES ? 0 : (DWORD)(DWORD_PTR)TlsGetValue(tls_site);
    return s < CS_SPY_SITES ? (int)s : 0;
}

void cs_spy_set_site(int site)
{
    if (tls_site != TLS_OUT_OF_INDEXES)
        TlsSetValue(tls_site, (void *)(DWORD_PTR)(site >= 0 && site < CS_SPY_SITES ? site : 0));
}

static size_t slot_of(const void *p)
{
    ULONG_PTR h = (ULONG_PTR)p >> 4;

    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 7) & (table_cap - 1);
}

/* Doubles the table (table_lock held). FALSE when memory ran out. */
static BOOL grow(void)
{
    size_t old_cap = table_cap, i, j;
    spy_entry *old = table, *t;

    t = HeapAlloc(table_heap, HEAP_ZERO_MEMORY, (old_cap ? old_cap * 2 : 4096) * sizeof(*t));
    if (!t)
        return FALSE;
    table = t;
    table_cap = old_cap ? old_cap * 2 : 4096;
    for (i = 0; i < old_cap; i++) {
        if (!old[i].p)
            continue;
        for (j = slot_of(old[i].p); table[j].p; j = (j + 1) & (table_cap - 1))
            ;
        table[j] = old[i];
    }
    if (old)
        HeapFree(table_heap, 0, old);
    return TRUE;
}

static void count(int site, int sign, SIZE_T size)
{
    if (sign > 0) {
        InterlockedIncrement64(&st_allocs[site]);
        InterlockedIncrement64(&st_blocks[site]);
        InterlockedAdd64(&st_bytes[site], (LONG64)size);
    } else {
        InterlockedIncrement64(&st_frees[site]);
        InterlockedDecrement64(&st_blocks[site]);
        InterlockedAdd64(&st_bytes[site], -(LONG64)size);
    }
}

/* Removes slot i, shifting later entries of its probe run back. */
static void remove_slot(size_t i)
{
    size_t j = i, k;

    table[i].p = NULL;
    table_used--;
    for (;;) {
        j = (j + 1) & (table_cap - 1);
        if (!table[j].p)
            return;
        k = slot_of(table[j].p);
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            table[i] = table[j];
            table[j].p = NULL;
            i = j;
        }
    }
}

/* Records a new live block. An address already present was freed by a
 * route the spy did not see: that old block is counted as freed. */
static void track(void *p, SIZE_T size)
{
    int site = current_site();
    size_t i;

    if (!p)
        return;
    EnterCriticalSection(&table_lock);
    if ((table_used + 1) * 2 > table_cap && !grow()) {
        LeaveCriticalSection(&table_lock);
        return;
    }
    for (i = slot_of(p); table[i].p && table[i].p != p; i = (i + 1) & (table_cap - 1))
        ;
    if (table[i].p)
        count(table[i].site, -1, table[i].size);
    else
        table_used++;
    table[i].p = p;
    table[i].size = size;
    table[i].site = (DWORD)site;
    count(site, +1, size);
    LeaveCriticalSection(&table_lock);
}

/* Forgets a freed block (unknown addresses are ignored). */
static void untrack(void *p)
{
    size_t i;

    if (!p || !table_cap)
        return;
    EnterCriticalSection(&table_lock);
    for (i = slot_of(p); table[i].p && table[i].p != p; i = (i + 1) & (table_cap - 1))
        ;
    if (table[i].p) {
        count(table[i].site, -1, table[i].size);
        remove_slot(i);
    }
    LeaveCriticalSection(&table_lock);
}

static HRESULT WINAPI spy_QueryInterface(IMallocSpy *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMallocSpy)) {
        *out = iface;
        IMallocSpy_AddRef(iface);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG WINAPI spy_AddRef(IMallocSpy *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, spy, IMallocSpy_iface)->ref);
}

static ULONG WINAPI spy_Release(IMallocSpy *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, spy, IMallocSpy_iface)->ref);
}

static SIZE_T WINAPI spy_PreAlloc(IMallocSpy *iface, SIZE_T size)
{
    TlsSetValue(tls_pending, (void *)size);
    return size;
}

static void *WINAPI spy_PostAlloc(IMallocSpy *iface, void *actual)
{
    track(actual, (SIZE_T)TlsGetValue(tls_pending));
    return actual;
}

static void *WINAPI spy_PreFree(IMallocSpy *iface, void *request, BOOL spyed)
{
    untrack(request);
    return request;
}

static void WINAPI spy_PostFree(IMallocSpy *iface, BOOL spyed)
{
}

static SIZE_T WINAPI spy_PreRealloc(IMallocSpy *iface, void *request, SIZE_T size, void **new_request, BOOL spyed)
{
    untrack(request);
    *new_request = request;
    TlsSetValue(tls_pending, (void *)size);
    return size;
}

static void *WINAPI spy_PostRealloc(IMallocSpy *iface, void *actual, BOOL spyed)
{
    track(actual, (SIZE_T)TlsGetValue(tls_pending));
    return actual;
}

static void *WINAPI spy_PreGetSize(IMallocSpy *iface, void *request, BOOL spyed)
{
    return request;
}

static SIZE_T WINAPI spy_PostGetSize(IMallocSpy *iface, SIZE_T actual, BOOL spyed)
{
    return actual;
}

static void *WINAPI spy_PreDidAlloc(IMallocSpy *iface, void *request, BOOL spyed)
{
    return request;
}

static int WINAPI spy_PostDidAlloc(IMallocSpy *iface, void *request, BOOL spyed, int actual)
{
    return actual;
}

static void WINAPI spy_PreHeapMinimize(IMallocSpy *iface)
{
}

static void WINAPI spy_PostHeapMinimize(IMallocSpy *iface)
{
}

static const IMallocSpyVtbl spy_vtbl = {
    .QueryInterface = spy_QueryInterface,
    .AddRef = spy_AddRef,
    .Release = spy_Release,
    .PreAlloc = spy_PreAlloc,
    .PostAlloc = spy_PostAlloc,
    .PreFree = spy_PreFree,
    .PostFree = spy_PostFree,
    .PreRealloc = spy_PreRealloc,
    .PostRealloc = spy_PostRealloc,
    .PreGetSize = spy_PreGetSize,
    .PostGetSize = spy_PostGetSize,
    .PreDidAlloc = spy_PreDidAlloc,
    .PostDidAlloc = spy_PostDidAlloc,
    .PreHeapMinimize = spy_PreHeapMinimize,
    .PostHeapMinimize = spy_PostHeapMinimize,
};

HRESULT cs_spy_start(BOOL keep_bstr_cache)
{
    void (WINAPI *set_no_cache)(void);
    HRESULT hr;

    if (registered)
        return S_OK;

    if (tls_site == TLS_OUT_OF_INDEXES && (tls_site = TlsAlloc()) == TLS_OUT_OF_INDEXES)
        return E_OUTOFMEMORY;
    if (tls_pending == TLS_OUT_OF_INDEXES && (tls_pending = TlsAlloc()) == TLS_OUT_OF_INDEXES)
        return E_OUTOFMEMORY;
    if (!keep_bstr_cache) {
        set_no_cache = (void *)GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");
        if (set_no_cache) {
            set_no_cache();
            cache_off = TRUE;
        } else {
            cache_off = GetEnvironmentVariableA("OANOCACHE", NULL, 0) > 0;
        }
    }
    if (!table_heap) {
        if (!(table_heap = HeapCreate(0, 0, 0)))
            return E_OUTOFMEMORY;
        InitializeCriticalSection(&table_lock);
    }
    the_spy.IMallocSpy_iface.lpVtbl = &spy_vtbl;
    the_spy.ref = 1;
    if (FAILED(hr = CoRegisterMallocSpy(&the_spy.IMallocSpy_iface)))
        return hr;
    registered = TRUE;
    return S_OK;
}

void cs_spy_stop(void)
{
    /* Revoking fails while spied blocks are live (they must still pass
     * through PreFree): then the spy simply stays registered. */
    if (registered && SUCCEEDED(CoRevokeMallocSpy()))
        registered = FALSE;
}

HANDLE cs_spy_heap(void)
{
    return table_heap;
}

BOOL cs_spy_bstr_cache_off(void)
{
    return cache_off;
}

static cs_spy_site_stats baseline[CS_SPY_SITES];

void cs_spy_mark(void)
{
    int i;

    for (i = 0; i < CS_SPY_SITES; i++) {
        baseline[i].allocs = st_allocs[i];
        baseline[i].frees = st_frees[i];
        baseline[i].live_blocks = st_blocks[i];
        baseline[i].live_bytes = st_bytes[i];
    }
}

void cs_spy_site(int site, cs_spy_site_stats *out)
{
    if (site < 0 || site >= CS_SPY_SITES) {
        memset(out, 0, sizeof(*out));
        return;
    }
    out->allocs = st_allocs[site] - baseline[site].allocs;
    out->frees = st_frees[site] - baseline[site].frees;
    out->live_blocks = st_blocks[site] - baseline[site].live_blocks;
    out->live_bytes = st_bytes[site] - baseline[site].live_bytes;
}

void cs_spy_totals(cs_spy_site_stats *out)
{
    cs_spy_site_stats s;
    int i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < CS_SPY_SITES; i++) {
        cs_spy_site(i, &s);
        out->allocs += s.allocs;
        out->frees += s.frees;
        out->live_blocks += s.live_blocks;
        out->live_bytes += s.live_bytes;
    }
}
