/* The process heap's mode; see heapmode.h. */
#include "heapmode.h"
#include <stdio.h>

/* HeapCompatibilityInformation's value for the low-fragmentation heap. */
#define HEAP_COMPAT_LFH 2

/* Set once the mode was switched on here: Wine 8 accepts the switch but
 * its HeapQueryInformation reads 0 for the process heap ever after. */
static BOOL lfh_set;

BOOL cs_heap_use_lfh(char *err, size_t errlen)
{
    ULONG mode = HEAP_COMPAT_LFH;

    if (HeapSetInformation(GetProcessHeap(), HeapCompatibilityInformation, &mode, sizeof(mode))) {
        lfh_set = TRUE;
        return TRUE;
    }
    snprintf(err, errlen, "--heap lfh: the process heap refused the low-fragmentation mode (error %lu)",
             (unsigned long)GetLastError());
    return FALSE;
}

const char *cs_heap_mode_name(void)
{
    ULONG mode = 0;
    SIZE_T got = 0;

    if (lfh_set)
        return "lfh";
    if (HeapQueryInformation(GetProcessHeap(), HeapCompatibilityInformation, &mode, sizeof(mode), &got)
        && mode == HEAP_COMPAT_LFH)
        return "lfh";
    return "default";
}
