/* See app.h. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "options.h"
#include "report_csv.h"
#ifdef COMSTRESS_HAVE_SUITE
#include "suite.h"
#endif

/* Creates every missing directory of path ('/' or '\\' separated). */
static BOOL make_dirs(const char *path)
{
    char buf[MAX_PATH];
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return FALSE;
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\\' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (i > 2 || buf[1] != ':')
                CreateDirectoryA(buf, NULL);
            buf[i] = c;
        }
    }
    return (GetFileAttributesA(path) & FILE_ATTRIBUTE_DIRECTORY) != 0
           && GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

int cs_app_prepare_out(const char *dir, struct cs_csv_writer **csv)
{
    char path[MAX_PATH];

    *csv = NULL;
    if (!make_dirs(dir)) {
        fprintf(stderr, "comstress: --out '%s': cannot create the directory (error %lu)\n",
                dir, GetLastError());
        return CS_EXIT_OUTPUT;
    }
    snprintf(path, sizeof(path), "%s/samples.csv", dir);
    if (!(*csv = cs_csv_open(path))) {
        fprintf(stderr, "comstress: --out '%s': cannot write %s\n", dir, path);
        return CS_EXIT_OUTPUT;
    }
    return CS_EXIT_OK;
}

int cs_app_dispatch_extra(int argc, char **argv)
{
#ifdef COMSTRESS_HAVE_SUITE
    if (argc > 1 && !strcmp(argv[1], "suite"))
        return cs_suite_main(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "child"))
        return cs_child_main(argc, argv);
#endif
    return -1;
}

int cs_app_report(const char *dir)
{
    fprintf(stderr, "comstress: report: not implemented yet\n");
    return CS_EXIT_INTERNAL;
}
