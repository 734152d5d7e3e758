/* memory.svg writer; see report_svg.h. */
#include "report_svg.h"
#include "report_util.h"
#include "stats.h"
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH    1200    /* the page width; report.html scales it to the window */
#define PANEL_H  280
#define LEFT     90      /* room for the y tick labels */
#define RIGHT    20
#define TOP      36      /* panel title */
#define BOTTOM   44      /* x tick labels and axis title */
#define LEGEND_ROW 20

static const char *const palette[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
};
#define NCOLORS (sizeof(palette) / sizeof(palette[0]))

/* Each series its own dash pattern too, so two series that coincide (two
 * clean policies on the same flat line) both stay visible. */
static const char *const dashes[] = { "none", "10 4", "3 3", "14 4 3 4", "6 2", "1 4" };
#define NDASHES (sizeof(dashes) / sizeof(dashes[0]))

/* Data-to-pixel mapping of one panel. */
typedef struct panel {
    double x0, x1, y0, y1;        /* data ranges, x0 < x1 and y0 < y1 */
    double px, py, pw, ph;        /* plot area in pixels */
} panel;

/* Most grid lines or labels an axis draws, whatever its range. */
#define MAX_TICKS 24
/* Pixel positions are kept within this many pixels of the picture, so a
 * fitted line running far off the plot still prints as a short number. */
#define PX_LIMIT 10000.0

/* Where v lies between lo and hi, 0 to 1 (beyond for v outside). The
 * halves keep every difference finite: hi - lo of two finite doubles can
 * overflow (1e308 - -1e308), their halves' difference cannot. */
static double fraction(double v, double lo, double hi)
{
    return (v / 2 - lo / 2) / (hi / 2 - lo / 2);
}

/* A pixel position held to +-PX_LIMIT; NaN stays NaN (nothing drawn). */
static double clamp_px(double v)
{
    return v > PX_LIMIT ? PX_LIMIT : v < -PX_LIMIT ? -PX_LIMIT : v;
}

static double map_x(const panel *p, double x)
{
    return clamp_px(p->px + fraction(x, p->x0, p->x1) * p->pw);
}

static double map_y(const panel *p, double y)
{
    return clamp_px(p->py + p->ph - fraction(y, p->y0, p->y1) * p->ph);
}

/* A "nice" tick step (1, 2 or 5 times a power of 10 or of 1024 for
 * bytes) giving about `want` intervals between lo and hi. The span is
 * taken through halves (see fraction). Returns a positive finite step,
 * or 0 when there is none (the range is not finite or the step would
 * overflow): the caller then draws no ticks. */
static double nice_step(double lo, double hi, int want, int bytes)
{
    double raw = (hi / 2 - lo / 2) * (2.0 / want), base = 1, m, step;

    if (!isfinite(raw) || raw <= 0)
        return 0;
    if (bytes && raw >= 1024)
        while (base * 1024 <= raw)
            base *= 1024;
    m = pow(10, floor(log10(raw / base)));
    raw /= base * m;
    step = base * m * (raw <= 1 ? 1 : raw <= 2 ? 2 : raw <= 5 ? 5 : 10);
    return isfinite(step) && step > 0 ? step : 0;
}

/* Widens [*lo, *hi] to at least width and by pad (a fraction of the
 * range) on both sides, within the finite doubles. Near the largest
 * doubles a fixed width disappears in rounding (1e300 + 512 == 1e300),
 * so the width is also at least a millionth of the values' size. */
static void widen(double *lo, double *hi, double width, double pad)
{
    double mid = *lo / 2 + *hi / 2, half = *hi / 2 - *lo / 2;
    double need = fmax(width / 2, fmax(fabs(*lo), fabs(*hi)) * 1e-6);

    if (half < need)
        half = need;
    half += half * pad;
    *lo = fmax(mid - half, -DBL_MAX);
    *hi = fmin(mid + half, DBL_MAX);
}

