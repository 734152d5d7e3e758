/*
 * Small COM objects written for the script executor's tests, each counting
 * its live instances so a test can assert exactly what was released:
 *
 * - a recorder: an IDispatch without type information that keeps a copy
 *   of the DISPPARAMS of its last Invoke (named DISPIDs, argument types
 *   and values) and writes outputs into by-reference arguments;
 * - an owner whose Items property returns a new collection each time
 *   (Count, Item(i) as the default member, _NewEnum returning an
 *   IEnumVARIANT), with items that have Name and Index;
 * - an event source (IConnectionPointContainer, one IConnectionPoint,
 *   IProvideClassInfo2 or only IProvideClassInfo) whose Fire() calls every
 *   connected sink, with two faults of its own.
 */
#ifndef CS_SCRIPT_OBJECTS_H
#define CS_SCRIPT_OBJECTS_H

#include <windows.h>
#include <ocidl.h>

extern volatile LONG so_live_recorders, so_live_owners, so_live_colls, so_live_items, so_live_enums,
                     so_live_sources;

/* ---- recorder ---- */
#define SO_MAX_RECORDED 8

typedef struct so_record {
    LONG invokes;
    DISPID id;
    WORD flags;
    UINT cargs, cnamed;
    DISPID named[SO_MAX_RECORDED];
    VARIANT args[SO_MAX_RECORDED];   /* copies of rgvarg, DISPPARAMS order */
} so_record;

/* Members: Call (DISPID 1, any arguments), GetPair (DISPID 2: writes 7
 * into its first argument and a new recorder into its second, both
 * by-reference VARIANTs, clearing what they held first), Value (DISPID 3,
 * property get/put). Argument names ReadOnly, Mode, Path have DISPIDs
 * 10, 11, 12; other names are unknown. rec (borrowed) receives the
 * record; so_record_clear frees its copies. */
IDispatch *so_recorder_new(so_record *rec);
void so_record_clear(so_record *rec);

/* ---- owner, collection, items ---- */

/* Items (DISPID 1, property) makes a new collection of n items (n <= 16);
 * its items are made with it and die with it. */
IDispatch *so_owner_new(int n);

/* ---- event source ---- */

/* The source dispinterface: Fire calls DISPID 1 on every sink. */
extern const IID so_events_iid;

typedef enum so_source_info {
    SO_INFO_CLASSINFO2,    /* IProvideClassInfo2::GetGUID names the source */
    SO_INFO_CLASSINFO,     /* only IProvideClassInfo: a coclass type info */
    SO_INFO_NONE           /* neither */
} so_source_info;

typedef enum so_source_fault {
    SO_FAULT_NONE,
    SO_FAULT_UNADVISE_KEEPS,   /* Unadvise forgets the sink without releasing it */
    SO_FAULT_DESTROY_KEEPS     /* the destructor never releases connected sinks */
} so_source_fault;

/* Members: Fire (DISPID 1), Sinks (DISPID 2, property: sinks connected). */
IDispatch *so_source_new(so_source_info info, so_source_fault fault);

/* ---- shared by the objects' files ---- */
typedef struct so_name { const WCHAR *name; DISPID id; } so_name;
HRESULT so_names_lookup(const so_name *table, size_t n, LPOLESTR *names, UINT count, DISPID *ids);
HRESULT WINAPI so_no_typeinfo_count(IDispatch *iface, UINT *count);
HRESULT WINAPI so_no_typeinfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **ti);

#endif
