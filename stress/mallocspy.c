/* IMallocSpy with per-block headers; see mallocspy.h. */
#include "mallocspy.h"
#include <objidl.h>
#include <string.h>

#define SPY_MAGIC 0xC5A11C05u

/* 16 bytes keep the user block 16-byte aligned, as CoTaskMemAlloc's is. */
typedef struct spy_header {
    DWORD magic;
    DWORD site;
    SIZE_T size;
} spy_header;

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
    return size + sizeof(spy_header);
}

static SIZE_T pending_size(void)
{
    return (SIZE_T)TlsGetValue(tls_pending);
}

/* Stamps the header; returns the user's block. */
static void *stamp(void *actual, SIZE_T size)
{
    spy_header *h = actual;
    int site = current_site();

    if (!actual)
        return NULL;
    h->magic = SPY_MAGIC;
    h->site = (DWORD)site;
    h->size = size;
    InterlockedIncrement64(&st_allocs[site]);
    InterlockedIncrement64(&st_blocks[site]);
    InterlockedAdd64(&st_bytes[site], (LONG64)size);
    return h + 1;
}

/* Un-counts a block by its header; returns the actual block. */
static void *unstamp(void *user)
{
    spy_header *h = (spy_header *)user - 1;

    if (h->magic != SPY_MAGIC)
        return user;
    h->magic = 0;
    InterlockedIncrement64(&st_frees[h->site]);
    InterlockedDecrement64(&st_blocks[h->site]);
    InterlockedAdd64(&st_bytes[h->site], -(LONG64)h->size);
    return h;
}

static void *WINAPI spy_PostAlloc(IMallocSpy *iface, void *actual)
{
    return actual ? stamp(actual, pending_size()) : NULL;
}

static void *WINAPI spy_PreFree(IMallocSpy *iface, void *request, BOOL spyed)
{
    return spyed && request ? unstamp(request) : request;
}

static void WINAPI spy_PostFree(IMallocSpy *iface, BOOL spyed)
{
}

static SIZE_T WINAPI spy_PreRealloc(IMallocSpy *iface, void *request, SIZE_T size, void **new_request, BOOL spyed)
{
    if (spyed && request) {
        *new_request = unstamp(request);
        TlsSetValue(tls_pending, (void *)size);
        return size + sizeof(spy_header);
    }
    *new_request = request;
    return size;
}

static void *WINAPI spy_PostRealloc(IMallocSpy *iface, void *actual, BOOL spyed)
{
    return spyed && actual ? stamp(actual, pending_size()) : actual;
}

static void *WINAPI spy_PreGetSize(IMallocSpy *iface, void *request, BOOL spyed)
{
    return spyed && request ? (spy_header *)request - 1 : request;
}

static SIZE_T WINAPI spy_PostGetSize(IMallocSpy *iface, SIZE_T actual, BOOL spyed)
{
    return spyed && actual >= sizeof(spy_header) ? actual - sizeof(spy_header) : actual;
}

static void *WINAPI spy_PreDidAlloc(IMallocSpy *iface, void *request, BOOL spyed)
{
    return spyed && request ? (spy_header *)request - 1 : request;
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
