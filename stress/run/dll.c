/* A server DLL used without registration; see dll.h. */
#include "dll.h"
#include "paths.h"
#include "phase_text.h"
#include "options.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_dll_load(const char *path, cs_dll *d, char *err, size_t errlen)
{
    WCHAR *wpath = cs_wide_path(path), full[CS_PATH_LEN];
    char why[300], *narrow;
    DWORD n;

    memset(d, 0, sizeof(*d));
    n = wpath ? GetFullPathNameW(wpath, CS_PATH_LEN, full, NULL) : 0;
    free(wpath);
    if (!n || n >= CS_PATH_LEN) {
        snprintf(err, errlen, "--dll '%s': not a usable path", path);
        return CS_EXIT_TARGET;
    }
    if (!(d->module = LoadLibraryExW(full, NULL, LOAD_WITH_ALTERED_SEARCH_PATH))) {
        DWORD code = GetLastError();

        snprintf(err, errlen, "--dll '%s': cannot load it: %s%s", path, cs_win32_text(code, why, sizeof(why)),
                 code != ERROR_BAD_EXE_FORMAT ? "" : sizeof(void *) == 8
                 ? ": not a 64-bit DLL (a 32-bit server needs a 32-bit comstress), or no DLL at all"
                 : ": not a 32-bit DLL (a 64-bit server needs a 64-bit comstress), or no DLL at all");
        return CS_EXIT_TARGET;
    }
    d->get_class_object = (cs_get_class_object_fn)(void *)GetProcAddress(d->module, "DllGetClassObject");
    if (!d->get_class_object) {
        FreeLibrary(d->module);
        d->module = NULL;
        snprintf(err, errlen, "--dll '%s': not an in-process COM server (no DllGetClassObject)", path);
        return CS_EXIT_TARGET;
    }
    if ((narrow = cs_narrow(full))) {
        snprintf(d->path, sizeof(d->path), "%s", narrow);
        free(narrow);
    }
    return CS_EXIT_OK;
}

/* The type library embedded in the DLL (resource 1), not registered.
 * oleaut32 looks a path up in a buffer of the classic 260 characters
 * (Wine's LoadTypeLibEx fails on a longer one, "\\?\" or not): a longer
 * path is given in its short form, whose components are 8.3 names. */
static HRESULT dll_typelib(const cs_dll *d, ITypeLib **out)
{
    WCHAR *wpath = cs_wide_path(d->path), shortp[CS_PATH_LEN], *use;
    HRESULT hr;
    DWORD n;

    *out = NULL;
    if (!wpath)
        return E_OUTOFMEMORY;
    use = wpath;
    if (wcslen(wpath) >= MAX_PATH && (n = GetShortPathNameW(wpath, shortp, CS_PATH_LEN)) && n < CS_PATH_LEN) {
        use = shortp;
        if (!wcsncmp(use, L"\\\\?\\", 4) && n - 4 < MAX_PATH)
            use += 4;                    /* short enough without the long-path prefix */
    }
    hr = LoadTypeLibEx(use, REGKIND_NONE, out);
    free(wpath);
    return hr;
}

/* Fills c from the coclass ti describes; FALSE when it is not creatable. */
static BOOL describe_class(ITypeInfo *ti, cs_dll_class *c)
{
    TYPEATTR *ta;
    BSTR name = NULL, doc = NULL;
    LPOLESTR progid = NULL;
    char *s;
    BOOL creatable;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return FALSE;
    creatable = (ta->wTypeFlags & TYPEFLAG_FCANCREATE) != 0;
    c->clsid = ta->guid;
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    if (!creatable)
        return FALSE;
    c->name[0] = c->progid[0] = c->doc[0] = 0;
    if (SUCCEEDED(ITypeInfo_GetDocumentation(ti, MEMBERID_NIL, &name, &doc, NULL, NULL))) {
        if (name && (s = cs_narrow(name))) {
            snprintf(c->name, sizeof(c->name), "%s", s);
            free(s);
        }
        if (doc && (s = cs_narrow(doc))) {
            snprintf(c->doc, sizeof(c->doc), "%s", s);
            free(s);
        }
    }
    SysFreeString(name);
    SysFreeString(doc);
    if (SUCCEEDED(ProgIDFromCLSID(&c->clsid, &progid)) && progid) {
        if ((s = cs_narrow(progid))) {
            snprintf(c->progid, sizeof(c->progid), "%s", s);
            free(s);
        }
        CoTaskMemFree(progid);
    }
    return TRUE;
}

