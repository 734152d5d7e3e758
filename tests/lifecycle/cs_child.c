/* See cs_child.h. */
#include "cs_check.h"
#include "cs_child.h"
#include <stdio.h>

const char *cs_run_child(const char *tag, const char *args, double timeout, cs_child_result *r)
{
    static char dir[MAX_PATH];
    char full[MAX_PATH + 200];
    cs_child_spec spec = { 0 };

    snprintf(dir, sizeof(dir), "%s", cs_temp_dir(tag));
    snprintf(full, sizeof(full), "%s --out \"%s\"", args, dir);
    spec.exe = cs_env("COMSTRESS_LIFECYCLE_EXE");
    spec.args = full;
    spec.out_dir = dir;
    spec.timeout_s = timeout;
    ck_assert_msg(cs_isolate_run(&spec, r) == 0, "cannot run the lifecycle driver: %s", r->text);
    return dir;
}
