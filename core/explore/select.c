/*
 * explore: which members are explored (--members, --skip, the default
 * skip list) and the plan as a script. See explore.h.
 */
#include "explore.h"
#include <string.h>

int cs_xglob_split(const char *option, const char *text, char *buf, size_t buflen,
                   const char **pats, char *err, size_t errlen)
{
    char *p, *comma;
    int n = 0;

    if (strlen(text) >= buflen) {
        snprintf(err, errlen, "%s: the list is longer than %u characters", option, (unsigned)buflen - 1);
        return -1;
    }
    strcpy(buf, text);
    for (p = buf; ; p = comma + 1) {
        if ((comma = strchr(p, ',')))
            *comma = 0;
        if (!*p) {
            snprintf(err, errlen, "%s: '%s' has an empty pattern", option, text);
            return -1;
        }
        if (n == CS_XMAX_GLOBS) {
            snprintf(err, errlen, "%s: at most %d patterns", option, CS_XMAX_GLOBS);
            return -1;
        }
        pats[n++] = p;
        if (!comma)
            return n;
    }
}

static int matches(const char *pat, const cs_xmember *m)
{
    return cs_xglob(pat, m->path) || cs_xglob(pat, m->name);
}

/* Whether a --members pattern names m exactly (no wildcard in it). */
static int named(const char *const *members, int n, const cs_xmember *m)
{
    int k;

    for (k = 0; k < n; k++)
        if (!strpbrk(members[k], "*?") && matches(members[k], m))
            return 1;
    return 0;
}

/* Sets m's skip state from the three lists; returns whether it stays. */
static int choose(cs_xmember *m, const char *const *members, int nmembers, const char *const *skip, int nskip)
{
    const char *def;
    int k, in = !nmembers;

    for (k = 0; k < nmembers && !in; k++)
        in = matches(members[k], m);
    if (!in) {
        snprintf(m->skip_why, sizeof(m->skip_why), "%s", CS_XNOT_SELECTED);
        return 0;
    }
    for (k = 0; k < nskip; k++) {
        if (matches(skip[k], m)) {
            snprintf(m->skip_why, sizeof(m->skip_why), "--skip %s", skip[k]);
            return 0;
        }
    }
    if ((def = cs_xdefault_skip(m->name)) && !named(members, nmembers, m)) {
        snprintf(m->skip_why, sizeof(m->skip_why),
                 "default skip list (%s): name it in --members to explore it", def);
        return 0;
    }
    return 1;
}

int cs_xleft_out(const cs_xmember *m, const char *const *members, int nmembers,
                 const char *const *skip, int nskip)
{
    int k;

    for (k = 0; k < nskip; k++)
        if (matches(skip[k], m))
            return 1;
    return cs_xdefault_skip(m->name) && !named(members, nmembers, m);
}

int cs_xselect(cs_xmember *m, size_t n, const char *const *members, int nmembers,
               const char *const *skip, int nskip, char *err, size_t errlen)
{
    size_t i;
    int k;

    for (k = 0; k < nmembers; k++) {
        for (i = 0; i < n && !matches(members[k], &m[i]); i++)
            ;
        if (i == n) {
            snprintf(err, errlen, "--members: '%s' matches no member (comstress list members shows them)",
                     members[k]);
            return -1;
        }
    }
    for (i = 0; i < n; i++) {
        m[i].skip_why[0] = 0;
        m[i].skipped = !choose(&m[i], members, nmembers, skip, nskip);
    }
    return 0;
}

int cs_xplan_write(FILE *f, const char *target, const cs_xmember *m, size_t n)
{
    char text[CS_XTEXT_LEN * 2], why[CS_XWHY_LEN], label[CS_XTEXT_LEN + 8];
    size_t i;

    fprintf(f, "# comstress explore plan of %s: each member's statements, run on their own\n"
               "# (comstress run --target %s --script THIS_FILE runs them all in one loop)\n",
            target, target);
    for (i = 0; i < n; i++) {
        cs_xmember_label(&m[i], label, sizeof(label));
        if (m[i].skipped) {
            fprintf(f, "# member %s: left out (%s)\n", label, m[i].skip_why);
        } else if (cs_xmember_statements(&m[i], text, sizeof(text), why, sizeof(why))) {
            fprintf(f, "# member %s: not called: %s\n", label, why);
        } else {
            fprintf(f, "# member %s\n%s", label, text);
        }
    }
    return ferror(f) ? -1 : 0;
}