HRESULT cs_dll_classes(const cs_dll *d, cs_dll_class *out, size_t max, size_t *n)
{
    ITypeLib *tl;
    ITypeInfo *ti;
    TYPEKIND kind;
    UINT i, count;
    HRESULT hr;

    *n = 0;
    if (FAILED(hr = dll_typelib(d, &tl)))
        return hr;
    count = ITypeLib_GetTypeInfoCount(tl);
    for (i = 0; i < count && *n < max; i++) {
        if (FAILED(ITypeLib_GetTypeInfoType(tl, i, &kind)) || kind != TKIND_COCLASS
            || FAILED(ITypeLib_GetTypeInfo(tl, i, &ti)))
            continue;
        if (describe_class(ti, &out[*n]))
            (*n)++;
        ITypeInfo_Release(ti);
    }
    ITypeLib_Release(tl);
    return S_OK;
}

HRESULT cs_dll_class_info(const cs_dll *d, const CLSID *clsid, ITypeInfo **out)
{
    ITypeLib *tl;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = dll_typelib(d, &tl)))
        return hr;
    hr = ITypeLib_GetTypeInfoOfGuid(tl, clsid, out);
    ITypeLib_Release(tl);
    return hr;
}

#define CRASH_LINE_LEN (CS_PATH_LEN + 160)

/* The line told when a DllGetClassObject call crashes: built before the
 * call, per thread, finished by the filter without the C runtime. */
static __thread char *crash_line;
static LPTOP_LEVEL_EXCEPTION_FILTER previous_filter;
static LONG filter_set;

/* Appends s at p, at most up to end; returns the new end. */
static char *append(char *p, const char *s, const char *end)
{
    while (*s && p < end)
        *p++ = *s++;
    return p;
}

/*
 * A crash inside a DllGetClassObject call of this thread: one line
 * naming the DLL and the exception, and the process ends with
 * CS_EXIT_CRASH (Wine would keep only the NTSTATUS's low byte, 5 for an
 * access violation: "output not writable"). Any other crash goes to the
 * filter set before (the phase recorder's, or the system's).
 */
static LONG WINAPI dll_filter(EXCEPTION_POINTERS *ep)
{
    static const char hex[] = "0123456789abcdef";
    char *line = crash_line, *p, *end;
    DWORD code = ep->ExceptionRecord->ExceptionCode, done;
    int i;

    if (!line)
        return previous_filter ? previous_filter(ep) : EXCEPTION_CONTINUE_SEARCH;
    end = line + CRASH_LINE_LEN - 2;
    p = line + strlen(line);
    p = append(p, "0x", end);
    for (i = 7; i >= 0 && p < end; i--)
        *p++ = hex[(code >> (i * 4)) & 0xf];
    p = append(p, " ", end);
    p = append(p, cs_exception_name(code), end);
    *p++ = '\n';
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), line, (DWORD)(p - line), &done, NULL);
    TerminateProcess(GetCurrentProcess(), CS_EXIT_CRASH);
    return EXCEPTION_EXECUTE_HANDLER;
}

HRESULT cs_dll_factory(const cs_dll *d, const CLSID *clsid, IClassFactory **out)
{
    char line[CRASH_LINE_LEN];
    HRESULT hr;

    *out = NULL;
    if (!d->module)
        return CO_E_DLLNOTFOUND;
    if (!InterlockedExchange(&filter_set, 1)) {
        previous_filter = SetUnhandledExceptionFilter(dll_filter);
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    }
    snprintf(line, sizeof(line), "comstress: --dll '%s': crashed in its DllGetClassObject: ", d->path);
    crash_line = line;
    hr = d->get_class_object(clsid, &IID_IClassFactory, (void **)out);
    crash_line = NULL;
    return hr;
}

void cs_dll_class_list(const cs_dll_class *c, size_t n, char *buf, size_t len)
{
    WCHAR wclsid[40];
    char clsid[40];
    size_t i, used = 0;

    buf[0] = 0;
    for (i = 0; i < n && used < len; i++) {
        StringFromGUID2(&c[i].clsid, wclsid, 40);
        WideCharToMultiByte(CP_UTF8, 0, wclsid, -1, clsid, sizeof(clsid), NULL, NULL);
        used += snprintf(buf + used, len - used, "%s%s %s", i ? ", " : "", c[i].name, clsid);
    }
}

void cs_dll_unload(cs_dll *d, int *can_unload, int *unloaded)
{
    HRESULT (WINAPI *can)(void);
    WCHAR *wpath;

    *can_unload = *unloaded = -1;
    if (!d->module)
        return;
    can = (HRESULT (WINAPI *)(void))(void *)GetProcAddress(d->module, "DllCanUnloadNow");
    if (can)
        *can_unload = can() == S_OK;
    if (*can_unload != 1)
        return;
    FreeLibrary(d->module);
    d->module = NULL;
    wpath = cs_wide_path(d->path);
    *unloaded = wpath && GetModuleHandleW(wpath) == NULL;
    free(wpath);
}
