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
#include "dll.h"

typedef struct cs_target {
    CLSID clsid;
    const char *name;          /* as the user gave it, or label */
    IStressProbe *probe;       /* NULL when the target's server has none */
    char server_path[CS_PATH_LEN];/* InprocServer32 of the target (--dll: the
                                * DLL's full path), "" if unknown */
    int from_dll;              /* --dll: made through dll, no registry */
    cs_dll dll;
    char label[200];           /* "StressTarget {a121...}": a class chosen
                                * in the DLL without --target */
} cs_target;

/*
 * Opens the target: name (ProgID or {CLSID}) through the registry; or,
 * with dll, the server DLL loaded without registration and its class
 * named by name ({CLSID}, coclass name, registered ProgID) or, when name
 * is NULL, the only creatable class of its type library. Checks an
 * instance can be made, and looks for ComStress.Probe in the same DLL.
 * Returns CS_EXIT_OK; CS_EXIT_TARGET (not registered, not loadable, not
 * creatable, or no --target and no class named by the DLL's type library)
 * or CS_EXIT_USAGE (no --target and several classes to choose from) with
 * a one-line message in err.
 */
int cs_target_open(const char *name, const char *dll, cs_target *t, char *err, size_t errlen);

/* The one line for a --dll of which no class can be chosen by name: tl is
 * cs_dll_classes's failure (no type library: its code in words) or S_OK
 * (a type library naming no creatable class). The same words for run,
 * list members and list classes. Returns CS_EXIT_TARGET. */
int cs_target_dll_no_class(const cs_dll *d, HRESULT tl, char *err, size_t errlen);

/* The registered in-process server DLL of name (ProgID or {CLSID}) into
 * path, without loading it (for tracing, which must be on before the DLL
 * loads). Returns 0, or -1 when name is unknown or not in-process. */
int cs_target_locate(const char *name, char *path, size_t n);

/* Releases the probe. A DLL loaded for --dll stays loaded (the unload
 * proof frees it when it says it can unload). */
void cs_target_close(cs_target *t);

/* The target's class factory (the DLL's, or CoGetClassObject), kept by
 * workers for factory activation. */
HRESULT cs_target_factory(cs_target *t, IClassFactory **cf);

/* One new instance as IDispatch: through the DLL's factory, or
 * CoCreateInstance. */
HRESULT cs_target_create(cs_target *t, IDispatch **out);

/* Reads live objects and server locks into s (NaN without a probe). */
void cs_target_sample(cs_target *t, cs_sample *s);

/* Selects a reference-server fault ("NAME" or "NAME:PARAM") through the
 * probe; fails with a message when the target has no probe, the fault is
 * unknown, or it does not take that parameter (the probe's words). */
HRESULT cs_target_set_fault(cs_target *t, const char *spec, char *err, size_t errlen);

/* The probe's fault catalogue as text (caller frees with free()), or NULL. */
char *cs_target_fault_catalogue(cs_target *t);

#endif
