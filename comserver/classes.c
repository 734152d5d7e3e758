/* The class table (see classes.h) and the lookups over it. */
#include "classes.h"

#include <stdio.h>

const cs_class_info cs_classes[CS_CLASS_COUNT] = {
    [CS_CLASS_TARGET] = { "Target", &CLSID_StressTarget, L"ComStress.Target",
                          L"comstress target", target_create, TRUE },
    [CS_CLASS_UNTYPED] = { "Untyped", &CLSID_StressUntyped, L"ComStress.Untyped",
                           L"comstress target without type information", untyped_create, FALSE },
    [CS_CLASS_SHIFTING] = { "Shifting", &CLSID_StressShifting, L"ComStress.Shifting",
                            L"comstress target with per-instance DISPIDs", shifting_create, FALSE },
    [CS_CLASS_PROBE] = { "Probe", &CLSID_StressProbe, L"ComStress.Probe",
                         L"comstress server counters", probe_create, TRUE },
    [CS_CLASS_ITEMS] = { "Items", NULL, NULL, NULL, NULL, TRUE },
    [CS_CLASS_ITEM] = { "Item", NULL, NULL, NULL, NULL, TRUE },
    [CS_CLASS_ENUMERATOR] = { "Enumerator", NULL, NULL, NULL, NULL, FALSE },
};

const cs_class_info *cs_class_by_clsid(REFCLSID clsid)
{
    int c;

    for (c = 0; c < CS_CLASS_COUNT; c++)
        if (cs_classes[c].clsid && IsEqualCLSID(clsid, cs_classes[c].clsid))
            return &cs_classes[c];
    return NULL;
}

const char *cs_class_name(cs_class c)
{
    return (unsigned)c < CS_CLASS_COUNT ? cs_classes[c].name : NULL;
}

cs_class cs_class_from_name(const WCHAR *name)
{
    WCHAR wide[32];
    int c;

    for (c = 0; c < CS_CLASS_COUNT; c++) {
        MultiByteToWideChar(CP_ACP, 0, cs_classes[c].name, -1, wide, ARRAY_SIZE(wide));
        if (name && !lstrcmpiW(name, wide))
            return (cs_class)c;
    }
    return CS_CLASS_COUNT;
}

void cs_class_names(WCHAR *buf, size_t size, const WCHAR *sep)
{
    size_t used = 0;
    int c, n;

    if (!size)
        return;
    buf[0] = 0;
    for (c = 0; c < CS_CLASS_COUNT && used < size; c++) {
        n = _snwprintf(buf + used, size - used, L"%ls%hs", c ? sep : L"", cs_classes[c].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    buf[size - 1] = 0;
}
