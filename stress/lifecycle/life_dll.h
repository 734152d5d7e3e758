/* Loading the lifecycle DLLs, shared by the scenarios (lifecycle.c). */
#ifndef CS_LIFE_DLL_H
#define CS_LIFE_DLL_H

#include <windows.h>
#include "options.h"

/* Full path of the lifecycle DLL name: in --dll-dir, else next to this
 * program. */
void cs_life_dll_path(const cs_life_options *o, const char *name, char *buf, size_t n);

/* LoadLibrary of path with the phase "WHAT: LoadLibrary PATH" recorded
 * first; NULL after a one-line error naming the file and the reason. */
HMODULE cs_life_load_dll(const char *path, const char *what);

/* --trace: the tracer on the lifecycle DLL at path before its first
 * load, its private heap left out of the heap figures. Returns 0, or -1
 * after a one-line message. */
int cs_life_trace_start(const char *path);

#endif
