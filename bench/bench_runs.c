/*
 * Overheads of the harness's own instruments, measured on the real command:
 * `comstress run` child processes (the same comstress.exe every time),
 * alternating baseline and instrumented runs, reading wall seconds and
 * samples back from each run.json.
 */
#include "bench.h"
#include "process.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_TIMEOUT_MS 120000

BOOL bench_json_number(const char *json, const char *after, const char *key, double *out)
{
    char pat[64];
    const char *p = json;
    char *end;

    if (after && !(p = strstr(json, after)))
        return FALSE;
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    if (!(p = strstr(p, pat)))
        return FALSE;
    p += strlen(pat);
    *out = strtod(p, &end);
    return end != p;
}

/* The whole of a small text file, NUL-terminated (free it); NULL when
 * unreadable. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || !(buf = malloc((size_t)n + 1))) {
        fclose(f);
        return NULL;
    }
    buf[fread(buf, 1, (size_t)n, f)] = 0;
    fclose(f);
    return buf;
}

#define SPAWN_FAILED  (-1)
#define SPAWN_TIMEOUT (-2)

/* Runs cmd with its stdout discarded (stderr kept, so its error lines
 * show); the exit code, SPAWN_FAILED when it could not start, or
 * SPAWN_TIMEOUT when it was killed after CHILD_TIMEOUT_MS. */
static int spawn(char *cmd)
{
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;
    int rc;

    ps.cmdline = cmd;
    ps.std_out = cs_proc_open_std(NULL, "NUL", GENERIC_WRITE, OPEN_EXISTING);
    ps.timeout_ms = CHILD_TIMEOUT_MS;
    rc = cs_proc_run(&ps, &pr);
    CloseHandle(ps.std_out);
    if (rc) {
        SetLastError(pr.error);     /* the caller names it */
        return SPAWN_FAILED;
    }
    return pr.timed_out ? SPAWN_TIMEOUT : (int)pr.exit_code;
}

char *bench_child_run(const bench_opts *o, const char *tag, const char *args, char *err, size_t errlen)
{
    char dir[MAX_PATH], cmd[MAX_PATH * 4], path[MAX_PATH + 16];
    char *json;
    int rc;

    snprintf(dir, sizeof(dir), "%s\\%s", o->out_dir, tag);
    snprintf(cmd, sizeof(cmd), "\"%s\" run --fail-on none %s --out \"%s\"", o->comstress, args, dir);
    if ((rc = spawn(cmd)) == SPAWN_FAILED) {
        snprintf(err, errlen, "%s: cannot start %s (error %lu)", tag, o->comstress, (unsigned long)GetLastError());
        return NULL;
    }
    if (rc) {
        snprintf(err, errlen, "%s: %s (%s)", tag, rc == SPAWN_TIMEOUT ? "timed out" : "comstress run failed", cmd);
        if (rc != SPAWN_TIMEOUT)
            snprintf(err + strlen(err), errlen - strlen(err), ", exit code %d", rc);
        return NULL;
    }
    snprintf(path, sizeof(path), "%s\\run.json", dir);
    if (!(json = read_text(path)))
        snprintf(err, errlen, "%s: no run.json in %s", tag, dir);
    return json;
}

/*
 * One `comstress run` of Add(1) and Echo('x') with extra options; fills
 * calls per second and the samples count from its run.json. FALSE with
 * err filled (naming the run) when it fails to run or to report.
 */
static BOOL child_run(const bench_opts *o, const char *tag, const char *extra, double *cps, double *samples,
                      char *err, size_t errlen)
{
    char args[512], *json;
    double seconds = 0;
    BOOL ok;

    snprintf(args, sizeof(args), "--call \"Add(1)\" --call \"Echo('x')\" --iterations %ld %s",
             o->run_iterations, extra);
    if (!(json = bench_child_run(o, tag, args, err, errlen)))
        return FALSE;
    /* Wall-clock seconds, not run.json's calls_per_second: that figure
     * leaves the sampler's own time out, and the sampler is what is
     * measured here. Two calls per iteration. */
    ok = bench_json_number(json, "\"runs\"", "seconds", &seconds)
      && bench_json_number(json, "\"runs\"", "samples", samples) && seconds > 0;
    free(json);
    if (ok)
        *cps = 2.0 * (double)o->run_iterations / seconds;
    else
        snprintf(err, errlen, "%s: run.json has no seconds / samples", tag);
    return ok;
}

/* Alternates baseline (extra_a) and instrumented (extra_b) runs, the
 * order swapped every round so neither always runs first. */
static void run_pairs(const bench_opts *o, const char *name, const char *extra_a, const char *extra_b,
                      bench_run_pair *p)
{
    double ca[BENCH_MAX_ROUNDS], cb[BENCH_MAX_ROUNDS], sa[BENCH_MAX_ROUNDS], sb[BENCH_MAX_ROUNDS],
           ratio[BENCH_MAX_ROUNDS];
    char tag_a[64], tag_b[64];
    int r, n = 0;
    BOOL ok;

    memset(p, 0, sizeof(*p));
    snprintf(tag_a, sizeof(tag_a), "%s-base", name);
    snprintf(tag_b, sizeof(tag_b), "%s-on", name);
    for (r = 0; r < o->run_rounds; r++) {
        if (r % 2)
            ok = child_run(o, tag_b, extra_b, &cb[n], &sb[n], p->error, sizeof(p->error))
              && child_run(o, tag_a, extra_a, &ca[n], &sa[n], p->error, sizeof(p->error));
        else
            ok = child_run(o, tag_a, extra_a, &ca[n], &sa[n], p->error, sizeof(p->error))
              && child_run(o, tag_b, extra_b, &cb[n], &sb[n], p->error, sizeof(p->error));
        if (!ok)
            break;
        ratio[n] = ca[n] / cb[n];     /* time per call of B over A */
        n++;
    }
    p->rounds = n;
    p->ratio = bench_median(ratio, n);
    p->cps_a = bench_median(ca, n);
    p->cps_b = bench_median(cb, n);
    p->samples_a = bench_median(sa, n);
    p->samples_b = bench_median(sb, n);
}

void bench_ledger(const bench_opts *o, bench_run_pair *p)
{
    /* Same plan on both sides: the ledger's wrapper hides the dual
     * interface, so without --plan invoke this would compare the vtable
     * plan with the Invoke plan rather than measure the ledger. */
    run_pairs(o, "ledger", "--plan invoke", "--plan invoke --ledger", p);
}

void bench_sampling(const bench_opts *o, bench_run_pair *p)
{
    char off[64];

    snprintf(off, sizeof(off), "--sample-every %ld", o->run_iterations + 1);
    run_pairs(o, "sampling", off, "", p);
}
