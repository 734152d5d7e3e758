/*
 * HRESULTs and Win32 error codes in words. Wine's FormatMessage knows few
 * of the COM, automation and type-library codes a late-binding client
 * meets (it prints nothing for TYPE_E_CANTLOADLIBRARY), and some of its
 * texts keep their insert placeholders ("Bad EXE format for %1"): this
 * table says them first, in the words a user can act on. Pure.
 */
#ifndef CS_HRESULT_H
#define CS_HRESULT_H

/* The words for an HRESULT (or an HRESULT_FROM_WIN32 of a Win32 code), or
 * NULL when the table has none. */
const char *cs_hresult_words(unsigned long hr);

/* The words for a Win32 error code, or NULL when the table has none. */
const char *cs_win32_words(unsigned long code);

/* Removes FormatMessage insert placeholders ("%1" ... "%9", with the word
 * "for" or "of" before them) from s, in place: "Bad EXE format for %1."
 * becomes "Bad EXE format.". Returns s. */
char *cs_strip_inserts(char *s);

#endif
