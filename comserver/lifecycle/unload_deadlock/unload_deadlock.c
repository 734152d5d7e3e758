/*
 * cs_unload_deadlock.dll: the DllMain loader-lock deadlock at unload
 * (docs/lifecycle.md).
 *
 * DLL_PROCESS_ATTACH starts a worker thread that waits for a stop event.
 * DLL_PROCESS_DETACH sets the event and waits for the thread with INFINITE.
 * The thread function returns, but the exiting thread must deliver
 * DLL_THREAD_DETACH to every DLL, which needs the loader lock that the
 * thread inside FreeLibrary holds: neither moves, FreeLibrary never returns.
 *
 * The variant is chosen by the host: calling CsWorkerStop() before
 * FreeLibrary (outside DllMain, loader lock free) lets the thread finish,
 * so DLL_PROCESS_DETACH has nothing to wait for. That is the fix.
 *
 * CsWorkerSetNotify() lets the host record what happens inside the DLL
 * (the worker returned, detach is waiting): the callback lives in the host,
 * which outlives the DLL, and must not take the loader lock.
 *
 * Built without the C runtime (see CMakeLists.txt): kernel32 only.
 */
#include <windows.h>

typedef void (WINAPI *cs_worker_notify)(const char *event);

static HANDLE stop_event, worker;
static cs_worker_notify volatile notify;
static volatile LONG ran, told;         /* the worker ran; its running was told */

static void say(const char *event)
{
    cs_worker_notify cb = notify;

    if (cb)
        cb(event);
}

/*
 * Tells "worker thread running" once, when both the worker has run and a
 * callback is set, whichever comes second: the worker may run before the
 * host has registered its callback (LoadLibrary has returned, the host
 * not yet called CsWorkerSetNotify), and a host waiting to hear it would
 * otherwise wait in vain. The interlocked writes order each side's store
 * before its load, so one of the two sees both.
 */
static void tell_running(void)
{
    if (ran && notify && !InterlockedExchange(&told, 1))
        say("worker thread running");
}

static DWORD WINAPI worker_main(void *arg)
{
    InterlockedExchange(&ran, 1);
    tell_running();
    WaitForSingleObject(stop_event, INFINITE);
    say("worker thread returned from its thread function");
    return 0;
}

/*
 * Registers the host's callback (NULL removes it). It is called from the
 * worker thread and from DllMain, with a short constant event text; a
 * worker that ran before the callback was set is told of at once.
 */
__declspec(dllexport) void WINAPI CsWorkerSetNotify(cs_worker_notify cb)
{
    InterlockedExchangePointer((void *volatile *)&notify, (void *)cb);
    tell_running();
}

/*
 * The fix: stops the worker and waits for it, from outside DllMain. Call
 * it before FreeLibrary. Returns TRUE when the thread has ended (or was
 * already stopped), FALSE when the wait failed.
 */
__declspec(dllexport) BOOL WINAPI CsWorkerStop(void)
{
    BOOL ok;

    if (!worker)
        return TRUE;
    SetEvent(stop_event);
    ok = WaitForSingleObject(worker, INFINITE) == WAIT_OBJECT_0;
    CloseHandle(worker);
    worker = NULL;
    say("worker stopped outside DllMain");
    return ok;
}

/* The deadlock: waits, holding the loader lock, for a thread that needs it. */
static void process_detach(void)
{
    if (worker) {
        say("DLL_PROCESS_DETACH: stopping the worker and waiting (INFINITE)");
        SetEvent(stop_event);
        WaitForSingleObject(worker, INFINITE);
        CloseHandle(worker);
        worker = NULL;
    }
    if (stop_event)
        CloseHandle(stop_event);
    stop_event = NULL;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        if (!(stop_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
            return FALSE;
        if (!(worker = CreateThread(NULL, 0, worker_main, NULL, 0, NULL))) {
            CloseHandle(stop_event);
            stop_event = NULL;   /* the failed attach is followed by a detach */
            return FALSE;
        }
        break;
    case DLL_PROCESS_DETACH:
        process_detach();
        break;
    }
    return TRUE;
}
