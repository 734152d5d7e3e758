/* `comstress list`: what the target and the tool offer (commands.h). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "target.h"
#include "paths.h"

/* The reference server's fault catalogue, through its probe. */
static int list_faults(const cs_options *o)
{
    cs_target t;
    char err[CS_ERR_LEN], *cat;
    int rc;

    if ((rc = cs_target_open(o->target, o->dll, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    cat = cs_target_fault_catalogue(&t);
    cs_target_close(&t);
    if (!cat) {
        fprintf(stderr, "comstress: target '%s' has no fault catalogue (no comstress probe)\n", t.name);
        return CS_EXIT_TARGET;
    }
    fputs(cat, stdout);
    if (*cat && cat[strlen(cat) - 1] != '\n')
        putchar('\n');
    free(cat);
    return CS_EXIT_OK;
}

/*
 * `list classes --dll PATH`: the creatable classes of the DLL's type
 * library, one a line: name, CLSID, ProgID ("-" when none is registered:
 * a type library holds none) and description, separated by tabs.
 */
static int list_classes(const cs_options *o)
{
    cs_dll_class classes[CS_DLL_MAX_CLASSES];
    cs_dll d;
    WCHAR wclsid[40];
    char err[CS_ERR_LEN], clsid[40];
    size_t n = 0, i;
    HRESULT hr;
    int rc;

    if ((rc = cs_dll_load(o->dll, &d, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return rc;
    }
    if (FAILED(hr = cs_dll_classes(&d, classes, CS_DLL_MAX_CLASSES, &n))) {
        fprintf(stderr, "comstress: --dll '%s': no type library names its classes (%s)\n", d.path,
                cs_hresult_text(hr, err, sizeof(err)));
        return CS_EXIT_TARGET;
    }
    if (!n)
        printf("(no creatable class in the type library of %s)\n", d.path);
    for (i = 0; i < n; i++) {
        StringFromGUID2(&classes[i].clsid, wclsid, 40);
        WideCharToMultiByte(CP_UTF8, 0, wclsid, -1, clsid, sizeof(clsid), NULL, NULL);
        printf("%s\t%s\t%s\t%s\n", classes[i].name, clsid, classes[i].progid[0] ? classes[i].progid : "-",
               classes[i].doc);
    }
    return CS_EXIT_OK;
}

int cs_cmd_list(cs_options *o)
{
    size_t i;

    if (!strcmp(o->list_what, "policies")) {
        for (i = 0; i < CS_NPOLICIES; i++)
            printf("%s\n", cs_policy_names[i]);
        return CS_EXIT_OK;
    }
    if (!strcmp(o->list_what, "classes"))
        return list_classes(o);
    if (!strcmp(o->list_what, "members"))
        return cs_cmd_list_members(o);
    return list_faults(o);
}
