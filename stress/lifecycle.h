/*
 * DLL lifecycle scenarios, run inside a child process (`comstress child
 * SCENARIO ...`) under the watchdog of isolate.h (background.md stories 2
 * and 3, and the CoFreeUnusedLibrariesEx race of wine-notes.md):
 *
 *   tls-unload       load cs_tls_leak.dll on the main thread, call it on N
 *                    live worker threads, unload it; C cycles; live heap
 *                    bytes lost per cycle and per live thread
 *   unload-deadlock  FreeLibrary of cs_unload_deadlock.dll (hangs), or with
 *                    --variant fixed CsWorkerStop() first (passes)
 *   unload-race      MTA threads create/release a registered in-process
 *                    class while another thread loops
 *                    CoFreeUnusedLibrariesEx(0, 0)
 *   crash, hang      self-tests of the isolation: record a result, then
 *                    crash (--kind av|illegal|stack|divide) or sleep forever
 *
 * Each writes OUT/phase.txt and OUT/results.jsonl (phase.h) as it goes and
 * returns an exit code: 0 passed, 1 verdict failed (a leak), 2 usage,
 * 3 target missing, 6 internal.
 */
#ifndef CS_LIFECYCLE_H
#define CS_LIFECYCLE_H

#include <stddef.h>

#define CS_TLS_DLL      "cs_tls_leak.dll"
#define CS_DEADLOCK_DLL "cs_unload_deadlock.dll"

typedef struct cs_life_options {
    const char *scenario;     /* tls-unload, unload-deadlock, ... */
    const char *out_dir;      /* --out DIR (default ".") */
    const char *dll_dir;      /* --dll-dir DIR (default: the program's folder) */
    int cycles;               /* --cycles C (50), tls-unload */
    int threads;              /* --threads N: live workers (4) or creators (4) */
    unsigned block_size;      /* --block-size B (4096), tls-unload */
    int fixed;                /* --variant leaky|fixed */
    int pin;                  /* --pin: one extra LoadLibrary, never unloaded */
    double seconds;           /* --seconds S (2), unload-race */
    const char *target;       /* --target PROGID (ComStress.Target), unload-race */
    const char *kind;         /* --kind av|illegal|stack|divide, crash */
} cs_life_options;

/* Names of the scenarios, NULL-terminated (for usage lines and --only). */
extern const char *const cs_life_scenarios[];

/*
 * Pure: parses "SCENARIO [options]" (argv[0] is the scenario name) into o,
 * defaults first. Returns 0, or 2 (usage) with a one-line message naming
 * the option or scenario in err.
 */
int cs_life_parse(int argc, char **argv, cs_life_options *o, char *err, size_t errlen);

/* Pure: tls-unload's verdict. A leak when more than a quarter of a block
 * is lost per cycle (noise is a few bytes; a leak is block x threads). */
int cs_tls_is_leak(double bytes_per_cycle, unsigned block_size);

/* Runs the parsed scenario in this process (the child); returns its exit
 * code. Opens the phase file and results stream in o->out_dir. */
int cs_life_run(const cs_life_options *o);

#endif
