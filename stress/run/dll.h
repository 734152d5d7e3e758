/*
 * An in-process server used without registration (--dll PATH): loaded
 * with LoadLibraryW, its classes made through its own DllGetClassObject,
 * and its classes read from the type library embedded in it. Nothing in
 * the registry is read or written: CI can stress a freshly built DLL in a
 * prefix where regsvr32 never ran.
 */
#ifndef CS_DLL_H
#define CS_DLL_H

#include <windows.h>
#include <oaidl.h>
#include "options.h"

typedef HRESULT (WINAPI *cs_get_class_object_fn)(REFCLSID, REFIID, void **);

typedef struct cs_dll {
    HMODULE module;                   /* our LoadLibrary reference; NULL once freed */
    cs_get_class_object_fn get_class_object;
    char path[CS_PATH_LEN];           /* full path, UTF-8 */
} cs_dll;

/* A creatable coclass of the DLL's type library. */
typedef struct cs_dll_class {
    CLSID clsid;
    char name[128];                   /* the coclass's name */
    char progid[128];                 /* from the registry when registered, else "" */
    char doc[160];                    /* its helpstring, "" when none */
} cs_dll_class;

#define CS_DLL_MAX_CLASSES 64

/*
 * Loads path (its dependencies looked for next to it) and finds its
 * DllGetClassObject. Returns CS_EXIT_OK, or CS_EXIT_TARGET with one line
 * in err: the file cannot be loaded (the system's reason), or it is no
 * COM server (no DllGetClassObject; the DLL is freed again).
 */
int cs_dll_load(const char *path, cs_dll *d, char *err, size_t errlen);

/*
 * The creatable coclasses (TYPEFLAG_FCANCREATE) of the type library
 * embedded in the DLL, up to max, in type library order; *n how many.
 * Returns S_OK, or the failure of LoadTypeLibEx (a DLL without a type
 * library: TYPE_E_CANTLOADLIBRARY and the like) with *n 0.
 */
HRESULT cs_dll_classes(const cs_dll *d, cs_dll_class *out, size_t max, size_t *n);

/* The coclass type information of clsid in the DLL's type library (a new
 * reference), or a failure. */
HRESULT cs_dll_class_info(const cs_dll *d, const CLSID *clsid, ITypeInfo **out);

/* The DLL's class factory for clsid (DllGetClassObject). A crash inside
 * that call ends the process with CS_EXIT_CRASH after one line naming the
 * DLL and the exception ("comstress: --dll 'PATH': crashed in its
 * DllGetClassObject: 0xc0000005 access violation"), unless a crash
 * recorder set since (the phase file's) tells it. */
HRESULT cs_dll_factory(const cs_dll *d, const CLSID *clsid, IClassFactory **out);

/* "StressTarget {a121fc24-...}, StressProbe {1506b9d1-...}" into buf. */
void cs_dll_class_list(const cs_dll_class *c, size_t n, char *buf, size_t len);

/*
 * The unload proof for a DLL we loaded: asks its DllCanUnloadNow
 * (*can_unload 1 for S_OK, 0 for another answer, -1 without the export);
 * on S_OK frees our reference (FreeLibrary) and says whether the module
 * is gone (*unloaded 1 or 0), else leaves it loaded (*unloaded -1: a DLL
 * whose objects may live is never freed under them).
 */
void cs_dll_unload(cs_dll *d, int *can_unload, int *unloaded);

#endif
