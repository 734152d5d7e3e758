/* Helpers shared by the reference server's suite (test_comserver.c and
 * test_comserver_faults.c). */
#ifndef TEST_COMSERVER_H
#define TEST_COMSERVER_H

#include "cs_check.h"
#include "cs_double.h"
#include "comstress.h"
#include <ocidl.h>
#include <olectl.h>

typedef HRESULT (WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);
typedef HRESULT (WINAPI *can_unload_fn)(void);

/* The server DLL loaded directly (COMSTRESS_SERVER_DLL), its exports. */
extern HMODULE server;
extern get_class_object_fn get_class_object;
extern can_unload_fn can_unload_now;

void load_server(void);
/* Creates an object straight from the DLL's class factory. */
void *create_direct(REFCLSID clsid, REFIID iid);
/* Live objects of class cls ("" for all but Probe), through the probe. */
LONG live(IStressProbe *probe, const WCHAR *cls);
HRESULT set_fault(IStressProbe *probe, const WCHAR *fault, LONG param);
/* Late-bound call by name: args in call order (at most 4). */
HRESULT call(IDispatch *disp, const WCHAR *name, WORD flags, VARIANT *args, UINT nargs,
             VARIANT *res, EXCEPINFO *ei, UINT *argerr);
VARIANT vi4(LONG v);
VARIANT vstr(BSTR b);
VARIANT vdisp(IDispatch *d);
LONG call_long(IDispatch *disp, const WCHAR *name, VARIANT *args, UINT nargs);
/* Live bytes and blocks of the process heap, by walking it (exact under
 * Wine); either pointer may be NULL. */
void heap_usage(SIZE_T *bytes, SIZE_T *blocks);
/* A window in which the process heap changes by this thread's work only:
 * the heap's lock is held from heap_window_open to heap_window_close, so
 * an allocation by another thread of the process (Wine's RPC runtime keeps
 * one, and under load it runs late) waits until the window closes. What
 * runs inside must not wait for another thread. */
void heap_window_open(void);
void heap_window_close(void);
/* Fixture: STA plus the loaded server. */
void setup(void);

/* A sink for DStressTargetEvents: a cs_double set up by test_sink_init,
 * living in the test's frame with ref 1 (the test's own) and never freed,
 * so its count can be read after every release. sink_fired() counts its
 * OnFired(n) calls with one VT_I4, sink_last() is the n of the last one. */
typedef cs_double test_sink;
enum { ONFIRED_DISPID = 1 };      /* [id(1)] in idl/comstress.idl */
void test_sink_init(test_sink *sink);
static inline LONG sink_fired(test_sink *sink) { return cs_double_calls(sink, ONFIRED_DISPID); }
static inline LONG sink_last(test_sink *sink) { return cs_double_value(sink, ONFIRED_DISPID); }
/* The Target's connection point for DStressTargetEvents. */
IConnectionPoint *target_connection_point(IStressTarget *t);
/* The Target's collection as IStressItems. */
IStressItems *target_items(IStressTarget *t);
/* A new enumerator of collection, asked for as a script engine does
 * (Invoke of DISPID_NEWENUM). */
IEnumVARIANT *new_enum(IDispatch *collection);
/* An item's Name through IDispatch (the caller frees it). */
BSTR item_name(IDispatch *item);

/* The "model" and "model_faults" test cases (test_comserver_model*.c). */
TCase *comserver_model_tcase(void);
TCase *comserver_model_faults_tcase(void);
/* The "plumbing" test case (test_comserver_plumbing.c). */
TCase *comserver_plumbing_tcase(void);
/* The "faults" test case (test_comserver_faults.c). */
TCase *comserver_faults_tcase(void);
/* The child mode of env_selects_fault_at_load. */
int env_fault_child(void);
/* The "noise" test case and the child mode of its unload test
 * (test_comserver_noise.c). */
TCase *comserver_noise_tcase(void);
int noise_unload_child(void);

#endif
