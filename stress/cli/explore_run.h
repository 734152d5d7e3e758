/*
 * `comstress explore`'s session (cmd_explore.c) and its members' children
 * (explore_run.c): each member's statements in a child `comstress run`
 * under the watchdog, --jobs at a time, until every member ran or Ctrl-C.
 */
#ifndef CS_EXPLORE_RUN_H
#define CS_EXPLORE_RUN_H

#include <windows.h>
#include "options.h"
#include "explore.h"

typedef struct xsession {
    cs_options *o;
    const char *members[CS_XMAX_GLOBS], *skip[CS_XMAX_GLOBS];
    int nmembers, nskip;
    char members_buf[1024], skip_buf[1024];
    cs_xmember *m;
    size_t n;
    cs_xresult *r;
    size_t *order;
    const char *target;            /* as the map names it */
    char fail_on[96];              /* --fail-on as given (its words) */
    char child_fail_on[96];        /* ... without unload, for the members */
    const char *unload;            /* the server's unload finding, or NULL */
    double started;
    size_t *ordinal;               /* each member's place in the run order (0: left out) */
    size_t total;                  /* members run */
    volatile LONG next;            /* --jobs: the next member a worker takes */
    CRITICAL_SECTION say_lock;     /* --jobs: one progress line at a time */
    const char *stopped_by;        /* "Ctrl-C" ... when the map was interrupted, else NULL */
    volatile LONG ran;             /* members whose child ran to its end */
} xsession;

/*
 * Runs every member of x not left out (x->r filled, x->ran counted),
 * --jobs at a time. Ctrl-C, Ctrl-Break or a termination request ends the
 * children running (each member then an error saying so), starts no
 * other (each left out, "interrupted before it ran"), and sets
 * x->stopped_by; what was gathered stays for the map and its reports.
 */
void cs_xrun_members(xsession *x);

#endif
