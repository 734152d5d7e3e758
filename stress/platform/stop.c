/* Stopping by the console: see stop.h. */
#include "stop.h"

static HANDLE stop_event, reports_done;
static const char *volatile stop_by;
static void (*volatile also_do)(const char *by);

static BOOL WINAPI on_console_event(DWORD event)
{
    const char *by = event == CTRL_C_EVENT ? "Ctrl-C" : event == CTRL_BREAK_EVENT ? "Ctrl-Break"
                     : "a termination request";

    stop_by = by;
    SetEvent(stop_event);
    if (also_do)
        also_do(by);
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
        WaitForSingleObject(reports_done, 5000);
    return TRUE;
}

void cs_stop_catch(void (*also)(const char *by))
{
    also_do = also;
    if (stop_event)
        return;
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    reports_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

HANDLE cs_stop_event(void)
{
    return stop_event;
}

int cs_stop_requested(void)
{
    return stop_event && WaitForSingleObject(stop_event, 0) == WAIT_OBJECT_0;
}

const char *cs_stop_by(void)
{
    return cs_stop_requested() ? stop_by : NULL;
}

void cs_stop_reports_done(void)
{
    if (reports_done)
        SetEvent(reports_done);
}
