/* The context block of run.json: when, where, on what, with which build
 * and which heap mode. */
#include "context.h"
#include "paths.h"
#include "heapmode.h"
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "Wine 8.0" when ntdll exports wine_get_version, else the Windows
 * version from RtlGetVersion (GetVersionEx lies to unmanifested programs). */
static void os_version(char *buf, size_t len)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    const char *(CDECL *wine_version)(void) =
        (void *)GetProcAddress(ntdll, "wine_get_version");
    LONG (WINAPI *rtl_version)(OSVERSIONINFOW *) = (void *)GetProcAddress(ntdll, "RtlGetVersion");
    OSVERSIONINFOW vi = { sizeof(vi) };

    if (wine_version) {
        snprintf(buf, len, "Wine %s", wine_version());
        return;
    }
    if (rtl_version && rtl_version(&vi) == 0)
        snprintf(buf, len, "Windows %lu.%lu.%lu", vi.dwMajorVersion, vi.dwMinorVersion, vi.dwBuildNumber);
    else
        snprintf(buf, len, "Windows");
}

/* Local time in ISO 8601 with the UTC offset. */
static void iso_date(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm lt;
    TIME_ZONE_INFORMATION tz;
    DWORD mode = GetTimeZoneInformation(&tz);
    long bias = -(long)tz.Bias;

    if (mode == TIME_ZONE_ID_DAYLIGHT)
        bias -= tz.DaylightBias;
    localtime_s(&lt, &now);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
             lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec,
             bias < 0 ? '-' : '+', labs(bias) / 60, labs(bias) % 60);
}

/* argv joined with spaces, words with spaces or quotes quoted. */
static void join_args(int argc, char **argv, char *buf, size_t len)
{
    size_t used = 0;
    int i;

    buf[0] = 0;
    for (i = 0; i < argc && used + 1 < len; i++) {
        int quote = strpbrk(argv[i], " \t'\"") != NULL || !argv[i][0];
        used += snprintf(buf + used, len - used, i ? (quote ? " \"%s\"" : " %s") : (quote ? "\"%s\"" : "%s"),
                         i ? argv[i] : "comstress");
        if (used >= len)
            used = len - 1;
    }
}

void cs_context_fill(cs_context_store *st, int argc, char **argv)
{
    WCHAR host[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = sizeof(host) / sizeof(host[0]);
    char *h;

    iso_date(st->date, sizeof(st->date));
    strcpy(st->host, "unknown");
    if (GetComputerNameW(host, &n) && (h = cs_narrow(host))) {
        snprintf(st->host, sizeof(st->host), "%s", h);
        free(h);
    }
    os_version(st->os, sizeof(st->os));
    join_args(argc, argv, st->cmdline, sizeof(st->cmdline));
    st->ctx.date = st->date;
    st->ctx.host = st->host;
    st->ctx.os_version = st->os;
    st->ctx.build_type = COMSTRESS_BUILD_TYPE;
    st->ctx.version = COMSTRESS_VERSION;
    st->ctx.command_line = st->cmdline;
    st->ctx.heap_mode = cs_heap_mode_name();
    st->ctx.heap_walk = NULL;                /* the run sets it; unknown to report DIR */
    st->ctx.harness_heap_bytes = -1;         /* likewise */
}
