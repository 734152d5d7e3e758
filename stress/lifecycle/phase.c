/* Phase file, result streams and the crash recorder: see phase.h. */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "phase.h"

#define LINE_MAX_BYTES 2048

struct cs_stream {
    HANDLE file;
    CRITICAL_SECTION cs;
    char line[LINE_MAX_BYTES + 2];
};

cs_stream *cs_stream_open(const char *path)
{
    cs_stream *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->file = cs_open_file(path, FILE_APPEND_DATA | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           CREATE_ALWAYS, 0, FALSE);
    if (s->file == INVALID_HANDLE_VALUE) {
        free(s);
        return NULL;
    }
    InitializeCriticalSection(&s->cs);
    return s;
}

/* Writes bytes as one record and forces them to disk: a watchdog may kill
 * the process right after, and what it reads must be complete. */
static int write_flush(HANDLE file, const char *buf, size_t len)
{
    DWORD done = 0;

    if (!WriteFile(file, buf, (DWORD)len, &done, NULL) || done != len)
        return -1;
    FlushFileBuffers(file);
    return 0;
}

/* Formats "prefix" + fmt into the stream's line buffer and writes it. */
static int stream_vwrite(cs_stream *s, const char *prefix, const char *fmt, va_list ap)
{
    size_t used;
    int n, rc;

    if (!s)
        return -1;
    EnterCriticalSection(&s->cs);
    used = strlen(prefix);
    memcpy(s->line, prefix, used);
    n = vsnprintf(s->line + used, LINE_MAX_BYTES - used, fmt, ap);
    if (n < 0)  /* an old-style vsnprintf that only says "truncated" */
        n = LINE_MAX_BYTES;
    used += (size_t)n < LINE_MAX_BYTES - used ? (size_t)n : LINE_MAX_BYTES - used - 1;
    s->line[used++] = '\n';
    rc = write_flush(s->file, s->line, used);
    LeaveCriticalSection(&s->cs);
    return rc;
}

int cs_stream_printf(cs_stream *s, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = stream_vwrite(s, "", fmt, ap);
    va_end(ap);
    return rc;
}

void cs_stream_close(cs_stream *s)
{
    if (!s)
        return;
    CloseHandle(s->file);
    DeleteCriticalSection(&s->cs);
    free(s);
}

/* ---- the process's phase file and crash recorder ---- */

static cs_stream *phase_stream;
static HANDLE phase_file = INVALID_HANDLE_VALUE;  /* for the crash path */
static LONG exception_recorded;
static PVOID vectored;
static char crash_hint[512];   /* told on stderr after a crash, if set */
static UINT crash_exit_code;   /* then the process ends with this code */

/* Appends "0x" and 16 (or 8) hex digits; no CRT, usable while crashing. */
static char *put_hex(char *p, ULONG64 v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    int i;

    *p++ = '0';
    *p++ = 'x';
    for (i = digits - 1; i >= 0; i--)
        *p++ = hex[(v >> (i * 4)) & 0xf];
    return p;
}

static char *put_str(char *p, const char *s, const char *end)
{
    while (*s && p < end)
        *p++ = *s++;
    return p;
}

/* One line on stderr for the user: "comstress: crashed: <exception>;
 * <hint>". No CRT: WriteFile on the raw handle. */
static void tell_crash(const char *what, size_t len)
{
    static char line[1024];
    char *p = line, *end = line + sizeof(line) - 2;
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD done;

    p = put_str(p, "comstress: crashed: ", end);
    while (len-- && p < end)
        *p++ = *what++;
    p = put_str(p, "; ", end);
    p = put_str(p, crash_hint, end);
    *p++ = '\n';
    if (err && err != INVALID_HANDLE_VALUE)
        WriteFile(err, line, (DWORD)(p - line), &done, NULL);
}

/*
 * Writes the exception record line once per process. Runs on the faulting
 * thread, maybe with a corrupt heap or an almost empty stack: static
 * buffer, no locks, no CRT, only WriteFile and FlushFileBuffers.
 */
