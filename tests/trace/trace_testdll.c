/*
 * cs_trace_testdll.dll: a module for the tracer's suite that allocates in
 * DllMain (a block made before LoadLibrary returns must be seen) and, on
 * request, through the heap functions (reallocation and foreign frees).
 *
 * At process attach: 40 bytes of the process heap and a 56-byte fixed
 * LocalAlloc block. At process detach the heap block is freed and the
 * local one is left behind on purpose: after FreeLibrary the tracer must
 * still show it, named in a module that is no longer loaded.
 *
 * Built without the C runtime (kernel32 only): a CRT's own start-up
 * allocations would also be made while the DLL loads.
 */
#include <windows.h>

#define ATTACH_HEAP_BYTES 40
#define ATTACH_LOCAL_BYTES 56

static void *attach_heap;
static HLOCAL attach_local;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(instance);
        attach_heap = HeapAlloc(GetProcessHeap(), 0, ATTACH_HEAP_BYTES);
        attach_local = LocalAlloc(LMEM_FIXED, ATTACH_LOCAL_BYTES);
        return attach_heap && attach_local;
    }
    if (reason == DLL_PROCESS_DETACH && !reserved)
        HeapFree(GetProcessHeap(), 0, attach_heap);
    return TRUE;
}

/* The heap functions called from this module, for the suite. */
__declspec(dllexport) void *WINAPI CsTraceHeapAlloc(SIZE_T bytes)
{
    return HeapAlloc(GetProcessHeap(), 0, bytes);
}

/* An allocation inlined into its caller: the tracer lists both frames. */
static inline __attribute__((always_inline)) void *inlined_grab(SIZE_T bytes)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, bytes);
}

__declspec(dllexport) void *WINAPI CsTraceHeapAllocInlined(SIZE_T bytes)
{
    void *p = inlined_grab(bytes);

    return p;
}

__declspec(dllexport) void *WINAPI CsTraceHeapReAlloc(void *block, SIZE_T bytes)
{
    return HeapReAlloc(GetProcessHeap(), 0, block, bytes);
}

__declspec(dllexport) BOOL WINAPI CsTraceHeapFree(void *block)
{
    return HeapFree(GetProcessHeap(), 0, block);
}
