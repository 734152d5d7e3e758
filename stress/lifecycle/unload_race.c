/*
 * The unload-race scenario: one thread creates and releases objects of the
 * target while another calls CoFreeUnusedLibrariesEx(0, 0) over and over
 * (docs/lifecycle.md). Split from lifecycle.c, which runs it.
 */
#include <windows.h>
#include <objbase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "life_dll.h"
#include "phase.h"
#include "paths.h"

struct race {
    CLSID clsid;
    volatile LONG stop;
    volatile LONG creates, failures, frees;
    volatile LONG first_failure;
};

static DWORD WINAPI race_creator(void *p)
{
    struct race *r = p;
    IUnknown *unk;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    while (!r->stop) {
        unk = NULL;
        hr = CoCreateInstance(&r->clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
        if (SUCCEEDED(hr)) {
            IUnknown_Release(unk);
            InterlockedIncrement(&r->creates);
        } else {
            InterlockedCompareExchange(&r->first_failure, hr, 0);
            InterlockedIncrement(&r->failures);
        }
    }
    CoUninitialize();
    return 0;
}

static DWORD WINAPI race_freer(void *p)
{
    struct race *r = p;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    while (!r->stop) {
        CoFreeUnusedLibrariesEx(0, 0);
        InterlockedIncrement(&r->frees);
    }
    CoUninitialize();
    return 0;
}

/* Looks the target up: ProgID, or {CLSID}. Returns 0 or 3 (message). */
static int race_clsid(const char *target, CLSID *clsid)
{
    WCHAR *w = cs_wide(target);
    HRESULT hr = E_INVALIDARG;

    if (w)
        hr = w[0] == '{' ? CLSIDFromString(w, clsid) : CLSIDFromProgID(w, clsid);
    free(w);
    if (FAILED(hr)) {
        fprintf(stderr, "comstress child: unload-race: --target '%s' is not registered (0x%08lx)\n",
                target, (unsigned long)hr);
        return CS_EXIT_TARGET;
    }
    return 0;
}

/* Runs the race for o->seconds, streaming progress every quarter second. */
static int race_loop(const cs_life_options *o, cs_stream *res, struct race *r, HANDLE *threads)
{
    DWORD t0 = GetTickCount(), limit = (DWORD)(o->seconds * 1000.0), now;
    int i;

    cs_phase_set("unload-race: %d creator threads and a CoFreeUnusedLibrariesEx(0, 0) loop for %.1f s",
                 o->threads, o->seconds);
    while ((now = GetTickCount() - t0) < limit) {
        Sleep(limit - now < 250 ? limit - now : 250);
        cs_stream_printf(res, "{\"scenario\":\"unload-race\",\"type\":\"progress\",\"ms\":%lu,"
                         "\"creates\":%ld,\"failures\":%ld,\"frees\":%ld}",
                         GetTickCount() - t0, (long)r->creates, (long)r->failures, (long)r->frees);
    }
    r->stop = 1;
    cs_phase_set("unload-race: waiting for the threads to end");
    for (i = 0; i <= o->threads; i++)
        WaitForSingleObject(threads[i], INFINITE);
    return 0;
}

int cs_life_run_unload_race(const cs_life_options *o, cs_stream *res)
{
    HANDLE threads[CS_MAX_THREADS + 1];
    /* static: on a failed start, threads already running still read it */
    static struct race r;
    int i, rc;

    memset(&r, 0, sizeof(r));
    if ((rc = race_clsid(o->target, &r.clsid)))
        return rc;
    for (i = 0; i < o->threads; i++)
        threads[i] = CreateThread(NULL, 0, race_creator, &r, 0, NULL);
    threads[o->threads] = CreateThread(NULL, 0, race_freer, &r, 0, NULL);
    for (i = 0; i <= o->threads; i++)
        if (!threads[i]) {
            fprintf(stderr, "comstress child: unload-race: cannot start threads\n");
            r.stop = 1;
            return CS_EXIT_INTERNAL;
        }
    race_loop(o, res, &r, threads);
    for (i = 0; i <= o->threads; i++)
        CloseHandle(threads[i]);
    cs_stream_printf(res, "{\"scenario\":\"unload-race\",\"type\":\"end\",\"creates\":%ld,"
                     "\"failures\":%ld,\"first_failure\":\"0x%08lx\",\"frees\":%ld}",
                     (long)r.creates, (long)r.failures, (unsigned long)r.first_failure, (long)r.frees);
    cs_phase_summary("%ld creates on %d MTA threads, %ld failed (first 0x%08lx), %ld CoFreeUnusedLibrariesEx calls in %.1f s",
                     (long)r.creates, o->threads, (long)r.failures, (unsigned long)r.first_failure,
                     (long)r.frees, o->seconds);
    return r.failures ? CS_EXIT_VERDICT : CS_EXIT_OK;
}

