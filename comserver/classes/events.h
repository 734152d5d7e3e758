/*
 * An event source embedded in the object that fires it: the object's
 * IConnectionPointContainer, one IConnectionPoint for its default source
 * dispinterface, and IProvideClassInfo2 (which names that interface), the
 * three a client needs to find and advise a sink. Their references are the
 * owner's. Shared plumbing like dispatch.h, so a class with events holds
 * only a cs_events and forwards QueryInterface to cs_events_query.
 */
#ifndef CS_EVENTS_H
#define CS_EVENTS_H

#include "dispatch.h"
#include <ocidl.h>
#include <olectl.h>

typedef struct cs_events {
    IConnectionPointContainer IConnectionPointContainer_iface;
    IConnectionPoint IConnectionPoint_iface;
    IProvideClassInfo2 IProvideClassInfo2_iface;
    IUnknown *owner;           /* not AddRef'd: it owns us */
    const IID *source_iid;     /* the default source dispinterface */
    cs_tid class_tid;          /* the owner's coclass, for GetClassInfo */
    cs_fault fault;            /* the owner's: unadvise-keeps-sink, destroy-keeps-sinks */
    SRWLOCK lock;              /* guards sinks, capacity */
    IDispatch **sinks;         /* slot i is cookie i + 1; NULL when free */
    DWORD capacity;
} cs_events;

/* Prepares e for owner; no allocation until the first Advise. */
void cs_events_init(cs_events *e, IUnknown *owner, const IID *source_iid, cs_tid class_tid,
                    cs_fault fault);

/* The owner is being destroyed: releases every sink still advised (unless
 * the destroy-keeps-sinks fault says otherwise) and frees the table. */
void cs_events_cleanup(cs_events *e);

/* QueryInterface for IConnectionPointContainer, IProvideClassInfo and
 * IProvideClassInfo2: TRUE and an AddRef'd *out, or FALSE. */
BOOL cs_events_query(cs_events *e, REFIID riid, void **out);

/*
 * Calls dispid with args (in call order, at most 4) through IDispatch::
 * Invoke on every sink advised when the call starts; a sink that fails
 * is skipped. No lock is held during the calls, so a sink may Unadvise
 * or Advise from inside. Returns how many sinks accepted the call (their
 * Invoke succeeded).
 */
LONG cs_events_fire(cs_events *e, DISPID dispid, VARIANT *args, UINT nargs);

#endif
