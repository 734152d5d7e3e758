/* UTF-8 paths and text on the wide API: see paths.h. */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "hresult.h"
#include "utf8.h"

WCHAR *cs_wide(const char *s)
{
    return (WCHAR *)cs_utf8_to_utf16(s, NULL);
}

char *cs_narrow(const WCHAR *w)
{
    return cs_utf16_to_utf8((const uint16_t *)w);
}

WCHAR *cs_wide_path(const char *path)
{
    WCHAR *w = cs_wide(path), *p;
    size_t n, i;

    if (!w)
        return NULL;
    n = wcslen(w);
    if (n < 248 || !(n > 2 && w[1] == L':' && (w[2] == L'/' || w[2] == L'\\')))
        return w;
    if ((p = malloc((n + 5) * sizeof(*p)))) {
        memcpy(p, L"\\\\?\\", 4 * sizeof(*p));
        for (i = 0; i <= n; i++)
            p[4 + i] = w[i] == L'/' ? L'\\' : w[i];
    }
    free(w);
    return p;
}

char **cs_utf8_argv(int *argc)
{
    LPWSTR *wargv = CommandLineToArgvW(GetCommandLineW(), argc);
    char **argv;
    int i;

    if (!wargv || !(argv = calloc((size_t)*argc + 1, sizeof(*argv))))
        return NULL;
    for (i = 0; i < *argc; i++)
        if (!(argv[i] = cs_narrow(wargv[i])))
            return NULL;
    LocalFree(wargv);
    return argv;
}

int cs_make_dirs(const char *path)
{
    WCHAR *w = cs_wide_path(path);
    size_t i, n, first = 1;
    DWORD attr, made = 0;       /* why the last CreateDirectory failed */

    if (!w) {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return -1;
    }
    n = wcslen(w);
    if (!wcsncmp(w, L"\\\\?\\", 4))
        first = 7;                    /* after \\?\X:\ */
    for (i = first; i <= n; i++) {
        if (w[i] == L'/' || w[i] == L'\\' || w[i] == 0) {
            WCHAR c = w[i];
            w[i] = 0;
            if ((i > 2 || w[1] != L':') && !CreateDirectoryW(w, NULL)
                && GetLastError() != ERROR_ALREADY_EXISTS)
                made = GetLastError();
            w[i] = c;
        }
    }
    attr = GetFileAttributesW(w);
    free(w);
    if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
        /* the reason is CreateDirectory's (a read-only place says so),
         * not the "file not found" of looking for what it did not make */
        SetLastError(attr != INVALID_FILE_ATTRIBUTES ? ERROR_DIRECTORY : made ? made : ERROR_PATH_NOT_FOUND);
        return -1;
    }
    return 0;
}

HANDLE cs_open_file(const char *path, DWORD access, DWORD share, DWORD disposition,
                    DWORD flags, BOOL inheritable)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, inheritable };
    WCHAR *w = cs_wide_path(path);
    HANDLE h;

    if (!w) {
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
        return INVALID_HANDLE_VALUE;
    }
    h = CreateFileW(w, access, share, &sa, disposition, flags ? flags : FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    return h;
}

DWORD cs_file_attributes(const char *path)
{
    WCHAR *w = cs_wide_path(path);
    DWORD attr = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;

    free(w);
    return attr;
}

BOOL cs_delete_file(const char *path)
{
    WCHAR *w = cs_wide_path(path);
    BOOL ok = w && DeleteFileW(w);

    free(w);
    return ok;
}

int cs_self_path(char *buf, size_t n)
{
    WCHAR w[32768];
    DWORD len = GetModuleFileNameW(NULL, w, sizeof(w) / sizeof(w[0]));
    char *s;
    int rc = -1;

    if (len == 0 || len >= sizeof(w) / sizeof(w[0]) || !(s = cs_narrow(w)))
        return -1;
    if (strlen(s) < n) {
        strcpy(buf, s);
        rc = 0;
    }
    free(s);
    return rc;
}

/* text into buf with the inserts FormatMessage leaves ("%1", ...: the
 * system's texts expect a caller to name the file) said in words. */
static void fill_inserts(const char *text, char *buf, size_t n)
{
    size_t used = 0;

    while (*text && used + 1 < n) {
        if (text[0] == '%' && text[1] >= '1' && text[1] <= '9') {
            used += (size_t)snprintf(buf + used, n - used, "the file");
            text += 2;
            continue;
        }
        buf[used++] = *text++;
    }
    if (used >= n)
        used = n - 1;
    buf[used] = 0;
}

/* Words for the COM codes Wine's system has no text for (hresult.h). */
static const char *com_text(DWORD code)
{
    return cs_hresult_words((unsigned long)code);
}

/* FormatMessageW's text for code, trimmed of its line end and full stop,
 * its inserts in words, into buf; 0 when Windows has none. */
static int system_text(DWORD code, char *buf, size_t n)
{
    WCHAR *w = NULL;
    char *s;
    size_t len;

    if (!FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM
                        | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, (LPWSTR)&w, 0, NULL) || !w)
        return 0;
    s = cs_narrow(w);
    LocalFree(w);
    if (!s)
        return 0;
    len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '.'))
        s[--len] = 0;
    fill_inserts(s, buf, n);
    free(s);
    return len > 0;
}

char *cs_win32_text(DWORD code, char *buf, size_t n)
{
    char text[512];

    if (system_text(code, text, sizeof(text)))
        snprintf(buf, n, "%s (error %lu)", text, (unsigned long)code);
    else
        snprintf(buf, n, "error %lu", (unsigned long)code);
    return buf;
}

char *cs_hresult_text(HRESULT hr, char *buf, size_t n)
{
    char text[512];

    if (com_text((DWORD)hr))
        snprintf(buf, n, "%s, 0x%08lx", com_text((DWORD)hr), (unsigned long)hr);
    else if (system_text((DWORD)hr, text, sizeof(text)))
        snprintf(buf, n, "%s (0x%08lx)", text, (unsigned long)hr);
    else
        snprintf(buf, n, "0x%08lx", (unsigned long)hr);
    return buf;
}
