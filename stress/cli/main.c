/*
 * comstress: a COM interop stress tester. The entry point: one parser for
 * every subcommand (options.h), then the subcommand. run, compare, list and
 * report are in this folder (commands.h); suite and child are the DLL
 * lifecycle suite (stress/lifecycle).
 */
#include <windows.h>
#include <stdio.h>
#include "cmd_explore.h"
#include "commands.h"
#include "lifecycle.h"
#include "options.h"
#include "paths.h"
#include "suite.h"

/* The subcommands that need COM on this thread (the MTA). */
static int run_with_com(cs_options *o, int argc, char **argv)
{
    HRESULT hr;
    char why[300];
    int rc;

    if (FAILED(hr = CoInitializeEx(NULL, COINIT_MULTITHREADED))) {
        fprintf(stderr, "comstress: CoInitializeEx failed: %s\n", cs_hresult_text(hr, why, sizeof(why)));
        return CS_EXIT_INTERNAL;
    }
    rc = o->command == CS_CMD_LIST ? cs_cmd_list(o)
       : o->command == CS_CMD_EXPLORE ? cs_cmd_explore(o, argc, argv) : cs_cmd_run(o, argc, argv);
    CoUninitialize();
    return rc;
}

int main(int argc, char **argv)
{
    static cs_options o;
    int rc, done;

    setvbuf(stdout, NULL, _IONBF, 0);
    /* Every word as UTF-16 from Windows, held as UTF-8: the C runtime's
     * argv went through the ANSI code page and lost what it cannot hold. */
    if (!(argv = cs_utf8_argv(&argc))) {
        fprintf(stderr, "comstress: cannot read the command line\n");
        return CS_EXIT_INTERNAL;
    }
    SetConsoleOutputCP(CP_UTF8);
    if ((rc = cs_options_main(argc, argv, &o, "comstress", &done)) || done)
        return rc;
    switch (o.command) {
    case CS_CMD_REPORT:
        return cs_cmd_report(o.report_dir, o.fail_on, o.verbose);
    case CS_CMD_SUITE:
        return cs_suite_main(&o.suite);
    case CS_CMD_CHILD:
        return cs_life_run(&o.life);
    default:
        return run_with_com(&o, argc, argv);
    }
}
