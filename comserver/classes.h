/* The table of creatable classes: CLSID, ProgID, create function. Used by
 * DllGetClassObject and by (un)registration. */
#ifndef CS_CLASSES_H
#define CS_CLASSES_H

#include "module.h"

typedef struct cs_class_info {
    const CLSID *clsid;
    const WCHAR *progid;       /* ComStress.Target, ... */
    const WCHAR *description;
    cs_create_fn create;
    BOOL typed;                /* described by the type library */
} cs_class_info;

extern const cs_class_info cs_classes[];
extern const size_t cs_class_count;

/* The entry for clsid, or NULL when this server does not serve it. */
const cs_class_info *cs_class_by_clsid(REFCLSID clsid);

#endif
