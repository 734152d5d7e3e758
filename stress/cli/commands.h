/*
 * The subcommands of comstress.exe, one function each, called by main()
 * once cs_options_parse has accepted the command line. Each returns the
 * process exit code (cs_exit, options.h).
 */
#ifndef CS_COMMANDS_H
#define CS_COMMANDS_H

#include "options.h"

struct cs_csv_writer;

/* run and compare: open the target and the output, run each policy, write
 * the reports (also after a failure: nothing gathered is lost). argv is
 * the whole command line, kept in run.json's context. */
int cs_cmd_run(cs_options *o, int argc, char **argv);

/* list faults | policies | classes (--dll) | members (--target, --dll) */
int cs_cmd_list(cs_options *o);

/* list members: the target's members and source interfaces from its type
 * information (cmd_members.c). */
int cs_cmd_list_members(cs_options *o);

/* `comstress report DIR`: rebuilds the reports from DIR/samples.csv.
 * gate: --fail-on as given (CS_FAIL_* categories whole), or 0 for each
 * run's own (its record's, else its phase file's); every run is then
 * judged under it as the live run would have been. verbose: print every
 * metric's verdict, not only those that are not clean. */
int cs_cmd_report(const char *dir, unsigned gate, int verbose);

#endif
