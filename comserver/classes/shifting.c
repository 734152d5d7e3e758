/*
 * Class "Shifting": Untyped with a DISPID salt per instance, so a DISPID is
 * valid only on the object that returned it. A binding cache that calls a
 * stale DISPID on another instance (even one that reuses a freed object's
 * address) gets DISP_E_MEMBERNOTFOUND.
 */
#include "untyped.h"

static LONG shifting_serial;

HRESULT shifting_create(IUnknown *outer, REFIID riid, void **out)
{
    LONG serial = InterlockedIncrement(&shifting_serial);

    *out = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    /* 997 distinct salts: consecutive instances never share one. */
    return untyped_create_salted(CS_CLASS_SHIFTING, 1000 * ((serial % 997) + 1), riid, out);
}
