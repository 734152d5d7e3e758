/*
 * explore's map: a member's result read from its child's run.json, the
 * order of the map and its console line. See explore.h.
 */
#include "explore.h"
#include "say.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
    [CS_XS_FAILED] = "FAILED", [CS_XS_CRASHED] = "CRASHED", [CS_XS_HUNG] = "HUNG",
    [CS_XS_CLEAN] = "clean", [CS_XS_NOT_CALLED] = "not called", [CS_XS_ERROR] = "error",
    [CS_XS_SKIPPED] = "skipped",
};

const char *cs_xstate_name(cs_xstate s)
{
    return (unsigned)s <= CS_XS_SKIPPED ? state_names[s] : "?";
}

void cs_xresult_init(cs_xresult *r)
{
    memset(r, 0, sizeof(*r));
    r->state = CS_XS_ERROR;
    r->bytes_per_call = r->blocks_per_call = r->cotask_per_call = NAN;
    r->refs = r->objects = -1;
}

static double number_at(const cs_jvalue *run, const char *path)
{
    const cs_jvalue *v = cs_json_at(run, path);

    return v && v->type == CS_J_NUMBER ? v->number : NAN;
}

static int text_is(const cs_jvalue *run, const char *path, const char *word)
{
    const cs_jvalue *v = cs_json_at(run, path);

    return v && v->type == CS_J_STRING && !strcmp(v->string, word);
}

/* The metrics whose leak verdict is the `leak` category (exact ones). */
static const char *const exact_metrics[] = {
    "heap_bytes", "heap_blocks", "live_objects", "server_locks", "cotaskmem_bytes", "threads", NULL
};

static void add_category(cs_xresult *r, const char *word)
{
    size_t used = strlen(r->categories);

    if (!strstr(r->categories, word))
        snprintf(r->categories + used, sizeof(r->categories) - used, "%s%s", used ? "," : "", word);
}

/* The categories of the release figures and findings; the site: the
 * first finding that names an allocation site, else the first finding. */
static void release_part(const cs_jvalue *run, cs_xresult *r)
{
    static const char left_out[] = " (left out by --fail-on)";
    const cs_jvalue *f = cs_json_at(run, "release.findings");
    const char *first = NULL, *sited = NULL;
    size_t len;
    size_t i;

    if (r->refs > 0 || number_at(run, "release.use_after_release") > 0)
        add_category(r, "refs");
    if (r->objects > 0 || number_at(run, "release.locks_end") > 0)
        add_category(r, "objects");
    for (i = 0; f && f->type == CS_J_ARRAY && i < f->n; i++) {
        const char *s = f->items[i].type == CS_J_STRING ? f->items[i].string : NULL;

        if (!s)
            continue;
        if (!strncmp(s, "unload: ", 8)) {
            if (!r->unload[0]) {
                snprintf(r->unload, sizeof(r->unload), "%s", s + 8);
                len = strlen(r->unload);
                if (len >= sizeof(left_out) - 1 && !strcmp(r->unload + len - (sizeof(left_out) - 1), left_out))
                    r->unload[len - (sizeof(left_out) - 1)] = 0;
            }
            continue;
        }
        if (!strncmp(s, "sink", 4))
            add_category(r, "refs");
        if (strstr(s, "BSTR") || strstr(s, "CoTaskMem") || strstr(s, " allocated in "))
            add_category(r, "blocks");
        if (!first)
            first = s;
        if (!sited && strstr(s, " allocated in "))
            sited = s;
    }
    cs_cut_frames(sited ? sited : first ? first : "", r->site, sizeof(r->site));
}

int cs_xresult_from_json(const char *json, cs_xresult *r)
{
    cs_jvalue doc;
    const cs_jvalue *run, *err;
    char path[96];
    double v;
    size_t k;

    if (cs_json_parse(json, &doc))
        return -1;
    if (!(run = cs_json_at(&doc, "runs.0")) || run->type != CS_J_OBJECT) {
        cs_json_free(&doc);
        return -1;
    }
    r->bytes_per_call = number_at(run, "verdicts.heap_bytes.per_iteration");
    r->blocks_per_call = number_at(run, "verdicts.heap_blocks.per_iteration");
    r->cotask_per_call = number_at(run, "verdicts.cotaskmem_bytes.per_iteration");
    v = number_at(run, "release.outstanding_refs");
    r->refs = isnan(v) ? -1 : (long long)v;
    v = number_at(run, "release.live_objects_end");
    r->objects = isnan(v) ? -1 : (long long)v;
    r->categories[0] = 0;
    for (k = 0; exact_metrics[k]; k++) {
        snprintf(path, sizeof(path), "verdicts.%s.verdict", exact_metrics[k]);
        if (text_is(run, path, "leak"))
            add_category(r, "leak");
    }
    release_part(run, r);
    if ((err = cs_json_at(run, "error")) && err->type == CS_J_STRING)
        snprintf(r->why, sizeof(r->why), "%s", err->string);
    cs_json_free(&doc);
    return 0;
}

/* qsort has no context argument: the arrays being sorted, for compare. */
static const cs_xmember *sort_members;
static const cs_xresult *sort_results;

static double sort_bytes(const cs_xresult *r)
{
    return isnan(r->bytes_per_call) ? -1 : r->bytes_per_call;
}

static int compare(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const cs_xresult *x = &sort_results[i], *y = &sort_results[j];
    double bx = sort_bytes(x), by = sort_bytes(y);
    int c;

    if (x->state != y->state)
        return x->state < y->state ? -1 : 1;
    if (bx != by)
        return bx > by ? -1 : 1;
    if ((c = strcmp(sort_members[i].path, sort_members[j].path)))
        return c;
    return (int)sort_members[i].kind - (int)sort_members[j].kind;
}

void cs_xmap_sort(const cs_xmember *m, cs_xresult *r, size_t *order, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        order[i] = i;
    sort_members = m;
    sort_results = r;
    qsort(order, n, sizeof(order[0]), compare);
}

/* "+24 B", "0 B", "n/a". */
static void figure(double v, const char *unit, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "n/a");
    else if (fabs(v) < 0.005)
        snprintf(buf, len, "0 %s", unit);
    else
        snprintf(buf, len, "%+.2f %s", v, unit);
}

void cs_xmap_line(const cs_xmember *m, const cs_xresult *r, char *buf, size_t len)
{
    char label[CS_XTEXT_LEN + 8], bytes[32], blocks[40], refs[32], state[96];
    int measured = r->state == CS_XS_FAILED || r->state == CS_XS_CLEAN;

    cs_xmember_label(m, label, sizeof(label));
    snprintf(state, sizeof(state), "%s%s%s%s", cs_xstate_name(r->state), r->categories[0] && measured ? " (" : "",
             measured ? r->categories : "", r->categories[0] && measured ? ")" : "");
    if (!measured) {
        snprintf(buf, len, "  %-28s %s: %s", label, state, r->state == CS_XS_SKIPPED && !r->why[0]
                 ? m->skip_why : r->why);
        return;
    }
    figure(r->bytes_per_call, "B", bytes, sizeof(bytes));
    figure(r->blocks_per_call, "blocks", blocks, sizeof(blocks));
    if (r->refs < 0)
        snprintf(refs, sizeof(refs), "refs n/a");
    else
        snprintf(refs, sizeof(refs), "%lld refs", r->refs);
    snprintf(buf, len, "  %-28s %-22s %10s %14s per call, %s%s%s", label, state, bytes, blocks, refs,
             r->site[0] ? "; " : "", r->site);
}
