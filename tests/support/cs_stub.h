/*
 * A stub IDispatch for the client suites: no type information of its own,
 * one member "Add" at a DISPID the test chooses (and may change, to act as
 * a new object at the same address). Its reference count is plain data the
 * test reads: nothing frees it.
 */
#ifndef CS_STUB_H
#define CS_STUB_H

#include <windows.h>
#include <oaidl.h>

typedef struct cs_stub_disp {
    IDispatch IDispatch_iface;
    LONG ref;
    UINT typeinfo_count;      /* what GetTypeInfoCount says */
    HRESULT typeinfo_hr;      /* what GetTypeInfo fails with */
    DISPID add_id;            /* "Add"'s DISPID; any other name is unknown */
    BOOL returns_id;          /* Add returns its DISPID; else its one argument */
} cs_stub_disp;

/* Sets s up with one reference. */
void cs_stub_disp_init(cs_stub_disp *s, UINT typeinfo_count, HRESULT typeinfo_hr, DISPID add_id,
                       BOOL returns_id);

#endif
