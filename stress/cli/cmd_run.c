/*
 * `comstress run` and `comstress compare`: the options resolved once into
 * a plan (core/samples/plan.h), which a session runs (stress/run/session.h).
 */
#include "commands.h"
#include "plan.h"
#include "session.h"

int cs_cmd_run(cs_options *o, int argc, char **argv)
{
    cs_plan p;

    cs_plan_resolve(o, &p);
    return cs_session_run(&p, argc, argv);
}
