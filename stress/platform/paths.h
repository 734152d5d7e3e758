/*
 * UTF-8 in, the wide API out: every path, command line and message that
 * crosses to Windows goes through here, so no text is read or written
 * through the ANSI code page (which turns 'é日本' into 'é??'). Paths
 * longer than the classic 260 characters get the \\?\ form when absolute.
 */
#ifndef CS_PATHS_H
#define CS_PATHS_H

#include <windows.h>
#include <stddef.h>

/* The wide form of a UTF-8 string (malloc'd), or NULL when s is not valid
 * UTF-8 or memory runs out. */
WCHAR *cs_wide(const char *s);

/* The wide form of a UTF-8 path (malloc'd): as cs_wide, with the \\?\
 * prefix (and '\' separators) for an absolute path over 247 characters. */
WCHAR *cs_wide_path(const char *path);

/* The UTF-8 form of a wide string (malloc'd); NULL when memory runs out. */
char *cs_narrow(const WCHAR *w);

/* This process's command line as UTF-8 words (from GetCommandLineW), for
 * main(): *argc and a NULL-terminated vector, never freed. NULL when it
 * cannot be read. */
char **cs_utf8_argv(int *argc);

/* Creates every missing directory of a UTF-8 path ('/' or '\'). Returns 0
 * when the directory exists afterwards, -1 with GetLastError() set. */
int cs_make_dirs(const char *path);

/* CreateFileW on a UTF-8 path; INVALID_HANDLE_VALUE on failure
 * (GetLastError() set, ERROR_NO_UNICODE_TRANSLATION for bad UTF-8). */
HANDLE cs_open_file(const char *path, DWORD access, DWORD share, DWORD disposition,
                    DWORD flags, BOOL inheritable);

/* GetFileAttributesW on a UTF-8 path (INVALID_FILE_ATTRIBUTES: absent). */
DWORD cs_file_attributes(const char *path);

/* DeleteFileW on a UTF-8 path. */
BOOL cs_delete_file(const char *path);

/* This program's full path as UTF-8 into buf (size n). Returns 0 or -1. */
int cs_self_path(char *buf, size_t n);

/* "text of the error (error N)" for a Win32 error code, in UTF-8, from
 * FormatMessageW; "error N" when Windows has no text. Returns buf. */
char *cs_win32_text(DWORD code, char *buf, size_t n);

/* The same for an HRESULT: "text (0x8007000e)". Returns buf. */
char *cs_hresult_text(HRESULT hr, char *buf, size_t n);

#endif
