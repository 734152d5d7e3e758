/*
 * Outstanding traced allocations grouped by call stack and classified.
 *
 * Pure C (no Windows header): the tracer (trace.c) snapshots its live
 * allocations into an array of cs_trace_record, and this module says which
 * of them belong together and whether each group is a leak. It is unit
 * tested with hand-made records and builds with any C11 compiler.
 */
#ifndef CS_TRACE_GROUPS_H
#define CS_TRACE_GROUPS_H

#include <stddef.h>
#include <stdint.h>

/* Frames kept per allocation at most (return addresses, innermost first). */
#define CS_TRACE_MAX_FRAMES 16

/* Iteration of a block made outside the measured loop (at load, before the
 * harness set a context on that thread). */
#define CS_TRACE_NO_ITERATION INT64_MIN

/* Statement index of a block made outside any call statement. */
#define CS_TRACE_NO_STATEMENT (-1)

/* The allocator family a block came from (the function the target called). */
typedef enum cs_trace_kind {
    CS_TRACE_KIND_HEAP,       /* HeapAlloc, HeapReAlloc */
    CS_TRACE_KIND_CRT,        /* malloc, calloc, realloc */
    CS_TRACE_KIND_LOCAL,      /* LocalAlloc, LocalReAlloc */
    CS_TRACE_KIND_GLOBAL,     /* GlobalAlloc, GlobalReAlloc */
    CS_TRACE_KIND_COTASKMEM,  /* CoTaskMemAlloc, CoTaskMemRealloc */
    CS_TRACE_KIND_BSTR,       /* SysAllocString* and SysReAllocString* */
    CS_TRACE_KIND_COUNT
} cs_trace_kind;

/* "heap", "crt", "local", "global", "cotaskmem", "bstr"; "" out of range. */
const char *cs_trace_kind_name(cs_trace_kind kind);

/* One outstanding allocation. frames points at storage the caller keeps
 * alive while the records are grouped and the groups read. */
typedef struct cs_trace_record {
    uint64_t size;              /* bytes */
    const uintptr_t *frames;    /* return addresses, innermost first */
    uint32_t nframes;           /* 0 to CS_TRACE_MAX_FRAMES */
    uint32_t stack_hash;        /* cs_trace_stack_hash(frames, nframes) */
    int64_t iteration;          /* or CS_TRACE_NO_ITERATION */
    int32_t statement;          /* or CS_TRACE_NO_STATEMENT */
    cs_trace_kind kind;
} cs_trace_record;

typedef enum cs_trace_class {
    CS_TRACE_LEAK,      /* still growing at the end of the run */
    CS_TRACE_PLATEAU,   /* grew over several iterations, then stopped */
    CS_TRACE_ONE_OFF,   /* made in one iteration, or outside the loop */
} cs_trace_class;

/* "leak", "plateau", "one-off"; "" out of range. */
const char *cs_trace_class_name(cs_trace_class cls);

/* A group: every outstanding record with the same stack and statement. */
typedef struct cs_trace_group {
    const uintptr_t *frames;    /* the stack (of its first record) */
    uint32_t nframes;
    uint32_t stack_hash;
    int32_t statement;
    cs_trace_kind kind;         /* of its first record */
    size_t first;               /* index of its first record (sorted array) */
    size_t blocks;              /* all outstanding blocks of the group */
    uint64_t bytes;
    size_t blocks_in_range;     /* made within the run's iteration range */
    size_t late_blocks;         /* made in the second half of the range */
    size_t late_iterations;     /* distinct iterations among those */
    uint64_t late_bytes;
    int64_t first_iteration;    /* of its blocks in range, or NO_ITERATION */
    int64_t last_iteration;
    double blocks_per_iteration;  /* late_blocks / length of the second half */
    double bytes_per_iteration;   /* late_bytes / length of the second half */
    cs_trace_class cls;
} cs_trace_group;

/* A multiply-add mix of the frames (cheap: the hooks hash every stack
 * they capture), folded to 32 bits. Equal stacks hash equal. */
uint32_t cs_trace_stack_hash(const uintptr_t *frames, uint32_t nframes);

/*
 * Groups n records by (stack, statement) and classifies each group against
 * the run's iterations [first_iteration, last_iteration].
 *
 * The records are sorted in place (O(n log n)) so that each group's records
 * are contiguous from group->first, in iteration order. groups must have
 * room for n entries; the return value is the number filled, ordered:
 * leaks first, then plateaus, then one-offs; within a class by bytes per
 * iteration, then bytes, both descending (ties by stack hash, so the order
 * is stable).
 *
 * Classification (blocks outside the range never count as growth):
 *   the range splits into a first and a second half (the second one
 *   longer by one for an odd count) and a last quarter (at least one
 *   iteration). A group is a LEAK when all three hold:
 *     - its blocks in the second half were made in at least 2 different
 *       iterations (one iteration cannot show growth);
 *     - its rate in the second half is at least half its rate in the
 *       first half (a cache that fills and stops drops to zero there);
 *     - its rate in the last quarter is at least half its average rate
 *       over the whole range (it has not stopped before the end).
 *   Otherwise it is a ONE_OFF when its blocks in range were all made in a
 *   single iteration (or none was made in range), else a PLATEAU.
 *   Per-iteration figures are the second half's rates, for every class.
 * A range with last_iteration < first_iteration (no measured loop) has no
 * leak: every group is then a one-off with zero per-iteration figures.
 */
size_t cs_trace_group_records(cs_trace_record *records, size_t n, int64_t first_iteration,
                              int64_t last_iteration, cs_trace_group *groups);

#endif
