/*
 * pascal-tls: the TLS-at-unload scenarios on DLLs built by Free Pascal, the
 * real threadvar runtime (docs/lifecycle.md):
 *
 *   comstress child pascal-tls [--library seed|record|empty]
 *       [--variant leaky|ended|pool|dll-threads] [--pin] [--threads N]
 *       [--cycles C] [--trace]
 *
 * Before the cycles the child measures, with heap walks, what one thread's
 * block is for the selected library and for the empty library (the
 * runtime's own share); then it runs C load / act / unload cycles and
 * streams each cycle's heap figure and a verdict line (bytes per cycle,
 * per live thread, the part beyond the threads' blocks) to results.jsonl.
 */
#ifndef CS_LIFECYCLE_PASCAL_H
#define CS_LIFECYCLE_PASCAL_H

#include "options.h"
#include "phase.h"

#define CS_PAS_EMPTY_DLL "cs_pas_empty.dll"

/* One pascal-tls scenario of `comstress suite`: name, child arguments and
 * whether it must end as a leak (else it must pass). */
typedef struct cs_pascal_entry {
    const char *name;
    const char *args;
    int leak;
} cs_pascal_entry;

/* The suite's pascal-tls scenarios, ended by a NULL name. */
extern const cs_pascal_entry cs_pascal_suite[];

/* Runs pascal-tls as o says, streaming to res; returns 0 (flat), 1 (leak)
 * or 6 after a message (a DLL missing or misbehaving). */
int cs_pascal_tls_run(const cs_life_options *o, cs_stream *res);

#endif
