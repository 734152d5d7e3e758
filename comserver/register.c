/*
 * DllRegisterServer / DllUnregisterServer: CLSID and ProgID keys under
 * HKEY_CLASSES_ROOT and the embedded type library (registered so that the
 * typelib marshaller serves IStressTarget and IStressProbe across
 * apartments).
 */
#include "classes.h"

#include <stdio.h>

/* Sets a string value (name NULL: the key's default) under root\path. */
static HRESULT set_string(HKEY root, const WCHAR *path, const WCHAR *name, const WCHAR *value)
{
    HKEY key;
    LONG err = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);

    if (err == ERROR_SUCCESS) {
        err = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                             (DWORD)((lstrlenW(value) + 1) * sizeof(WCHAR)));
        RegCloseKey(key);
    }
    return HRESULT_FROM_WIN32(err);
}

/* Writes CLSID\{clsid} and ProgID keys for one class. */
static HRESULT register_class(const cs_class_info *info, const WCHAR *dll, const WCHAR *libid)
{
    WCHAR clsid[40], key[80];
    HRESULT hr;

    StringFromGUID2(info->clsid, clsid, ARRAY_SIZE(clsid));
    _snwprintf(key, ARRAY_SIZE(key), L"CLSID\\%ls", clsid);
    if (FAILED(hr = set_string(HKEY_CLASSES_ROOT, key, NULL, info->description)))
        return hr;
    _snwprintf(key, ARRAY_SIZE(key), L"CLSID\\%ls\\InprocServer32", clsid);
    if (FAILED(hr = set_string(HKEY_CLASSES_ROOT, key, NULL, dll))
        || FAILED(hr = set_string(HKEY_CLASSES_ROOT, key, L"ThreadingModel", L"Both")))
        return hr;
    _snwprintf(key, ARRAY_SIZE(key), L"CLSID\\%ls\\ProgID", clsid);
    if (FAILED(hr = set_string(HKEY_CLASSES_ROOT, key, NULL, info->progid)))
        return hr;
    if (info->typed) {
        _snwprintf(key, ARRAY_SIZE(key), L"CLSID\\%ls\\TypeLib", clsid);
        if (FAILED(hr = set_string(HKEY_CLASSES_ROOT, key, NULL, libid)))
            return hr;
    }
    if (FAILED(hr = set_string(HKEY_CLASSES_ROOT, info->progid, NULL, info->description)))
        return hr;
    _snwprintf(key, ARRAY_SIZE(key), L"%ls\\CLSID", info->progid);
    return set_string(HKEY_CLASSES_ROOT, key, NULL, clsid);
}

/* Deletes a key tree; a key that is already gone is not an error. */
static HRESULT delete_tree(const WCHAR *path)
{
    LONG err = RegDeleteTreeW(HKEY_CLASSES_ROOT, path);

    if (err == ERROR_SUCCESS || err == ERROR_FILE_NOT_FOUND)
        return S_OK;
    return HRESULT_FROM_WIN32(err);
}

HRESULT WINAPI DllRegisterServer(void)
{
    WCHAR dll[MAX_PATH], libid[40];
    ITypeLib *typelib;
    HRESULT hr;
    size_t i;

    if (!cs_module_path(dll, ARRAY_SIZE(dll)))
        return HRESULT_FROM_WIN32(GetLastError());
    StringFromGUID2(&LIBID_ComStressLib, libid, ARRAY_SIZE(libid));
    for (i = 0; i < CS_CLASS_COUNT; i++)
        if (cs_classes[i].clsid && FAILED(hr = register_class(&cs_classes[i], dll, libid)))
            return hr;
    if (FAILED(hr = LoadTypeLibEx(dll, REGKIND_NONE, &typelib)))
        return hr;
    hr = RegisterTypeLib(typelib, dll, NULL);
    ITypeLib_Release(typelib);
    return hr;
}

/* Removes everything DllRegisterServer wrote; keeps going after a failure
 * and returns the first one. */
HRESULT WINAPI DllUnregisterServer(void)
{
    WCHAR clsid[40], key[80];
    HRESULT hr = S_OK, hr2;
    size_t i;

    for (i = 0; i < CS_CLASS_COUNT; i++) {
        if (!cs_classes[i].clsid)
            continue;
        StringFromGUID2(cs_classes[i].clsid, clsid, ARRAY_SIZE(clsid));
        _snwprintf(key, ARRAY_SIZE(key), L"CLSID\\%ls", clsid);
        if (FAILED(hr2 = delete_tree(key)) && SUCCEEDED(hr))
            hr = hr2;
        if (FAILED(hr2 = delete_tree(cs_classes[i].progid)) && SUCCEEDED(hr))
            hr = hr2;
    }
    hr2 = UnRegisterTypeLib(&LIBID_ComStressLib, 1, 0, LOCALE_NEUTRAL, SYS_WIN64);
    if (FAILED(hr2) && hr2 != TYPE_E_REGISTRYACCESS && SUCCEEDED(hr))
        hr = hr2;
    return hr;
}
