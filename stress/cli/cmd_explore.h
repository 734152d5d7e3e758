/*
 * `comstress explore` (cmd_explore.c): a per-member leak map of a class.
 */
#ifndef CS_CMD_EXPLORE_H
#define CS_CMD_EXPLORE_H

#include "options.h"

/* Reads the class's members from its type information, runs each one in
 * a child `comstress run` under the watchdog, prints the map and writes
 * run.json, report.html and junit.xml. Returns the exit code: 0; 1 a
 * member failed (--fail-on); 2 bad input (checked before anything is
 * created); 3 target; 5 output; 7 a member hung; 8 a member crashed the
 * target. argv is the whole command line, kept in run.json. */
int cs_cmd_explore(cs_options *o, int argc, char **argv);

#endif
