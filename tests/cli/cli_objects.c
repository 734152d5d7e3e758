/*
 * Helpers of the object-model CLI suites (test_objects.c, test_servers.c):
 * scripts written to disk, runs with a fresh output folder, findings
 * expected, junit.xml read back, a renamed copy of the reference server.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cs_run_result res;

/* Writes text (bytes as given) to dir\name; returns the path (static). */
const char *write_script(const char *dir, const char *name, const char *text)
{
    static char path[MAX_PATH];
    FILE *f;

    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Lines of the output starting with "comstress: " (its error lines). */
int error_lines(void)
{
    const char *p = res.out;
    int n = 0;

    while ((p = strstr(p, "comstress: "))) {
        n++;
        p++;
    }
    return n;
}

/* Runs `run` for 300 iterations with extra args on a fresh output dir
 * (leak verdicts of such a short run are not gated: --fail-on none keeps
 * every release category); returns the dir. */
const char *run_with(const char *tag, const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048];

    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --fail-on none --out \"%s\\out\" %s",
             dir, extra);
    cs_comstress(args, &res);
    return dir;
}

/* A fault must end in exit 1 with exactly this classified line. */
void expect_finding(const char *tag, const char *extra, const char *line)
{
    run_with(tag, extra);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(line);
}

/* The same with a script written to the run's folder first. */
void expect_script_finding(const char *tag, const char *script, const char *extra, const char *line)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048];

    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --fail-on none --out \"%s\\out\" "
             "--script \"%s\" %s", dir, write_script(dir, "s.txt", script), extra);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(line);
}

/* Whether junit.xml in dir holds a <failure> element; -1: no file. */
int junit_failures(const char *dir)
{
    char *xml = cs_read_out(dir, "junit.xml");
    int n;

    if (!xml)
        return -1;
    n = strstr(xml, "<failure") != NULL;
    free(xml);
    return n;
}

/* The reference server copied under another name: only --dll reaches
 * it (the registry names the original). Returns the copy's path. */
const char *server_copy(const char *dir)
{
    static char path[MAX_PATH];

    snprintf(path, sizeof(path), "%s\\renamed_server.dll", dir);
    ck_assert_msg(CopyFileA(cs_env("COMSTRESS_SERVER_DLL"), path, FALSE), "cannot copy the server to %s", path);
    return path;
}

/* The object model a careful client walks: a chain, names, an each (and
 * one over a Clone of the enumerator), events on the object and on a
 * child, out, optional and array arguments, an array result. */
const char clean_model[] =
    "# the reference server's object model, walked as a client would\n"
    "@items = Items\n"
    "@added = @items.Add('extra')\n"
    "@items.Item(2).Name\n"
    "each @items: Name\n"
    "@items.Remove('extra')\n"
    "each clone Items: Name\n"
    "advise @obj\n"
    "Fire(3)\n"
    "unadvise @obj\n"
    "@child = CreateChild()\n"
    "advise @child\n"
    "@child.Fire(1)\n"
    "unadvise @child\n"
    "Range(1,,3)\n"
    "GetPair(out @value, out @name)\n"
    "Sum([1, 2.5, '3'])\n"
    "MakeItems(2)\n";
