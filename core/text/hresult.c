/*
 * HRESULTs in words (hresult.h).
 */
#include "hresult.h"
#include <string.h>

typedef struct code_words {
    unsigned long code;
    const char *words;
} code_words;

/* Codes a COM client meets, with what they mean for the user's server. */
static const code_words hresults[] = {
    { 0x80004001UL, "not implemented (E_NOTIMPL)" },
    { 0x80004002UL, "no such interface (E_NOINTERFACE)" },
    { 0x80004003UL, "invalid pointer (E_POINTER)" },
    { 0x80004004UL, "operation aborted (E_ABORT)" },
    { 0x80004005UL, "unspecified failure (E_FAIL)" },
    { 0x8000FFFFUL, "unexpected failure (E_UNEXPECTED)" },
    { 0x80070005UL, "access denied (E_ACCESSDENIED)" },
    { 0x80070057UL, "invalid argument (E_INVALIDARG)" },
    { 0x8007000EUL, "out of memory (E_OUTOFMEMORY)" },
    { 0x80070002UL, "file not found" },
    { 0x80070003UL, "path not found" },
    { 0x8007007EUL, "a DLL it needs was not found (the module or one it imports)" },
    { 0x8007007FUL, "an export it needs was not found in the DLL" },
    { 0x80040110UL, "the class does not support aggregation (CLASS_E_NOAGGREGATION)" },
    { 0x80040111UL, "the DLL has no such class (CLASS_E_CLASSNOTAVAILABLE)" },
    { 0x8004015AUL, "the server DLL cannot be found (CO_E_DLLNOTFOUND)" },
    { 0x80040154UL, "the class is not registered (REGDB_E_CLASSNOTREG)" },
    { 0x800401F3UL, "invalid class string: no such ProgID (CO_E_CLASSSTRING)" },
    { 0x800401F0UL, "COM is not initialized on this thread (CO_E_NOTINITIALIZED)" },
    { 0x800401FDUL, "the object is not connected to its server (CO_E_OBJNOTCONNECTED)" },
    { 0x80010105UL, "the server threw an exception (RPC_E_SERVERFAULT)" },
    { 0x80010108UL, "the object was disconnected from its clients (RPC_E_DISCONNECTED)" },
    { 0x8001010EUL, "called from the wrong apartment (RPC_E_WRONG_THREAD)" },
    { 0x80020001UL, "unknown interface (DISP_E_UNKNOWNINTERFACE)" },
    { 0x80020003UL, "member not found (DISP_E_MEMBERNOTFOUND)" },
    { 0x80020004UL, "a required argument is missing (DISP_E_PARAMNOTFOUND)" },
    { 0x80020005UL, "type mismatch (DISP_E_TYPEMISMATCH)" },
    { 0x80020006UL, "unknown name (DISP_E_UNKNOWNNAME)" },
    { 0x80020007UL, "named arguments not accepted (DISP_E_NONAMEDARGS)" },
    { 0x80020008UL, "bad variable type (DISP_E_BADVARTYPE)" },
    { 0x80020009UL, "the member raised an exception (DISP_E_EXCEPTION)" },
    { 0x8002000AUL, "value out of range (DISP_E_OVERFLOW)" },
    { 0x8002000BUL, "index out of range (DISP_E_BADINDEX)" },
    { 0x8002000CUL, "unknown language (DISP_E_UNKNOWNLCID)" },
    { 0x8002000DUL, "the array is locked (DISP_E_ARRAYISLOCKED)" },
    { 0x8002000EUL, "wrong number of arguments (DISP_E_BADPARAMCOUNT)" },
    { 0x8002000FUL, "a required argument was omitted (DISP_E_PARAMNOTOPTIONAL)" },
    { 0x80020010UL, "the object does not accept that call (DISP_E_BADCALLEE)" },
    { 0x80020011UL, "not a collection: no _NewEnum (DISP_E_NOTACOLLECTION)" },
    { 0x80020012UL, "division by zero (DISP_E_DIVBYZERO)" },
    { 0x80028019UL, "an old type library format (TYPE_E_UNSUPFORMAT)" },
    { 0x8002801DUL, "the type library is not registered (TYPE_E_LIBNOTREGISTERED)" },
    { 0x80028027UL, "a type the type library names is not defined (TYPE_E_UNDEFINEDTYPE)" },
    { 0x80028029UL, "the type information is in an invalid state (TYPE_E_INVALIDSTATE)" },
    { 0x8002802AUL, "wrong type kind in the type library (TYPE_E_WRONGTYPEKIND)" },
    { 0x8002802BUL, "no such element in the type library (TYPE_E_ELEMENTNOTFOUND)" },
    { 0x80028CA0UL, "type mismatch (TYPE_E_TYPEMISMATCH)" },
    { 0x8002802FUL, "the DLL function was not found (TYPE_E_DLLFUNCTIONNOTFOUND)" },
    { 0x80029C4AUL, "the type library cannot be loaded (TYPE_E_CANTLOADLIBRARY)" },
    { 0x80029C83UL, "property functions of different types (TYPE_E_INCONSISTENTPROPFUNCS)" },
    { 0x80029C84UL, "a circular type dependency (TYPE_E_CIRCULARTYPE)" },
    { 0x80040112UL, "the class is not licensed (CLASS_E_NOTLICENSED)" },
    { 0x800A01A8UL, "object required (a script error: the value is not an object)" },
};

static const char *lookup(const code_words *t, size_t n, unsigned long code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].words;
    return NULL;
}

const char *cs_hresult_words(unsigned long hr)
{
    return lookup(hresults, sizeof(hresults) / sizeof(hresults[0]), hr & 0xFFFFFFFFUL);
}
