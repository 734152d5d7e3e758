/*
 * HRESULTs in words. Wine's FormatMessage knows few of the COM, automation
 * and type-library codes a late-binding client meets (it prints nothing
 * for TYPE_E_CANTLOADLIBRARY): this table says them first, in the words a
 * user can act on (stress/platform/paths.c asks it before the system).
 * Pure.
 */
#ifndef CS_HRESULT_H
#define CS_HRESULT_H

/* The words for an HRESULT (or an HRESULT_FROM_WIN32 of a Win32 code), or
 * NULL when the table has none. */
const char *cs_hresult_words(unsigned long hr);

#endif
