/*
 * What must hold of a command line once every word is read, and the
 * defaults that depend on the command: see options_internal.h.
 */
#include <string.h>
#include "options.h"
#include "options_internal.h"

/* --variant words each scenario has: leaky and fixed for the C DLLs,
 * everything but fixed for pascal-tls. */
static int check_variant(const cs_life_options *l, char *err, size_t errlen)
{
    if (!strcmp(l->scenario, "pascal-tls") && l->fixed == CS_LIFE_FIXED)
        return cs_opt_fail(err, errlen, "child pascal-tls: --variant fixed does not exist "
                           "(leaky, ended, pool, dll-threads)");
    if (strcmp(l->scenario, "pascal-tls") && l->fixed > CS_LIFE_FIXED)
        return cs_opt_fail(err, errlen, "child %s: --variant is leaky or fixed", l->scenario);
    return CS_EXIT_OK;
}

int cs_options_check(cs_options *o, char *err, size_t errlen)
{
    switch (o->command) {
    case CS_CMD_REPORT:
        if (!o->report_dir)
            return cs_opt_fail(err, errlen, "report: missing DIR (comstress report DIR)");
        break;                        /* fail_on 0: the run's own gate */
    case CS_CMD_LIST:
        if (!o->list_what)
            return cs_opt_fail(err, errlen, "list: say what to list (" LIST_WORDS ")");
        if (!strcmp(o->list_what, "classes") && !o->dll)
            return cs_opt_fail(err, errlen, "list classes: give the server's --dll PATH");
        if (!o->target && !o->dll)
            o->target = "ComStress.Target";
        break;
    case CS_CMD_CHILD:
        if (!o->life.scenario)
            return cs_opt_fail(err, errlen, "child: missing scenario name (" LIFE_SCENARIO_LIST ")");
        return check_variant(&o->life, err, errlen);
    case CS_CMD_RUN: case CS_CMD_COMPARE:
        if (!o->fail_on)
            o->fail_on = CS_FAIL_DEFAULT;
        if (!o->target && !o->dll)
            o->target = "ComStress.Target";
        if (o->dll && o->activation == CS_ACT_COCREATE)
            return cs_opt_fail(err, errlen, "--activation cocreate needs a registered target: --dll makes objects "
                               "through the DLL's own class factory");
        if (o->sink_sta && o->scenario != CS_SCEN_PASS_INSTANCE)
            return cs_opt_fail(err, errlen, "--sink-apartment sta needs --scenario pass-instance");
        if (o->duration_s > 0 && o->iterations_given)
            return cs_opt_fail(err, errlen, "--duration and --iterations: give one (a soak run lasts --duration, "
                               "a counted run --iterations)");
        if (o->duration_s > 0)
            o->iterations = CS_SOAK_ITERATIONS;
        if (o->warmup >= o->iterations)
            return cs_opt_fail(err, errlen, "--warmup: %lld is not below --iterations %lld",
                               o->warmup, o->iterations);
        break;
    case CS_CMD_EXPLORE:
        if (!o->fail_on)
            o->fail_on = CS_FAIL_DEFAULT;
        if (!o->target && !o->dll)
            o->target = "ComStress.Target";
        break;
    default:
        break;
    }
    return CS_EXIT_OK;
}
