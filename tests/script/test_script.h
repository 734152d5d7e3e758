/* Shared fixture of the test_script suite (test_script.c,
 * test_script_events.c). */
#ifndef CS_TEST_SCRIPT_H
#define CS_TEST_SCRIPT_H

#include "cs_check.h"
#include "script.h"
#include "ledger.h"
#include "script_objects.h"

/* Per test: the dispatcher the executor uses (type policy), another for
 * the probe's own calls, the parsed script and its executor, the last
 * error, the recorder (@rec) and its record, a Target, the probe, the
 * ledger when a test turns it on (hooks wrap through it), and how many
 * objects the track hook saw. */
extern lb_dispatcher *disp, *probe_disp;
extern cs_script *script;
extern cs_exec *ex;
extern lb_error err;
extern cs_double_record rec;
extern IDispatch *target, *probe, *recorder;
extern cs_ledger *ledger;
extern int tracked;

void setup(void);
void teardown(void);

/* A new instance of a registered class. */
IDispatch *create(const WCHAR *progid);

/* Live ComStress.Target objects (the server's own count). */
LONG live_targets(void);

/* Parses text, makes the executor and begins iteration 1 on receiver
 * with @obj = receiver, @rec = the recorder and, when src is given,
 * @src = src. */
void prepare_with(const char *text, cs_exec_fault fault, IDispatch *receiver, IDispatch *src);
void prepare(const char *text, cs_exec_fault fault, IDispatch *receiver);

/* Every statement, or statement i, must succeed. */
void run_ok(void);
void step_ok(size_t i);

cs_exec_totals totals(void);

/* The event and client-fault tests (test_script_events.c). */
void ts_add_event_tests(TCase *tc);

#endif
