/* The creatable classes of the reference server (see classes.h). */
#include "classes.h"

const cs_class_info cs_classes[] = {
    { &CLSID_StressTarget, L"ComStress.Target", L"comstress target", target_create, TRUE },
    { &CLSID_StressUntyped, L"ComStress.Untyped",
      L"comstress target without type information", untyped_create, FALSE },
    { &CLSID_StressShifting, L"ComStress.Shifting",
      L"comstress target with per-instance DISPIDs", shifting_create, FALSE },
    { &CLSID_StressProbe, L"ComStress.Probe", L"comstress server counters", probe_create, TRUE },
};
const size_t cs_class_count = ARRAY_SIZE(cs_classes);

const cs_class_info *cs_class_by_clsid(REFCLSID clsid)
{
    size_t i;

    for (i = 0; i < cs_class_count; i++)
        if (IsEqualCLSID(clsid, cs_classes[i].clsid))
            return &cs_classes[i];
    return NULL;
}
