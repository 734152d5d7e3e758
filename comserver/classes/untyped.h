/* The hand-written IDispatch shared by classes Untyped and Shifting. */
#ifndef CS_UNTYPED_H
#define CS_UNTYPED_H

#include "module.h"

/* Creates an object of class cls (Untyped or Shifting) whose DISPIDs are
 * the IStressTarget ones plus salt; *out cleared first. */
HRESULT untyped_create_salted(cs_class cls, LONG salt, REFIID riid, void **out);

#endif
