/*
 * The process heap's mode for a run (--heap): Wine's process heap takes
 * one lock per allocation and free, so two threads that allocate contend
 * on it; its low-fragmentation mode (LFH) serves small blocks from
 * per-size buckets with far less contention. Switching it on before the
 * target is loaded lets a user tell the heap's lock from their server's
 * own scaling.
 */
#ifndef CS_HEAPMODE_H
#define CS_HEAPMODE_H

#include <windows.h>

/* Puts the process heap in its low-fragmentation mode
 * (HeapSetInformation, HeapCompatibilityInformation = 2). The mode cannot
 * be switched back within a process. Returns TRUE, or FALSE with a
 * one-line message in err (the system refused: a debug heap, a heap made
 * without serialisation). */
BOOL cs_heap_use_lfh(char *err, size_t errlen);

/* The process heap's mode: "lfh" once cs_heap_use_lfh succeeded or when
 * the heap reports compatibility information 2 (HeapQueryInformation;
 * Windows switches LFH on by itself), "default" otherwise. Wine 8 takes
 * the switch but its query keeps reading 0, hence the first test. */
const char *cs_heap_mode_name(void);

#endif
