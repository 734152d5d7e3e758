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

BOOL bench_self_child(const char *args, const char *key, double *out, char *err, size_t errlen)
{
    char exe[MAX_PATH], cmd[MAX_PATH + 256], text[512] = "";
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" %s", exe, args);
    ps.cmdline = cmd;
    ps.capture = text;
    ps.capture_len = sizeof(text);
    ps.timeout_ms = CHILD_TIMEOUT_MS;
    if (cs_proc_run(&ps, &pr) || pr.timed_out || pr.exit_code || !bench_json_number(text, NULL, key, out)) {
        snprintf(err, errlen, "child `%s` failed: %s", args, text);
        return FALSE;
    }
    return TRUE;
}

/*
 * One `comstress run` of p's calls with extra options; fills calls per
 * second and the samples count from its run.json. FALSE with err filled
 * (naming the run) when it fails to run or to report.
 */
static BOOL child_run(const bench_opts *o, const bench_run_pair *p, const char *tag, const char *extra,
                      double *cps, double *samples, char *err, size_t errlen)
{
    char args[512], *json;
    double seconds = 0;
    BOOL ok;

    snprintf(args, sizeof(args), "%s --iterations %ld %s", p->calls, p->iterations, extra);
    if (!(json = bench_child_run(o, tag, args, err, errlen)))
        return FALSE;
    /* Wall-clock seconds, not run.json's calls_per_second: that figure
     * leaves the sampler's own time out, and the sampler is one of the
     * instruments measured here. */
    ok = bench_json_number(json, "\"runs\"", "seconds", &seconds)
      && bench_json_number(json, "\"runs\"", "samples", samples) && seconds > 0;
    free(json);
    if (ok)
        *cps = (double)p->ncalls * (double)p->iterations / seconds;
    else
        snprintf(err, errlen, "%s: run.json has no seconds / samples", tag);
    return ok;
}

void bench_run_pairs(const bench_opts *o, const char *name, const char *extra_a, const char *extra_b,
                     int rounds, bench_run_pair *p)
{
    double ca[BENCH_MAX_ROUNDS], cb[BENCH_MAX_ROUNDS], sa[BENCH_MAX_ROUNDS], sb[BENCH_MAX_ROUNDS],
           ratio[BENCH_MAX_ROUNDS];
    char tag_a[64], tag_b[64];
    int r, n = 0;
    BOOL ok;

    snprintf(tag_a, sizeof(tag_a), "%s-base", name);
    snprintf(tag_b, sizeof(tag_b), "%s-on", name);
    for (r = 0; r < rounds; r++) {
        if (r % 2)
            ok = child_run(o, p, tag_b, extra_b, &cb[n], &sb[n], p->error, sizeof(p->error))
              && child_run(o, p, tag_a, extra_a, &ca[n], &sa[n], p->error, sizeof(p->error));
        else
            ok = child_run(o, p, tag_a, extra_a, &ca[n], &sa[n], p->error, sizeof(p->error))
              && child_run(o, p, tag_b, extra_b, &cb[n], &sb[n], p->error, sizeof(p->error));
        if (!ok)
            break;
        ratio[n] = ca[n] / cb[n];     /* time per call of B over A */
        n++;
    }
    p->rounds = n;
    p->ratio = bench_ratio_of(ratio, n);
    p->cps_a = bench_median(ca, n);
    p->cps_b = bench_median(cb, n);
    p->samples_a = bench_median(sa, n);
    p->samples_b = bench_median(sb, n);
}

/* p set up for the instruments' workload: Add(1) and Echo('x'). */
static void instruments_pair(const bench_opts *o, bench_run_pair *p)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->calls, sizeof(p->calls), "--call \"Add(1)\" --call \"Echo('x')\"");
    p->ncalls = 2;
    p->iterations = o->run_iterations;
}

void bench_ledger(const bench_opts *o, bench_run_pair *p)
{
    /* Same plan on both sides: the ledger's wrapper hides the dual
     * interface, so without --plan invoke this would compare the vtable
     * plan with the Invoke plan rather than measure the ledger. */
    instruments_pair(o, p);
    bench_run_pairs(o, "ledger", "--plan invoke", "--plan invoke --ledger", o->run_rounds, p);
}

void bench_sampling(const bench_opts *o, bench_run_pair *p)
{
    char off[64];

    instruments_pair(o, p);
    snprintf(off, sizeof(off), "--sample-every %ld", o->run_iterations + 1);
    bench_run_pairs(o, "sampling", off, "", o->run_rounds, p);
}

void bench_print_pair(const char *what, const char *a, const char *b, const bench_run_pair *p)
{
    printf("\n%s: %d alternating pairs of `comstress run %s --iterations %ld`\n", what, p->rounds, p->calls,
           p->iterations);
    if (p->error[0])
        printf("  error: %s\n", p->error);
    if (!p->rounds)
        return;
    printf("  %-30s %12.0f calls/s  %6.0f samples\n", a, p->cps_a, p->samples_a);
    printf("  %-30s %12.0f calls/s  %6.0f samples\n", b, p->cps_b, p->samples_b);
}
