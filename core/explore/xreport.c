/*
 * explore's reports: run.json with its "members" array, report.html that
 * opens with the map, junit.xml with one testcase a member. Each is
 * written under a temporary name and renamed when complete. See
 * explore.h.
 */
#include "explore.h"
#include "report_util.h"
#include <math.h>
#include <string.h>

static const char *const kinds[] = { "method", "get", "put", "newenum", "newenum-clone", "advise", "advise-weak" };

static void json_member(FILE *f, const cs_xmember *m, const cs_xresult *r, int last)
{
    char label[CS_XTEXT_LEN + 8], text[2 * CS_XTEXT_LEN], why[CS_XWHY_LEN];

    fputs("    {\"member\": ", f);
    cs_put_json_string(f, cs_xmember_label(m, label, sizeof(label)));
    fputs(", \"name\": ", f);
    cs_put_json_string(f, m->name);
    fputs(", \"path\": ", f);
    cs_put_json_string(f, m->path);
    fprintf(f, ", \"kind\": \"%s\", \"depth\": %d, \"state\": ",
            (unsigned)m->kind <= CS_XK_ADVISE_WEAK ? kinds[m->kind] : "?", m->depth);
    cs_put_json_string(f, cs_xstate_name(r->state));
    fputs(", \"statements\": ", f);
    cs_put_json_string(f, m->skipped || cs_xmember_statements(m, text, sizeof(text), why, sizeof(why)) ? NULL : text);
    fputs(", \"categories\": ", f);
    cs_put_json_string(f, r->categories);
    fputs(", \"heap_bytes_per_call\": ", f);
    cs_put_json_number(f, r->bytes_per_call);
    fputs(", \"heap_blocks_per_call\": ", f);
    cs_put_json_number(f, r->blocks_per_call);
    fputs(", \"cotaskmem_bytes_per_call\": ", f);
    cs_put_json_number(f, r->cotask_per_call);
    fputs(", \"outstanding_refs\": ", f);
    cs_put_json_number(f, r->refs < 0 ? NAN : (double)r->refs);
    fputs(", \"live_objects_end\": ", f);
    cs_put_json_number(f, r->objects < 0 ? NAN : (double)r->objects);
    fputs(", \"site\": ", f);
    cs_put_json_string(f, r->site[0] ? r->site : NULL);
    fputs(", \"why\": ", f);
    cs_put_json_string(f, r->state == CS_XS_SKIPPED ? m->skip_why : r->why[0] ? r->why : NULL);
    fputs(", \"seconds\": ", f);
    cs_put_json_number(f, r->seconds);
    fputs(", \"dir\": ", f);
    cs_put_json_string(f, r->dir[0] ? r->dir : NULL);
    fprintf(f, "}%s\n", last ? "" : ",");
}

int cs_xreport_json(const char *path, const cs_xreport *x, const cs_xmember *m,
                    const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);
    size_t i;

    if (!f)
        return -1;
    fputs("{\n  \"schema_version\": 1,\n  \"context\": {\n    \"date\": ", f);
    cs_put_json_string(f, x->date);
    fputs(",\n    \"command_line\": ", f);
    cs_put_json_string(f, x->command_line);
    fputs(",\n    \"command\": \"explore\",\n    \"target\": ", f);
    cs_put_json_string(f, x->target);
    fprintf(f, ",\n    \"depth\": %d,\n    \"iterations_per_member\": %lld,\n    \"fail_on\": ", x->depth,
            x->iterations);
    cs_put_json_string(f, x->fail_on);
    fputs(",\n    \"seconds\": ", f);
    cs_put_json_number(f, x->seconds);
    fputs(",\n    \"unload\": ", f);
    cs_put_json_string(f, x->unload);
    fprintf(f, ",\n    \"unload_fails\": %s", x->unload_fails ? "true" : "false");
    fprintf(f, ",\n    \"exit_code\": %d\n  },\n  \"runs\": [],\n  \"members\": [\n", x->exit_code);
    for (i = 0; i < n; i++)
        json_member(f, &m[order[i]], &r[order[i]], i + 1 == n);
    fputs("  ]\n}\n", f);
    return cs_report_close(f, ferror(f) ? -1 : 0, path, err, errlen);
}

