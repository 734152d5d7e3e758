/*
 * The explore benchmark: `comstress explore` of the reference server's
 * Target at depth 1 (every member in a child process of its own), timed
 * whole; the median of a few rounds against the target of 30 s, and the
 * members explored per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "process.h"
#include "utf8.h"

#define EXPLORE_TIMEOUT_MS (10 * 60 * 1000)

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The members a map called (its run.json's members not skipped). */
static int members_called(const char *json)
{
    const char *p = json;
    int n = 0;

    while ((p = strstr(p, "\"state\": \""))) {
        p += strlen("\"state\": \"");
        n += strncmp(p, "skipped", 7) != 0;
    }
    return n;
}

/* One round: the whole explore, timed by its own run.json (seconds from
 * the start to the map); FALSE with err filled when it fails. */
static BOOL explore_round(const bench_opts *o, int round, double *seconds, int *members, char *err, size_t errlen)
{
    char dir[MAX_PATH], cmd[MAX_PATH * 3], path[MAX_PATH + 16], *json;
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;

    snprintf(dir, sizeof(dir), "%s\\explore-%d", o->out_dir, round);
    snprintf(cmd, sizeof(cmd), "\"%s\" explore --ledger --out \"%s\"", o->comstress, dir);
    ps.cmdline = cmd;
    ps.std_out = cs_proc_open_std(NULL, "NUL", GENERIC_WRITE, OPEN_EXISTING);
    ps.timeout_ms = EXPLORE_TIMEOUT_MS;
    if (cs_proc_run(&ps, &pr) || pr.timed_out || pr.exit_code) {
        CloseHandle(ps.std_out);
        snprintf(err, errlen, "explore round %d failed (exit %lu%s): %s", round, (unsigned long)pr.exit_code,
                 pr.timed_out ? ", timed out" : "", cmd);
        return FALSE;
    }
    CloseHandle(ps.std_out);
    snprintf(path, sizeof(path), "%s\\run.json", dir);
    if (!(json = cs_read_whole(path)) || !bench_json_number(json, NULL, "seconds", seconds)) {
        free(json);
        snprintf(err, errlen, "explore round %d: no run.json figures in %s", round, dir);
        return FALSE;
    }
    *members = members_called(json);
    free(json);
    return TRUE;
}

void bench_explore(const bench_opts *o, bench_explore_results *r)
{
    double secs[BENCH_EXPLORE_ROUNDS];
    int i, members = 0;

    memset(r, 0, sizeof(*r));
    for (i = 0; i < BENCH_EXPLORE_ROUNDS; i++) {
        if (!explore_round(o, i, &secs[r->rounds], &members, r->error, sizeof(r->error)))
            break;
        r->members = members;
        r->rounds++;
    }
    if (!r->rounds)
        return;
    qsort(secs, (size_t)r->rounds, sizeof(secs[0]), compare_double);
    r->seconds = secs[r->rounds / 2];
    r->members_per_second = r->seconds > 0 ? r->members / r->seconds : 0;
}

void bench_print_explore(const bench_explore_results *r)
{
    printf("\nexplore of the reference Target at depth 1 (a child process per member, median of %d)\n", r->rounds);
    if (r->rounds)
        printf("  %d members called, %.2f s, %.2f members/s\n", r->members, r->seconds, r->members_per_second);
    if (r->error[0])
        printf("  error: %s\n", r->error);
}
