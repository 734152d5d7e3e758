/*
 * Ctrl-C, Ctrl-Break and close/logoff/shutdown, caught once for the
 * commands that must end their children and write what they gathered
 * (run, suite, explore): an event set on the stop, and who asked.
 */
#ifndef CS_STOP_H
#define CS_STOP_H

#include <windows.h>

/* Installs the console handler (once; later calls only change `also`).
 * On a stop the event is set, then also(by) runs when given. A close
 * request ends the process when the handler returns, so the handler then
 * waits, 5 s at most, for cs_stop_reports_done. */
void cs_stop_catch(void (*also)(const char *by));

/* The stop's event (manual reset), for a child's wait; NULL before
 * cs_stop_catch. */
HANDLE cs_stop_event(void);

/* Whether a stop was asked; who asked ("Ctrl-C", "Ctrl-Break", "a
 * termination request"), NULL when none did. */
int cs_stop_requested(void);
const char *cs_stop_by(void);

/* The reports are written: a close request may end the process now. */
void cs_stop_reports_done(void);

#endif