static void record_exception(const EXCEPTION_RECORD *rec, const char *how)
{
    static char buf[256];
    char *p = buf, *end = buf + sizeof(buf) - 2;

    if (phase_file == INVALID_HANDLE_VALUE || InterlockedExchange(&exception_recorded, 1))
        return;
    p = put_str(p, "exception ", end);
    p = put_hex(p, rec->ExceptionCode, 8);
    p = put_str(p, " ", end);
    p = put_str(p, cs_exception_name(rec->ExceptionCode), end);
    p = put_str(p, " at ", end);
    p = put_hex(p, (ULONG64)(ULONG_PTR)rec->ExceptionAddress, 16);
    if (rec->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && rec->NumberParameters >= 2) {
        /* Executing a freed address is the signature of a thread still
         * running code of a DLL that was unloaded under it. */
        ULONG_PTR kind = rec->ExceptionInformation[0];
        p = put_str(p, kind == 8 ? " executing " : kind == 1 ? " writing " : " reading ", end);
        p = put_hex(p, (ULONG64)rec->ExceptionInformation[1], 16);
    }
    p = put_str(p, " (", end);
    p = put_str(p, how, end);
    p = put_str(p, ")", end);
    *p++ = '\n';
    write_flush(phase_file, buf, (size_t)(p - buf));
    if (crash_hint[0]) {
        tell_crash(buf + 10, (size_t)(p - buf) - 11);
        /* Wine keeps only the low byte of the NTSTATUS (0xc0000005 -> 5),
         * which callers could mistake for another error: end with our own. */
        TerminateProcess(GetCurrentProcess(), crash_exit_code);
    }
}

void cs_phase_exception(unsigned long code, const char *where)
{
    EXCEPTION_RECORD rec;
    UINT exit_code = crash_exit_code;
    char hint[512];

    memset(&rec, 0, sizeof(rec));
    rec.ExceptionCode = code;
    /* Recorded and told like an unhandled one, but the process is ours to
     * end: the caller writes its reports first. */
    memcpy(hint, crash_hint, sizeof(hint));
    crash_hint[0] = 0;
    record_exception(&rec, where);
    memcpy(crash_hint, hint, sizeof(hint));
    crash_exit_code = exit_code;
}

static LONG WINAPI unhandled_filter(EXCEPTION_POINTERS *ep)
{
    record_exception(ep->ExceptionRecord, "unhandled");
    return EXCEPTION_CONTINUE_SEARCH;
}

/* Stack overflow only: the unhandled filter may never get a stack to run
 * on. Other codes are left to the filter, since first-chance exceptions
 * are often handled (RPC, C++ throw) and must not be mistaken for crashes. */
static LONG WINAPI vectored_handler(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode == EXCEPTION_STACK_OVERFLOW)
        record_exception(ep->ExceptionRecord, "first chance");
    return EXCEPTION_CONTINUE_SEARCH;
}

int cs_phase_open(const char *path)
{
    cs_stream *s = cs_stream_open(path), *old = phase_stream;

    phase_stream = s;
    phase_file = s ? s->file : INVALID_HANDLE_VALUE;
    cs_stream_close(old);
    exception_recorded = 0;
    SetUnhandledExceptionFilter(unhandled_filter);
    if (!vectored)
        vectored = AddVectoredExceptionHandler(1, vectored_handler);
    /* No crash dialog, no debugger prompt: the watchdog reads the file. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    return s ? 0 : -1;
}

void cs_phase_crash_hint(const char *text, unsigned exit_code)
{
    crash_exit_code = exit_code;
    size_t n = text ? strlen(text) : 0;

    if (n >= sizeof(crash_hint))
        n = sizeof(crash_hint) - 1;
    memcpy(crash_hint, text ? text : "", n);
    crash_hint[n] = 0;
}

#define PHASE_WRITER(fn, prefix) \
void fn(const char *fmt, ...) \
{ \
    va_list ap; \
    va_start(ap, fmt); \
    stream_vwrite(phase_stream, prefix, fmt, ap); \
    va_end(ap); \
}

PHASE_WRITER(cs_phase_set, "phase ")
PHASE_WRITER(cs_phase_note, "note ")
PHASE_WRITER(cs_phase_summary, "summary ")

void cs_phase_end(const char *status)
{
    if (!phase_stream)
        return;
    cs_stream_printf(phase_stream, "end %s", status);
    phase_file = INVALID_HANDLE_VALUE;
    cs_stream_close(phase_stream);
    phase_stream = NULL;
}