static void html_row(FILE *f, const cs_xmember *m, const cs_xresult *r)
{
    char label[CS_XTEXT_LEN + 8], b[32], k[32];
    int measured = r->state == CS_XS_FAILED || r->state == CS_XS_CLEAN;

    fprintf(f, "<tr class=\"%s\"><td>", r->state <= CS_XS_HUNG ? "bad" : "ok");
    cs_put_xml(f, cs_xmember_label(m, label, sizeof(label)));
    fputs("</td><td>", f);
    cs_put_xml(f, cs_xstate_name(r->state));
    if (measured && r->categories[0]) {
        fputs(" (", f);
        cs_put_xml(f, r->categories);
        fputs(")", f);
    }
    fprintf(f, "</td><td>%s</td><td>%s</td><td>", measured ? cs_format_figure(r->bytes_per_call, b, sizeof(b)) : "",
            measured ? cs_format_figure(r->blocks_per_call, k, sizeof(k)) : "");
    if (measured && r->refs >= 0)
        fprintf(f, "%lld", r->refs);
    fputs("</td><td>", f);
    cs_put_xml(f, r->state == CS_XS_SKIPPED ? m->skip_why : measured ? r->site : r->why);
    fputs("</td><td>", f);
    if (r->dir[0]) {
        fputs("<a href=\"", f);
        cs_put_xml(f, r->dir);
        fputs("/report.html\">", f);
        cs_put_xml(f, r->dir);
        fputs("</a>", f);
    }
    fputs("</td></tr>\n", f);
}

int cs_xreport_html(const char *path, const cs_xreport *x, const cs_xmember *m,
                    const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);
    size_t i;

    if (!f)
        return -1;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>comstress explore</title>\n"
          "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}tr.bad td{background:#fdd}"
          "</style></head><body>\n<h1>Leak map of ", f);
    cs_put_xml(f, x->target);
    fputs("</h1>\n<table>\n<tr><th>member</th><th>verdict</th><th>heap bytes per call</th>"
          "<th>heap blocks per call</th><th>references outstanding</th><th>site, or why</th>"
          "<th>its run</th></tr>\n", f);
    for (i = 0; i < n; i++)
        html_row(f, &m[order[i]], &r[order[i]]);
    fputs("</table>\n", f);
    if (x->unload) {
        fputs("<p>Server unload", f);
        fputs(x->unload_fails ? " (fails the exploration): " : " (left out by --fail-on): ", f);
        cs_put_xml(f, x->unload);
        fputs("</p>\n", f);
    }
    fprintf(f, "<p>%lld iterations a member, each member in a child process of its own; "
               "objects returned explored to depth %d; --fail-on ", x->iterations, x->depth);
    cs_put_xml(f, x->fail_on);
    fprintf(f, "; exit code %d.</p>\n<p>Command: <code>", x->exit_code);
    cs_put_xml(f, x->command_line);
    fputs("</code></p>\n</body></html>\n", f);
    return cs_report_close(f, ferror(f) ? -1 : 0, path, err, errlen);
}

static void junit_case(FILE *f, const cs_xmember *m, const cs_xresult *r)
{
    char label[CS_XTEXT_LEN + 8];

    fputs("    <testcase classname=\"explore\" name=\"", f);
    cs_put_xml(f, cs_xmember_label(m, label, sizeof(label)));
    fprintf(f, "\" time=\"%.3f\">", r->seconds);
    if (r->state <= CS_XS_HUNG) {
        fprintf(f, "<failure message=\"%s", cs_xstate_name(r->state));
        if (r->categories[0]) {
            fputs(": ", f);
            cs_put_xml(f, r->categories);
        }
        fputs("\">", f);
        cs_put_xml(f, r->state == CS_XS_FAILED ? r->site : r->why);
        fputs("</failure>", f);
    } else if (r->state != CS_XS_CLEAN) {
        fputs("<skipped message=\"", f);
        cs_put_xml(f, cs_xstate_name(r->state));
        fputs(": ", f);
        cs_put_xml(f, r->state == CS_XS_SKIPPED ? m->skip_why : r->why);
        fputs("\"/>", f);
    }
    fputs("</testcase>\n", f);
}

int cs_xreport_junit(const char *path, const cs_xreport *x, const cs_xmember *m,
                     const cs_xresult *r, const size_t *order, size_t n, char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);
    size_t i, failures = 0, skipped = 0;

    if (!f)
        return -1;
    for (i = 0; i < n; i++) {
        failures += r[i].state <= CS_XS_HUNG;
        skipped += r[i].state > CS_XS_CLEAN;
    }
    if (x->unload) {
        failures += x->unload_fails;
        skipped += !x->unload_fails;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"explore ");
    cs_put_xml(f, x->target);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" skipped=\"%u\" time=\"%.3f\">\n", (unsigned)(n + !!x->unload),
            (unsigned)failures, (unsigned)skipped, x->seconds);
    for (i = 0; i < n; i++)
        junit_case(f, &m[order[i]], &r[order[i]]);
    if (x->unload) {
        fputs("    <testcase classname=\"explore\" name=\"server unload\" time=\"0\">", f);
        fputs(x->unload_fails ? "<failure message=\"unload\">" : "<skipped message=\"left out by --fail-on: ", f);
        cs_put_xml(f, x->unload);
        fputs(x->unload_fails ? "</failure>" : "\"/>", f);
        fputs("</testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return cs_report_close(f, ferror(f) ? -1 : 0, path, err, errlen);
}
