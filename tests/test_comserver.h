/* Helpers shared by the reference server's suite (test_comserver.c and
 * test_comserver_faults.c). */
#ifndef TEST_COMSERVER_H
#define TEST_COMSERVER_H

#include "cs_check.h"
#include "comstress.h"

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
/* Fixture: STA plus the loaded server. */
void setup(void);

/* The "plumbing" test case (test_comserver_plumbing.c). */
TCase *comserver_plumbing_tcase(void);
/* The "faults" test case (test_comserver_faults.c). */
TCase *comserver_faults_tcase(void);
/* The child mode of env_selects_fault_at_load. */
int env_fault_child(void);

#endif
