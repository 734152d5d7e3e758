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
 * the counters of another server would describe the wrong thing. */
static void open_probe(cs_target *t)
{
    char probe_path[CS_PATH_LEN];

    t->probe = NULL;
    server_path_of(&CLSID_StressProbe, probe_path, sizeof(probe_path));
    if (!t->server_path[0] || !probe_path[0] || _stricmp(probe_path, t->server_path))
        return;
    if (FAILED(CoCreateInstance(&CLSID_StressProbe, NULL, CLSCTX_INPROC_SERVER,
                                &IID_IStressProbe, (void **)&t->probe)))
        t->probe = NULL;
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

HRESULT cs_target_open(const char *name, cs_target *t, char *err, size_t errlen)
{
    IUnknown *unk = NULL;
    char hrs[64];
    HRESULT hr;

    memset(t, 0, sizeof(*t));
    t->name = name;
    if (FAILED(hr = resolve_clsid(name, &t->clsid))) {
        hr_text(hr, hrs, sizeof(hrs));
        snprintf(err, errlen, "target '%s' is not registered (%s)", name, hrs);
        return hr;
    }
    hr = CoCreateInstance(&t->clsid, NULL, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER,
                          &IID_IDispatch, (void **)&unk);
    if (FAILED(hr)) {
        hr_text(hr, hrs, sizeof(hrs));
        if (hr == E_NOINTERFACE)
            snprintf(err, errlen, "target '%s' has no IDispatch: it cannot be late-bound (%s)", name, hrs);
        else if (hr == REGDB_E_CLASSNOTREG)
            snprintf(err, errlen, "target '%s' is not registered (%s)", name, hrs);
        else
            snprintf(err, errlen, "target '%s' cannot be created (%s): is its DLL present?", name, hrs);
        return hr;
    }
    IUnknown_Release(unk);
    server_path_of(&t->clsid, t->server_path, sizeof(t->server_path));
    open_probe(t);
    return S_OK;
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
        snprintf(err, errlen, "--fault: unknown fault '%s' (see comstress list faults)", name);
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
