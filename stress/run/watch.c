/*
 * The run's watch and its clock (runner_internal.h): the end of a
 * --duration run, a soak's warm-up mark and row budget, the progress line,
 * the loop's own time.
 * The watch runs on the run's own thread, which only waits while the
 * workers iterate: nothing here slows an iteration.
 */
#include "runner_internal.h"
#include <math.h>
#include <stdio.h>
#include "progress.h"
#include "report_csv.h"

/* A tick of the watch: the end of a soak lands within it of its time. */
#define TICK_MS 100

/* Is the progress line drawn in place? The comstress command sets
 * COMSTRESS_TERMINAL=1 when its stderr is a terminal (Wine's own stderr is
 * then a pipe, for whole lines: docs/install.md); run under Wine directly,
 * a console counts. */
static int on_terminal(void)
{
    char v[8];
    DWORD n = GetEnvironmentVariableA("COMSTRESS_TERMINAL", v, sizeof(v));

    if (n > 0 && n < sizeof(v))
        return v[0] == '1';
    return GetFileType(GetStdHandle(STD_ERROR_HANDLE)) == FILE_TYPE_CHAR;
}

/* Writes the progress line at now when it is due: on a terminal redrawn
 * in place (at most four times a second), else a plain line every
 * --progress seconds, on stderr. */
static void progress(run_shared *sh, double now)
{
    const cs_plan *o = sh->cfg->plan;
    double ran = now - sh->go_s, busy = ran - (sh->sampling_s - sh->go_sampling_s);
    cs_progress p = {
        .name = sh->cfg->run_name, .done = rs_done(sh),
        .total = o->duration_s > 0 ? 0 : o->iterations, .elapsed_s = ran, .duration_s = o->duration_s,
        .calls_per_second = busy > 0 ? (double)rs_calls(sh) / busy : NAN, .heap_bytes = sh->last_heap,
    };
    char line[256];

    if (o->progress_s < 0 || !cs_progress_due(ran, sh->last_progress_s, sh->terminal, o->progress_s))
        return;
    sh->last_progress_s = ran;
    cs_progress_line(&p, line, sizeof(line));
    if (sh->terminal) {
        fprintf(stderr, "\r%s\x1b[K", line);
        sh->drawn = 1;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

/* A soak at ran seconds: its warm-up ends at a tenth of its time (unless
 * --warmup gave one), and the run ends at its time. */
static void soak_tick(run_shared *sh, double ran)
{
    const cs_plan *o = sh->cfg->plan;
    long long done;

    if (!o->warmup_given && sh->warmup == CS_SOAK_ITERATIONS && ran >= o->duration_s / 10) {
        done = rs_done(sh);
        sh->warmup = done > 0 ? done : 1;
    }
    if (ran >= o->duration_s)
        InterlockedExchange(&sh->stop, 1);
}

int rs_watch(run_shared *sh, HANDLE *th, int t)
{
    const cs_plan *o = sh->cfg->plan;
    double ran;
    int ended = 0;

    sh->terminal = on_terminal();
    sh->last_progress_s = -1;
    for (;;) {
        if (WaitForMultipleObjects(t, th, TRUE, TICK_MS) != WAIT_TIMEOUT) {
            ended = 1;
            break;
        }
        ran = rs_elapsed(sh) - sh->go_s;
        if (o->timeout_s && ran >= (double)o->timeout_s)
            break;
        if (o->duration_s > 0)
            soak_tick(sh, ran);
        progress(sh, rs_elapsed(sh));
    }
    if (sh->drawn) {
        fputs("\r\x1b[K", stderr);          /* the summary follows on a clean line */
        fflush(stderr);
    }
    return ended;
}

/* A row samples.csv could not take (a full disk): the run ends now, as one
 * that could not write, rather than go on sampling what it cannot keep;
 * the rows already on disk stay for `report DIR`. */
void rs_row_lost(run_shared *sh, long long iteration)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "samples.csv: the row of iteration %lld could not be written (disk full?): "
             "the run stopped there", iteration);
    rs_fail(sh, CS_ST_CANNOT_WRITE, msg);
}

void rs_row_written(run_shared *sh)
{
    long kept;

    if (!sh->cfg->plan->row_budget || sh->thin_failed || ++sh->rows < (long)sh->cfg->plan->row_budget)
        return;
    kept = cs_csv_thin(sh->cfg->csv, sh->cfg->run_name, !sh->cfg->plan->walk_every);
    if (kept < 0 || kept > (long)sh->cfg->plan->row_budget * 3 / 4) {
        sh->thin_failed = 1;              /* the rows grow, the run goes on */
        return;
    }
    sh->rows = kept;
    sh->every *= 2;
}

long long rs_grid_position(run_shared *sh, long long iteration, double now_s)
{
    long long ms;

    if (sh->cfg->plan->duration_s <= 0 || iteration <= 0)
        return iteration;
    ms = (long long)((now_s - sh->go_s) * 1000);
    return ms > 0 ? ms : 1;
}

/* The loop's time (sh->loop_s): from the start line to the end of the
 * last worker's last iteration, the samples taken in between left out.
 * Set-up (apartments, factories, the first binds: tens of milliseconds
 * under Wine, more with more threads) and teardown are not calls: counted
 * in, they made a short run's calls per second read low, and lower with
 * two threads than with one. 0 when no worker got to iterate. */
void rs_loop_time(run_shared *sh)
{
    double end = 0;
    int i;

    for (i = 0; i < sh->nthreads; i++)
        if (sh->slots[i].loop_end_s > end)
            end = sh->slots[i].loop_end_s;
    sh->loop_s = end > sh->go_s ? end - sh->go_s - (sh->sampling_s - sh->go_sampling_s) : 0;
}