/* Data ranges of metric m over every run; 0 when nothing was measured. */
static int data_range(const cs_chart_run *runs, size_t n, cs_metric m, panel *p)
{
    size_t r, i;
    int any = 0;

    p->x0 = 0, p->x1 = 1, p->y0 = INFINITY, p->y1 = -INFINITY;
    for (r = 0; r < n; r++) {
        for (i = 0; i < runs[r].n; i++) {
            double y = runs[r].samples[i].v[m], x = (double)runs[r].samples[i].iteration;
            if (!isfinite(y))
                continue;
            any = 1;
            p->x0 = x < p->x0 ? x : p->x0;
            p->x1 = x > p->x1 ? x : p->x1;
            p->y0 = y < p->y0 ? y : p->y0;
            p->y1 = y > p->y1 ? y : p->y1;
        }
    }
    if (any)
        widen(&p->y0, &p->y1, 1024, 0.05);
    return any;
}

/* Axes, grid and tick labels (bytes on y, iterations on x); at most
 * MAX_TICKS of each, counted rather than stepped to the end, so a step
 * lost in rounding (v + step == v) cannot loop. */
static void draw_axes(FILE *f, const panel *p)
{
    double step = nice_step(p->y0, p->y1, 5, 1), first, v;
    char buf[32];
    int k;

    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n",
            p->px, p->py, p->pw, p->ph);
    first = step ? ceil(p->y0 / step) * step : NAN;
    for (k = 0; k < MAX_TICKS && (v = first + k * step) <= p->y1; k++) {
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                p->px, p->px + p->pw, map_y(p, v), map_y(p, v),
                p->px - 6, map_y(p, v) + 4, cs_format_bytes(v, buf, sizeof(buf)));
    }
    step = nice_step(p->x0, p->x1, 8, 0);
    first = step ? ceil(p->x0 / step) * step : NAN;
    for (k = 0; k < MAX_TICKS && (v = first + k * step) <= p->x1; k++)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                map_x(p, v), p->py + p->ph + 16, cs_format_count(v, buf, sizeof(buf)));
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">iterations</text>\n",
            p->px + p->pw / 2, p->py + p->ph + 34);
}

/* The run's fitted line after warm-up, dashed, from warm-up to the end;
 * none when the fit is not a number at either end (values so far apart
 * that the slope overflowed). */
static void draw_fit(FILE *f, const panel *p, const cs_chart_run *cr, cs_metric m, const char *color)
{
    double *x = malloc((cr->n ? cr->n : 1) * 2 * sizeof(*x)), *y;
    size_t i, k = 0;
    cs_fit fit;
    double xa, xb, ya, yb;

    if (!x)
        return;
    y = x + (cr->n ? cr->n : 1);
    for (i = 0; i < cr->n; i++) {
        if ((double)cr->samples[i].iteration >= (double)cr->run->warmup && isfinite(cr->samples[i].v[m])) {
            x[k] = (double)cr->samples[i].iteration;
            y[k++] = cr->samples[i].v[m];
        }
    }
    if (k >= 2 && !cs_theil_sen(x, y, k, &fit)) {
        xa = x[0], xb = x[k - 1];
        ya = map_y(p, fit.intercept + fit.slope * xa);
        yb = map_y(p, fit.intercept + fit.slope * xb);
        if (!isnan(ya) && !isnan(yb))
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"1.5\" stroke-dasharray=\"6 4\" opacity=\"0.8\"/>\n",
                    map_x(p, xa), ya, map_x(p, xb), yb, color);
    }
    free(x);
}

/* Series k of a panel: its line in its color and dash, labelled with the
 * run's name at its last point, and its fit. */
