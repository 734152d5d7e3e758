/* Fuzz entry of explore's run.json reader and map line; see
 * fuzz_entries.h. */
#include "fuzz_entries.h"
#include <stdlib.h>
#include <string.h>
#include "explore.h"

/* Whether every word of categories is one a member's run can fail. */
static int known_categories(const char *categories)
{
    static const char *const words[] = { "leak", "refs", "objects", "blocks" };
    const char *p = categories;
    size_t n, k;

    while (*p) {
        n = strcspn(p, ",");
        for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
            if (strlen(words[k]) == n && !strncmp(p, words[k], n))
                break;
        if (k == sizeof(words) / sizeof(words[0]))
            return 0;
        p += n + (p[n] == ',');
    }
    return 1;
}

/* Each text field of r ends inside its buffer. */
static int terminated(const cs_xresult *r)
{
    return memchr(r->categories, 0, sizeof(r->categories)) && memchr(r->why, 0, sizeof(r->why))
        && memchr(r->site, 0, sizeof(r->site)) && memchr(r->unload, 0, sizeof(r->unload));
}

const char *cs_fuzz_explore(const unsigned char *data, size_t size)
{
    static cs_xmember m;
    const char *problem = NULL;
    char *text = malloc(size + 1), line[200];
    cs_jvalue v;
    cs_xresult r;
    int parsed;

    if (!text)
        return NULL;
    memcpy(text, data, size);
    text[size] = 0;
    if ((parsed = !cs_json_parse(text, &v)))
        cs_json_free(&v);
    else if (v.n || v.items || v.keys || v.string)
        problem = "a failed parse left a value behind";
    cs_xresult_init(&r);
    if (!cs_xresult_from_json(text, &r) && !parsed)
        problem = "figures read from text that is not JSON";
    else if (!terminated(&r))
        problem = "a text field of the result is not terminated";
    else if (!known_categories(r.categories))
        problem = "a category that is not leak, refs, objects or blocks";
    snprintf(m.name, sizeof(m.name), "Add");
    snprintf(m.path, sizeof(m.path), "Items.Add");
    cs_xmap_line(&m, &r, line, sizeof(line));
    if (!problem && !memchr(line, 0, sizeof(line)))
        problem = "the map line is not terminated";
    free(text);
    return problem;
}
