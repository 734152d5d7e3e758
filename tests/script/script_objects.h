/*
 * The script executor's own test objects, built on the shared doubles
 * (cs_double.h), each counting its live instances so a test can assert
 * exactly what was released:
 *
 * - a recorder: an untyped IDispatch that keeps a copy of the DISPPARAMS
 *   of its last Invoke (named DISPIDs, argument types and values) and
 *   writes outputs into by-reference arguments;
 * - an owner whose Items property returns a new collection each time
 *   (Count, Item(i) as the default member, _NewEnum returning an
 *   IEnumVARIANT), with items that have Name and Index.
 *
 * The event source is the reference server's Target (test_script_events.c).
 */
#ifndef CS_SCRIPT_OBJECTS_H
#define CS_SCRIPT_OBJECTS_H

#include "cs_double.h"

extern volatile LONG so_live_recorders, so_live_owners, so_live_colls, so_live_items, so_live_enums;

/* Members: Call (DISPID 1, any arguments), GetPair (DISPID 2: writes 7
 * into its first argument and a new recorder into its second, both
 * by-reference VARIANTs, clearing what they held first), Value (DISPID 3,
 * property get/put). Argument names ReadOnly, Mode, Path have DISPIDs
 * 10, 11, 12; other names are unknown. rec (borrowed) receives the
 * record; cs_double_record_clear frees its copies. */
IDispatch *so_recorder_new(cs_double_record *rec);

/* Items (DISPID 1, property) makes a new collection of n items (n <= 16);
 * its items are made with it and die with it. */
IDispatch *so_owner_new(int n);

#endif
