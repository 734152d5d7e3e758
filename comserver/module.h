/*
 * Module plumbing shared by every class of the reference server: the class
 * enumeration, object and lock counters (read through IStressProbe) and the
 * fault selected for new objects. The class table is classes.h; the type
 * information and IDispatch plumbing dispatch.h.
 */
#ifndef CS_MODULE_H
#define CS_MODULE_H

#include <windows.h>
#include <oleauto.h>
#include "comstress.h"
#include "faults.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Server classes: the rows of the class table (classes.h), in the order of
 * the probe's ClassNames. */
typedef enum cs_class {
    CS_CLASS_TARGET,
    CS_CLASS_UNTYPED,
    CS_CLASS_SHIFTING,
    CS_CLASS_PROBE,
    CS_CLASS_ITEMS,            /* a Target's collection (not creatable) */
    CS_CLASS_ITEM,             /* an item of a collection (not creatable) */
    CS_CLASS_ENUMERATOR,       /* an IEnumVARIANT over a collection (not creatable) */
    CS_CLASS_COUNT
} cs_class;

/* Creates an object of one class: the IClassFactory::CreateInstance
 * contract (outer must be NULL, *out cleared first). */
typedef HRESULT (*cs_create_fn)(IUnknown *outer, REFIID riid, void **out);

extern HINSTANCE cs_module_instance;

/* The class name used by the probe ("Target", ...); NULL when out of range
 * (classes.c, from the class table). */
const char *cs_class_name(cs_class c);

/* Looks a class up by probe name (case-insensitive); CS_CLASS_COUNT when
 * unknown. */
cs_class cs_class_from_name(const WCHAR *name);

/* Object lifetime accounting. created/destroyed drive DllCanUnloadNow and
 * the live and peak counters; addref/release count the IUnknown traffic of
 * every class but Probe. An object's initial reference counts as an AddRef,
 * so the totals balance exactly once every object is freed. */
void cs_object_created(cs_class c);
void cs_object_destroyed(cs_class c);
void cs_count_addref(cs_class c);
void cs_count_release(cs_class c);

/* Server locks (IClassFactory::LockServer, and the lock-leak fault). */
void cs_lock_server(void);
void cs_unlock_server(void);

/* Counters for the probe. class_filter CS_CLASS_COUNT means "every class
 * but Probe" (live, peak); totals cover every class but Probe. */
LONG cs_live_objects(cs_class class_filter);
LONG cs_peak_objects(cs_class class_filter);
LONG cs_server_locks(void);
LONG cs_addref_total(void);
LONG cs_release_total(void);

/* The full path of this DLL into buf (MAX_PATH WCHARs); never call it from
 * DllMain (it takes the loader lock). Returns FALSE on failure. */
BOOL cs_module_path(WCHAR *buf, DWORD size);

/* The fault applied to objects created from now on, and its param. */
cs_fault cs_current_fault(LONG *param);
void cs_set_fault(cs_fault fault, LONG param);
/* Counts one call for hang-call and crash-call; restarts at 1 whenever a
 * fault is selected. Returns the count including this call. */
LONG cs_fault_call_count(void);

/* The noise faults (noise.c). cs_noise_select: a fault was selected; takes
 * its seed (COMSTRESS_FAULT_SEED or a fresh one) and empties the plateau
 * cache. cs_noise_unload: the DLL is being freed; empties the cache.
 * cs_noise_on_call: one IStressTarget method call of an object made under
 * a noise fault, counted with cs_fault_call_count. */
void cs_noise_select(void);
void cs_noise_unload(void);
void cs_noise_on_call(cs_fault fault, LONG param);

/* Records error information for the calling thread (ISupportErrorInfo
 * clients read it) and returns hr, so a method can end with
 * "return cs_set_error(...)". */
HRESULT cs_set_error(REFIID iid, HRESULT hr, const WCHAR *description);

/* Class creation functions (one file per class). */
HRESULT target_create(IUnknown *outer, REFIID riid, void **out);
HRESULT untyped_create(IUnknown *outer, REFIID riid, void **out);
HRESULT shifting_create(IUnknown *outer, REFIID riid, void **out);
HRESULT probe_create(IUnknown *outer, REFIID riid, void **out);

/*
 * The object model behind Target (one file per class, not creatable).
 * item_create: a new Item named name, one reference.
 * items_create: a new collection holding the three default items, one
 * reference, with the fault of the Target it belongs to.
 * items_get_at: the item at 0-based position into *out (VT_DISPATCH,
 * AddRef'd) and S_OK, or S_FALSE and VT_EMPTY past the end.
 * enumerator_create: an IEnumVARIANT over items from 0-based position
 * (it keeps a reference to items), with a fault of the enumerator family.
 */
HRESULT item_create(const WCHAR *name, IDispatch **out);
HRESULT items_create(cs_fault fault, IStressItems **out);
HRESULT items_get_at(IStressItems *items, LONG position, VARIANT *out);
HRESULT enumerator_create(IStressItems *items, LONG position, cs_fault fault,
                          IEnumVARIANT **out);

/* factory.c: a class factory for one class; *out cleared first. */
HRESULT cs_class_factory_create(cs_create_fn create, REFIID riid, void **out);

#endif
