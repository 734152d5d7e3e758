/*
 * DLL lifecycle scenarios, run inside a child process (`comstress child
 * SCENARIO ...`) under the watchdog of isolate.h: the TLS blocks leaked
 * at unload, the DllMain loader-lock deadlock and the
 * CoFreeUnusedLibrariesEx race (docs/lifecycle.md tells each story):
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
#include "options.h"

#define CS_TLS_DLL      "cs_tls_leak.dll"
#define CS_DEADLOCK_DLL "cs_unload_deadlock.dll"

/* The scenario options (cs_life_options), their parser and the
 * tls-unload verdict are pure: core/options/options.h. */

/* Runs the parsed scenario in this process (the child); returns its exit
 * code. Opens the phase file and results stream in o->out_dir. */
int cs_life_run(const cs_life_options *o);

#endif
