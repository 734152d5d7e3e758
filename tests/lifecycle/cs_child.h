/* Shared by the lifecycle suites: run the lifecycle driver as a watched
 * child (stress/lifecycle/isolate.h). */
#ifndef CS_CHILD_H
#define CS_CHILD_H

#include "isolate.h"

/* Runs COMSTRESS_LIFECYCLE_EXE with args plus --out <fresh dir named tag>
 * under the watchdog (timeout seconds) and fills r. Returns the directory
 * (a static buffer). Fails the test when the child cannot be run. */
const char *cs_run_child(const char *tag, const char *args, double timeout, cs_child_result *r);

#endif
