/* The object under stress; see target.h for the contracts. */
#include "target.h"
#include "paths.h"
#include "lb.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "NAME, 0x80040154", or Windows' text with the code, for messages. */
static void hr_text(HRESULT hr, char *buf, size_t len)
{
    const char *n = lb_hr_name(hr);

    if (n)
        snprintf(buf, len, "%s, 0x%08lx", n, (unsigned long)hr);
    else
        cs_hresult_text(hr, buf, len);        /* Windows' words, and the code */
}

/* Turns the user's ProgID or {CLSID} into a CLSID. */
static HRESULT resolve_clsid(const char *name, CLSID *clsid)
{
    WCHAR *wname = cs_wide(name);
    HRESULT hr;

    if (!wname)
        return E_INVALIDARG;                 /* not valid UTF-8 */
    hr = wname[0] == '{' ? CLSIDFromString(wname, clsid) : CLSIDFromProgID(wname, clsid);
    free(wname);
    return hr;
}

/* The InprocServer32 path registered for clsid, or "" (reg-free or not
 * in-process). */
static void server_path_of(const CLSID *clsid, char *path, size_t len)
{
    WCHAR wclsid[64], key[128], value[1024];
    LONG size = sizeof(value);
    char *s;

    path[0] = 0;
    StringFromGUID2(clsid, wclsid, 64);
    swprintf(key, sizeof(key) / sizeof(key[0]), L"CLSID\\%ls\\InprocServer32", wclsid);
    if (RegQueryValueW(HKEY_CLASSES_ROOT, key, value, &size) != ERROR_SUCCESS || !(s = cs_narrow(value)))
        return;
    if (strlen(s) < len)
        strcpy(path, s);
    free(s);
}

/* Creates ComStress.Probe when it is served by the same DLL as the target:
 * the counters of another server would describe the wrong thing. With
 * --dll, through the DLL's own DllGetClassObject (a server that is not
 * ours answers CLASS_E_CLASSNOTAVAILABLE). */
static void open_probe(cs_target *t)
{
    char probe_path[CS_PATH_LEN];
    IClassFactory *cf;

    t->probe = NULL;
    if (t->from_dll) {
        if (SUCCEEDED(cs_dll_factory(&t->dll, &CLSID_StressProbe, &cf))) {
            if (FAILED(IClassFactory_CreateInstance(cf, NULL, &IID_IStressProbe, (void **)&t->probe)))
                t->probe = NULL;
            IClassFactory_Release(cf);
        }
        return;
    }
    server_path_of(&CLSID_StressProbe, probe_path, sizeof(probe_path));
    if (!t->server_path[0] || !probe_path[0] || _stricmp(probe_path, t->server_path))
        return;
    if (FAILED(CoCreateInstance(&CLSID_StressProbe, NULL, CLSCTX_INPROC_SERVER,
                                &IID_IStressProbe, (void **)&t->probe)))
        t->probe = NULL;
}

HRESULT cs_target_factory(cs_target *t, IClassFactory **cf)
{
    *cf = NULL;
    if (t->from_dll)
        return cs_dll_factory(&t->dll, &t->clsid, cf);
    return CoGetClassObject(&t->clsid, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER, NULL, &IID_IClassFactory,
                            (void **)cf);
}

HRESULT cs_target_create(cs_target *t, IDispatch **out)
{
    IClassFactory *cf;
    HRESULT hr;

    *out = NULL;
    if (!t->from_dll)
        return CoCreateInstance(&t->clsid, NULL, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER,
                                &IID_IDispatch, (void **)out);
    if (FAILED(hr = cs_dll_factory(&t->dll, &t->clsid, &cf)))
        return hr;
    hr = IClassFactory_CreateInstance(cf, NULL, &IID_IDispatch, (void **)out);
    IClassFactory_Release(cf);
    return hr;
}

/* One instance made and released: the target can be late-bound. Returns
 * CS_EXIT_OK or CS_EXIT_TARGET with err naming what failed. */
static int check_creatable(cs_target *t, char *err, size_t errlen)
{
    IDispatch *disp = NULL;
    char hrs[64];
    HRESULT hr = cs_target_create(t, &disp);

    if (SUCCEEDED(hr)) {
        IDispatch_Release(disp);
        return CS_EXIT_OK;
    }
    hr_text(hr, hrs, sizeof(hrs));
    if (hr == E_NOINTERFACE)
        snprintf(err, errlen, "target '%s' has no IDispatch: it cannot be late-bound (%s)", t->name, hrs);
    else if (t->from_dll && hr == CLASS_E_CLASSNOTAVAILABLE)
        snprintf(err, errlen, "target '%s' is not a class of --dll '%s' (%s)", t->name, t->dll.path, hrs);
    else if (hr == REGDB_E_CLASSNOTREG)
        snprintf(err, errlen, "target '%s' is not registered (%s)", t->name, hrs);
    else
        snprintf(err, errlen, "target '%s' cannot be created (%s): is its DLL present?", t->name, hrs);
    return CS_EXIT_TARGET;
}

/*
 * The class of --dll the user means: --target {CLSID}, a coclass name of
 * its type library or a registered ProgID; with no --target, its only
 * creatable class (several, or none: exit 2 naming them).
 */
