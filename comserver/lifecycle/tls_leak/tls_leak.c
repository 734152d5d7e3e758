/*
 * cs_tls_leak.dll: per-thread blocks the way Delphi's threadvar runtime
 * keeps them: freed only in DLL_THREAD_DETACH, so blocks of threads still
 * alive at FreeLibrary are lost (docs/lifecycle.md).
 *
 * On first CsTlsTouch() in a thread the DLL allocates a block (LocalAlloc,
 * CS_TLS_DEFAULT_BLOCK bytes unless CsTlsSetBlockSize said otherwise) and
 * stores it in a TLS slot taken at process attach. The block is freed in
 * DLL_THREAD_DETACH, which a thread sends only when it exits. A host that
 * unloads the DLL while its threads live therefore leaks one block per live
 * thread and load/unload cycle: that is the "leaky" mode.
 *
 * The "fixed" mode (CsTlsSetMode(CS_TLS_MODE_FIXED) after each load) keeps
 * every block on a list and frees them all at DLL_PROCESS_DETACH.
 * Both modes TlsFree the slot at unload: the slot is not what leaks here,
 * and keeping it would end every long run on TLS_OUT_OF_INDEXES instead.
 *
 * Built without the C runtime (see CMakeLists.txt): kernel32 only.
 */
#include <windows.h>

#define CS_TLS_MODE_LEAKY 0
#define CS_TLS_MODE_FIXED 1
/* 4 KB: the per-cycle growth of the original report (4 KB a cycle). */
#define CS_TLS_DEFAULT_BLOCK 4096

/* Header in front of every block: links it into the list of live blocks. */
struct tls_block {
    struct tls_block *next, *prev;
    DWORD thread_id;
};

static DWORD tls_slot = TLS_OUT_OF_INDEXES;
static LONG tls_mode = CS_TLS_MODE_LEAKY;
static LONG block_size = CS_TLS_DEFAULT_BLOCK;
static CRITICAL_SECTION blocks_cs;
static struct tls_block blocks = { &blocks, &blocks, 0 };

static void list_add(struct tls_block *b)
{
    EnterCriticalSection(&blocks_cs);
    b->next = blocks.next;
    b->prev = &blocks;
    blocks.next->prev = b;
    blocks.next = b;
    LeaveCriticalSection(&blocks_cs);
}

static void list_remove(struct tls_block *b)
{
    EnterCriticalSection(&blocks_cs);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    LeaveCriticalSection(&blocks_cs);
}

/*
 * Selects the mode for this load (CS_TLS_MODE_LEAKY or CS_TLS_MODE_FIXED).
 * The mode lives in the DLL's data, so it returns to leaky at every load.
 * Returns the previous mode, or -1 for an unknown mode (left unchanged).
 */
__declspec(dllexport) int WINAPI CsTlsSetMode(int mode)
{
    if (mode != CS_TLS_MODE_LEAKY && mode != CS_TLS_MODE_FIXED)
        return -1;
    return (int)InterlockedExchange(&tls_mode, mode);
}

/*
 * Size in bytes of blocks allocated from now on (16 to 16 MB). Returns the
 * previous size, or 0 when bytes is out of range (left unchanged).
 */
__declspec(dllexport) DWORD WINAPI CsTlsSetBlockSize(DWORD bytes)
{
    if (bytes < 16 || bytes > (16u << 20))
        return 0;
    return (DWORD)InterlockedExchange(&block_size, (LONG)bytes);
}

/*
 * The threadvar access: gives the calling thread its block, allocating it
 * on the thread's first call since this load. Returns 1 when a block was
 * allocated now, 0 when the thread had one, -1 when allocation failed.
 */
__declspec(dllexport) int WINAPI CsTlsTouch(void)
{
    struct tls_block *b;
    SIZE_T size;

    if (tls_slot == TLS_OUT_OF_INDEXES)
        return -1;
    if (TlsGetValue(tls_slot))
        return 0;
    size = sizeof(*b) + (SIZE_T)block_size;
    if (!(b = LocalAlloc(LMEM_FIXED | LMEM_ZEROINIT, size)))
        return -1;
    b->thread_id = GetCurrentThreadId();
    list_add(b);
    TlsSetValue(tls_slot, b);
    return 1;
}

/* DLL_THREAD_DETACH: the only place the leaky runtime frees a block. */
static void thread_detach(void)
{
    struct tls_block *b;

    if (tls_slot == TLS_OUT_OF_INDEXES || !(b = TlsGetValue(tls_slot)))
        return;
    TlsSetValue(tls_slot, NULL);
    list_remove(b);
    LocalFree(b);
}

/* DLL_PROCESS_DETACH: the fixed mode frees what live threads still own. */
static void process_detach(void)
{
    struct tls_block *b, *next;

    if (tls_mode == CS_TLS_MODE_FIXED) {
        for (b = blocks.next; b != &blocks; b = next) {
            next = b->next;
            LocalFree(b);
        }
        blocks.next = blocks.prev = &blocks;
    }
    if (tls_slot != TLS_OUT_OF_INDEXES)
        TlsFree(tls_slot);
    tls_slot = TLS_OUT_OF_INDEXES;
    DeleteCriticalSection(&blocks_cs);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        InitializeCriticalSection(&blocks_cs);
        tls_slot = TlsAlloc();
        return tls_slot != TLS_OUT_OF_INDEXES;
    case DLL_THREAD_DETACH:
        thread_detach();
        break;
    case DLL_PROCESS_DETACH:
        process_detach();
        break;
    }
    return TRUE;
}
