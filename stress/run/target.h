/*
 * The object under stress: its CLSID resolved from a ProgID or {CLSID},
 * how instances are made, and the reference server's probe when the target
 * lives in a server that has one.
 */
#ifndef CS_TARGET_H
#define CS_TARGET_H

#include <windows.h>
#include <oaidl.h>
#include "comstress.h"
#include "model.h"
#include "options.h"

typedef struct cs_target {
    CLSID clsid;
    const char *name;          /* as the user gave it */
    IStressProbe *probe;       /* NULL when the target's server has none */
    char server_path[CS_PATH_LEN];/* InprocServer32 of the target, "" if unknown */
} cs_target;

/* Resolves name (ProgID or {CLSID}) and checks an instance can be made.
 * Looks for ComStress.Probe in the same DLL as the target. Returns S_OK, or
 * a failure with a one-line message in err naming the target. */
HRESULT cs_target_open(const char *name, cs_target *t, char *err, size_t errlen);

/* The registered in-process server DLL of name (ProgID or {CLSID}) into
 * path, without loading it (for tracing, which must be on before the DLL
 * loads). Returns 0, or -1 when name is unknown or not in-process. */
int cs_target_locate(const char *name, char *path, size_t n);

/* Releases the probe. */
void cs_target_close(cs_target *t);

/* Reads live objects and server locks into s (NaN without a probe). */
void cs_target_sample(cs_target *t, cs_sample *s);

/* Selects a reference-server fault ("NAME" or "NAME:PARAM") through the
 * probe; fails with a message when the target has no probe or the fault is
 * unknown. */
HRESULT cs_target_set_fault(cs_target *t, const char *spec, char *err, size_t errlen);

/* The probe's fault catalogue as text (caller frees with free()), or NULL. */
char *cs_target_fault_catalogue(cs_target *t);

#endif
