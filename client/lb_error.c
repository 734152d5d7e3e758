/* Error lines of the late-binding layer: one readable line per failure. */
#include "lb_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct { HRESULT hr; const char *name, *text; } hr_table[] = {
    { DISP_E_UNKNOWNINTERFACE, "DISP_E_UNKNOWNINTERFACE", "unknown interface" },
    { DISP_E_MEMBERNOTFOUND,   "DISP_E_MEMBERNOTFOUND",   "member not found" },
    { DISP_E_PARAMNOTFOUND,    "DISP_E_PARAMNOTFOUND",    "parameter not found" },
    { DISP_E_TYPEMISMATCH,     "DISP_E_TYPEMISMATCH",     "type mismatch" },
    { DISP_E_UNKNOWNNAME,      "DISP_E_UNKNOWNNAME",      "no such member" },
    { DISP_E_NONAMEDARGS,      "DISP_E_NONAMEDARGS",      "named arguments not supported" },
    { DISP_E_BADVARTYPE,       "DISP_E_BADVARTYPE",       "bad variant type" },
    { DISP_E_EXCEPTION,        "DISP_E_EXCEPTION",        "exception" },
    { DISP_E_OVERFLOW,         "DISP_E_OVERFLOW",         "overflow" },
    { DISP_E_BADINDEX,         "DISP_E_BADINDEX",         "bad index" },
    { DISP_E_UNKNOWNLCID,      "DISP_E_UNKNOWNLCID",      "unknown locale" },
    { DISP_E_ARRAYISLOCKED,    "DISP_E_ARRAYISLOCKED",    "array is locked" },
    { DISP_E_BADPARAMCOUNT,    "DISP_E_BADPARAMCOUNT",    "wrong number of arguments" },
    { DISP_E_PARAMNOTOPTIONAL, "DISP_E_PARAMNOTOPTIONAL", "parameter not optional" },
    { DISP_E_BADCALLEE,        "DISP_E_BADCALLEE",        "bad callee" },
    { DISP_E_NOTACOLLECTION,   "DISP_E_NOTACOLLECTION",   "not a collection" },
    { DISP_E_DIVBYZERO,        "DISP_E_DIVBYZERO",        "division by zero" },
    { E_INVALIDARG,            "E_INVALIDARG",            "invalid argument" },
    { E_NOINTERFACE,           "E_NOINTERFACE",           "interface not supported" },
    { E_NOTIMPL,               "E_NOTIMPL",               "not implemented" },
    { E_OUTOFMEMORY,           "E_OUTOFMEMORY",           "out of memory" },
    { E_POINTER,               "E_POINTER",               "invalid pointer" },
    { E_FAIL,                  "E_FAIL",                  "unspecified failure" },
    { E_UNEXPECTED,            "E_UNEXPECTED",            "unexpected failure" },
    { E_ACCESSDENIED,          "E_ACCESSDENIED",          "access denied" },
    { RPC_E_DISCONNECTED,      "RPC_E_DISCONNECTED",      "object disconnected from its clients" },
    { RPC_E_WRONG_THREAD,      "RPC_E_WRONG_THREAD",      "called from the wrong thread" },
    { CO_E_NOTINITIALIZED,     "CO_E_NOTINITIALIZED",     "COM not initialized" },
    { REGDB_E_CLASSNOTREG,     "REGDB_E_CLASSNOTREG",     "class not registered" },
    { CO_E_CLASSSTRING,        "CO_E_CLASSSTRING",        "not a known ProgID or CLSID" },
    { CLASS_E_CLASSNOTAVAILABLE, "CLASS_E_CLASSNOTAVAILABLE", "class not served by the DLL" },
    { CO_E_ERRORINDLL,         "CO_E_ERRORINDLL",         "error in the server DLL" },
    { CO_E_DLLNOTFOUND,        "CO_E_DLLNOTFOUND",        "server DLL not found" },
    { HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND), "ERROR_MOD_NOT_FOUND", "module not found" },
    { HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "ERROR_FILE_NOT_FOUND", "file not found" },
    { CLASS_E_NOAGGREGATION,   "CLASS_E_NOAGGREGATION",   "aggregation not supported" },
    { TYPE_E_ELEMENTNOTFOUND,  "TYPE_E_ELEMENTNOTFOUND",  "element not found" },
    { TYPE_E_LIBNOTREGISTERED, "TYPE_E_LIBNOTREGISTERED", "type library not registered" },
};

const char *lb_hr_name(HRESULT hr)
{
    size_t i;

    for (i = 0; i < sizeof(hr_table) / sizeof(hr_table[0]); i++)
        if (hr_table[i].hr == hr)
            return hr_table[i].name;
    return NULL;
}

const char *lb_hr_text(HRESULT hr)
{
    size_t i;

    for (i = 0; i < sizeof(hr_table) / sizeof(hr_table[0]); i++)
        if (hr_table[i].hr == hr)
            return hr_table[i].text;
    return "failed";
}

/* Appends " (NAME, 0xHR)" or " (0xHR)" to buf. */
static void append_hr(char *buf, size_t size, HRESULT hr)
{
    size_t used = strlen(buf);
    const char *name = lb_hr_name(hr);

    if (used >= size)
        return;
    if (name)
        snprintf(buf + used, size - used, " (%s, 0x%08lx)", name, (unsigned long)hr);
    else
        snprintf(buf + used, size - used, " (0x%08lx)", (unsigned long)hr);
}

void lb_error_set(lb_error *err, HRESULT hr, const char *member, const char *fmt, ...)
{
    char detail[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    err->hr = hr;
    snprintf(err->message, sizeof(err->message), "%s: %s", member, detail);
    append_hr(err->message, sizeof(err->message), hr);
}

/* UTF-8 copy of a BSTR, trailing blanks and line breaks removed. */
static void bstr_to_utf8(BSTR s, char *out, int size)
{
    int n;

    out[0] = 0;
    if (!s || !*s)
        return;
    n = WideCharToMultiByte(CP_UTF8, 0, s, -1, out, size, NULL, NULL);
    if (n <= 0)
        out[size - 1] = 0;
    n = (int)strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' || out[n - 1] == '.'))
        out[--n] = 0;
}

void lb_error_rich(lb_error *err, HRESULT hr, const char *member, BSTR source, BSTR description)
{
    char src[128], desc[300];

    bstr_to_utf8(source, src, sizeof(src));
    bstr_to_utf8(description, desc, sizeof(desc));
    if (!desc[0])
        snprintf(desc, sizeof(desc), "%s", lb_hr_text(hr));
    if (src[0])
        lb_error_set(err, hr, member, "%s: %s", src, desc);
    else
        lb_error_set(err, hr, member, "%s", desc);
}

void lb_error_from_errorinfo(lb_error *err, HRESULT hr, const char *member)
{
    IErrorInfo *ei = NULL;
    BSTR source = NULL, description = NULL;

    if (GetErrorInfo(0, &ei) == S_OK && ei) {
        IErrorInfo_GetSource(ei, &source);
        IErrorInfo_GetDescription(ei, &description);
        IErrorInfo_Release(ei);
    }
    lb_error_rich(err, hr, member, source, description);
    SysFreeString(source);
    SysFreeString(description);
}
