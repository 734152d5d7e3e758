/* `comstress list`: what the target and the tool offer (commands.h). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "target.h"

int cs_cmd_list(const cs_options *o)
{
    cs_target t;
    char err[CS_ERR_LEN], *cat;
    size_t i;

    if (!strcmp(o->list_what, "policies")) {
        for (i = 0; i < CS_NPOLICIES; i++)
            printf("%s\n", cs_policy_names[i]);
        return CS_EXIT_OK;
    }
    if (FAILED(cs_target_open(o->target, &t, err, sizeof(err)))) {
        fprintf(stderr, "comstress: %s\n", err);
        return CS_EXIT_TARGET;
    }
    cat = cs_target_fault_catalogue(&t);
    cs_target_close(&t);
    if (!cat) {
        fprintf(stderr, "comstress: target '%s' has no fault catalogue (no comstress probe)\n", o->target);
        return CS_EXIT_TARGET;
    }
    fputs(cat, stdout);
    if (*cat && cat[strlen(cat) - 1] != '\n')
        putchar('\n');
    free(cat);
    return CS_EXIT_OK;
}
