/*
 * cs_lifecycle_driver: `suite` and `child` without the rest of comstress,
 * so the lifecycle module builds and is tested on its own. It has no
 * `run`: the suite's run scenarios need comstress.exe (suite --exe).
 */
#include <windows.h>
#include <stdio.h>
#include "lifecycle.h"
#include "options.h"
#include "paths.h"
#include "suite.h"

int main(int argc, char **argv)
{
    static cs_options o;
    int rc, done;

    setvbuf(stdout, NULL, _IONBF, 0);
    /* Every word as UTF-16 from Windows, held as UTF-8: the C runtime's
     * argv went through the ANSI code page and lost what it cannot hold. */
    if (!(argv = cs_utf8_argv(&argc))) {
        fprintf(stderr, "cs_lifecycle_driver: cannot read the command line\n");
        return CS_EXIT_INTERNAL;
    }
    SetConsoleOutputCP(CP_UTF8);
    if ((rc = cs_options_main(argc, argv, &o, "cs_lifecycle_driver", &done)) || done)
        return rc;
    if (o.command == CS_CMD_SUITE)
        return cs_suite_main(&o.suite);
    if (o.command == CS_CMD_CHILD)
        return cs_life_run(&o.life);
    fprintf(stderr, "cs_lifecycle_driver: '%s': only suite and child are available here "
                    "(comstress.exe has the other commands)\n", argv[1]);
    return CS_EXIT_USAGE;
}