static void draw_series(FILE *f, const panel *p, const cs_chart_run *cr, cs_metric m, size_t k)
{
    const char *color = palette[k % NCOLORS], *name = cr->run->name, *slash;
    double lx = 0, ly = 0;
    size_t i;
    int open = 0;

    for (i = 0; i < cr->n; i++) {
        double y = cr->samples[i].v[m];
        if (!isfinite(y))
            continue;
        lx = map_x(p, (double)cr->samples[i].iteration);
        ly = map_y(p, y);
        fprintf(f, "%s%.1f,%.1f", open ? " " : "<polyline fill=\"none\" stroke-width=\"2\" points=\"", lx, ly);
        open = 1;
    }
    if (!open)
        return;
    fprintf(f, "\" stroke=\"%s\" stroke-dasharray=\"%s\"/>\n", color, dashes[k % NDASHES]);
    if (name && (slash = strrchr(name, '/')))
        name = slash + 1;
    /* Labels of coinciding ends are moved apart, one row per series. */
    ly -= 4 + 12.0 * (double)k;
    if (ly < p->py + 12)
        ly = p->py + 12;                  /* kept inside the plot */
    fprintf(f, "<text class=\"series\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">", lx - 4,
            ly, color);
    cs_put_xml(f, name ? name : "");
    fputs("</text>\n", f);
    draw_fit(f, p, cr, m, color);
}

/* One panel at vertical offset top: title, warm-up band, lines, fits. */
static void draw_panel(FILE *f, double top, const char *title, cs_metric m,
                       const cs_chart_run *runs, size_t n)
{
    panel p;
    long long warmup = 0;
    size_t r;

    fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\" font-size=\"14\">", LEFT, top + 20);
    cs_put_xml(f, title);
    fputs("</text>\n", f);
    p.px = LEFT, p.py = top + TOP, p.pw = WIDTH - LEFT - RIGHT, p.ph = PANEL_H - TOP - BOTTOM;
    if (!data_range(runs, n, m, &p)) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888\">not measured</text>\n",
                p.px + p.pw / 2, p.py + p.ph / 2);
        return;
    }
    for (r = 0; r < n; r++)
        warmup = runs[r].run->warmup > warmup ? runs[r].run->warmup : warmup;
    if (warmup > 0)
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eee\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" fill=\"#888\">warm-up</text>\n",
                p.px, p.py, fmax(0, map_x(&p, warmup < p.x1 ? (double)warmup : p.x1) - p.px), p.ph,
                p.px + 4, p.py + 14);
    draw_axes(f, &p);
    for (r = 0; r < n; r++)
        draw_series(f, &p, &runs[r], m, r);
}

static void draw_legend(FILE *f, double top, const cs_chart_run *runs, size_t n)
{
    char buf[32];
    size_t r;

    for (r = 0; r < n; r++) {
        double y = top + r * LEGEND_ROW;
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\" "
                "stroke-dasharray=\"%s\"/><text x=\"%d\" y=\"%.1f\">", LEFT, LEFT + 40, y - 4, y - 4,
                palette[r % NCOLORS], dashes[r % NDASHES], LEFT + 48, y);
        cs_put_xml(f, runs[r].run->name);
        fprintf(f, " (heap %s bytes/iteration)</text>\n",
                cs_format_figure(runs[r].run->heap_bytes_per_iteration, buf, sizeof(buf)));
    }
    fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#666\">dashed: Theil-Sen fit after warm-up; shaded: warm-up</text>\n",
            LEFT, top + n * LEGEND_ROW);
}

int cs_svg_write(FILE *f, const cs_chart_run *runs, size_t n)
{
    double height = 2 * PANEL_H + (n + 1) * LEGEND_ROW + 10;

    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
            "viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n"
            "<title>comstress memory</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
            WIDTH, height, WIDTH, height);
    draw_panel(f, 0, "Heap bytes (live, all process heaps)", CS_M_HEAP_BYTES, runs, n);
    draw_panel(f, PANEL_H, "Working set", CS_M_WORKING_SET, runs, n);
    draw_legend(f, 2 * PANEL_H + 10, runs, n);
    fputs("</svg>\n", f);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int cs_svg_write_path(const char *path, const cs_chart_run *runs, size_t n,
                      char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);

    if (!f)
        return -1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    return cs_report_close(f, cs_svg_write(f, runs, n), path, err, errlen);
}
