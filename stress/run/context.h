/* Fills run.json's context block (date, host, OS or Wine version, build,
 * version, command line, the process heap's mode as the heap reports it). */
#ifndef CS_CONTEXT_H
#define CS_CONTEXT_H

#include "model.h"

typedef struct cs_context_store {
    cs_context ctx;            /* points into the buffers below */
    char date[40], host[64], os[96], cmdline[4096];
} cs_context_store;

void cs_context_fill(cs_context_store *st, int argc, char **argv);

#endif