static int choose_dll_class(const char *name, cs_target *t, char *err, size_t errlen)
{
    cs_dll_class classes[CS_DLL_MAX_CLASSES];
    char list[1024], clsid[40], why[300];
    WCHAR wclsid[40];
    size_t n = 0, i;
    HRESULT tl = cs_dll_classes(&t->dll, classes, CS_DLL_MAX_CLASSES, &n);

    cs_dll_class_list(classes, n, list, sizeof(list));
    if (!name && n == 1) {
        t->clsid = classes[0].clsid;
        StringFromGUID2(&t->clsid, wclsid, 40);
        WideCharToMultiByte(CP_UTF8, 0, wclsid, -1, clsid, sizeof(clsid), NULL, NULL);
        snprintf(t->label, sizeof(t->label), "%s %s", classes[0].name, clsid);
        t->name = t->label;
        return CS_EXIT_OK;
    }
    if (!name && FAILED(tl))
        snprintf(err, errlen, "--dll '%s': no type library names its classes (%s): give --target {CLSID}",
                 t->dll.path, cs_hresult_text(tl, why, sizeof(why)));
    else if (!name && !n)
        snprintf(err, errlen, "--dll '%s': its type library names no creatable class: give --target {CLSID}",
                 t->dll.path);
    else if (!name)
        snprintf(err, errlen, "--dll '%s': %u creatable classes, choose one with --target: %s", t->dll.path,
                 (unsigned)n, list);
    if (!name)
        return CS_EXIT_USAGE;
    for (i = 0; i < n; i++) {
        if (!_stricmp(classes[i].name, name) || (classes[i].progid[0] && !_stricmp(classes[i].progid, name))) {
            t->clsid = classes[i].clsid;
            return CS_EXIT_OK;
        }
    }
    if (SUCCEEDED(resolve_clsid(name, &t->clsid)))
        return CS_EXIT_OK;
    snprintf(err, errlen, "target '%s' is not a class of --dll '%s' (its classes: %s)", name, t->dll.path,
             n ? list : "none named by a type library");
    return CS_EXIT_TARGET;
}

int cs_target_locate(const char *name, char *path, size_t n)
{
    CLSID clsid;

    path[0] = 0;
    if (FAILED(resolve_clsid(name, &clsid)))
        return -1;
    server_path_of(&clsid, path, n);
    return path[0] ? 0 : -1;
}

int cs_target_open(const char *name, const char *dll, cs_target *t, char *err, size_t errlen)
{
    char hrs[64];
    HRESULT hr;
    int rc;

    memset(t, 0, sizeof(*t));
    t->name = name;
    if (dll) {
        t->from_dll = 1;
        if ((rc = cs_dll_load(dll, &t->dll, err, errlen)) || (rc = choose_dll_class(name, t, err, errlen)))
            return rc;
        snprintf(t->server_path, sizeof(t->server_path), "%s", t->dll.path);
    } else if (FAILED(hr = resolve_clsid(name, &t->clsid))) {
        hr_text(hr, hrs, sizeof(hrs));
        snprintf(err, errlen, "target '%s' is not registered (%s)", name, hrs);
        return CS_EXIT_TARGET;
    }
    if ((rc = check_creatable(t, err, errlen)))
        return rc;
    if (!dll)
        server_path_of(&t->clsid, t->server_path, sizeof(t->server_path));
    open_probe(t);
    return CS_EXIT_OK;
}

void cs_target_close(cs_target *t)
{
    if (t->probe)
        IStressProbe_Release(t->probe);
    t->probe = NULL;
}

void cs_target_sample(cs_target *t, cs_sample *s)
{
    BSTR all;
    LONG live = 0, locks = 0;

    if (!t->probe)
        return;
    all = SysAllocString(L"");
    if (SUCCEEDED(IStressProbe_LiveObjects(t->probe, all, &live)))
        s->v[CS_M_LIVE_OBJECTS] = live;
    if (SUCCEEDED(IStressProbe_get_ServerLocks(t->probe, &locks)))
        s->v[CS_M_SERVER_LOCKS] = locks;
    SysFreeString(all);
}

/* Why the probe refused fault name, in err: its own words (a parameter
 * the fault does not take, or out of its range), else "unknown fault". */
static void fault_refused(const char *name, char *err, size_t errlen)
{
    IErrorInfo *ei = NULL;
    BSTR desc = NULL;
    char *text = NULL;

    if (GetErrorInfo(0, &ei) == S_OK && ei) {
        IErrorInfo_GetDescription(ei, &desc);
        IErrorInfo_Release(ei);
    }
    if (desc && !wcsstr(desc, L"unknown fault"))
        text = cs_narrow(desc);
    if (text)
        snprintf(err, errlen, "--fault: %s (see comstress list faults)", text);
    else
        snprintf(err, errlen, "--fault: unknown fault '%s' (see comstress list faults)", name);
    free(text);
    SysFreeString(desc);
}

HRESULT cs_target_set_fault(cs_target *t, const char *spec, char *err, size_t errlen)
{
    char name[128];
    const char *colon = strchr(spec, ':');
    WCHAR wname[128];
    LONG param = 0;
    BSTR b;
    HRESULT hr;

    if (!t->probe) {
        snprintf(err, errlen, "--fault %s: target '%s' has no comstress probe (faults exist only in the reference server)", spec, t->name);
        return E_FAIL;
    }
    snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
    if (colon)
        param = strtol(colon + 1, NULL, 10);
    MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 128);
    b = SysAllocString(wname);
    hr = IStressProbe_SetFault(t->probe, b, param);
    SysFreeString(b);
    if (FAILED(hr))
        fault_refused(name, err, errlen);
    return hr;
}

char *cs_target_fault_catalogue(cs_target *t)
{
    BSTR text = NULL;
    char *out;
    int n;

    if (!t->probe || FAILED(IStressProbe_get_FaultCatalogue(t->probe, &text)) || !text)
        return NULL;
    n = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
    out = malloc(n > 0 ? n : 1);
    if (out)
        WideCharToMultiByte(CP_UTF8, 0, text, -1, out, n, NULL, NULL);
    SysFreeString(text);
    return out;
}
