/* Names and units of the model's enums; see model.h. */
#include <math.h>
#include "model.h"
#include <string.h>

static const struct {
    const char *name;
    const char *unit;
    int page_granular;
} metric_info[CS_M_COUNT] = {
    [CS_M_HEAP_BYTES]      = { "heap_bytes", "bytes" },
    [CS_M_HEAP_BLOCKS]     = { "heap_blocks", "blocks" },
    [CS_M_WORKING_SET]     = { "working_set_bytes", "bytes", 1 },
    [CS_M_PAGEFILE]        = { "pagefile_bytes", "bytes", 1 },
    [CS_M_HANDLES]         = { "handles", "handles" },
    [CS_M_THREADS]         = { "threads", "threads" },
    [CS_M_LIVE_OBJECTS]    = { "live_objects", "objects" },
    [CS_M_SERVER_LOCKS]    = { "server_locks", "locks" },
    [CS_M_COTASKMEM_BYTES] = { "cotaskmem_bytes", "bytes" },
    [CS_M_CACHE_ENTRIES]   = { "cache_entries", "entries" },
    [CS_M_CACHE_BYTES]     = { "cache_bytes", "bytes" },
};

static const char *const verdict_names[] = {
    [CS_V_CLEAN]        = "clean",
    [CS_V_LEAK]         = "leak",
    [CS_V_PLATEAU]      = "plateau",
    [CS_V_INCONCLUSIVE] = "inconclusive",
    [CS_V_NOT_MEASURED] = "not_measured",
};

const char *cs_metric_name(cs_metric m)
{
    if ((unsigned)m >= CS_M_COUNT)
        return "unknown";
    return metric_info[m].name;
}

int cs_metric_is_bytes(cs_metric m)
{
    return !strcmp(cs_metric_unit(m), "bytes");
}

int cs_metric_page_granular(cs_metric m)
{
    return (unsigned)m < CS_M_COUNT && metric_info[m].page_granular;
}

const char *cs_metric_unit(cs_metric m)
{
    if ((unsigned)m >= CS_M_COUNT)
        return "units";
    return metric_info[m].unit;
}

cs_metric cs_metric_from_name(const char *name)
{
    int m;

    if (!name)
        return CS_M_COUNT;
    for (m = 0; m < CS_M_COUNT; m++)
        if (!strcmp(metric_info[m].name, name))
            return (cs_metric)m;
    return CS_M_COUNT;
}

const char *cs_verdict_name(cs_verdict_kind k)
{
    if ((unsigned)k >= sizeof(verdict_names) / sizeof(verdict_names[0]))
        return "unknown";
    return verdict_names[k];
}

void cs_sample_clear(cs_sample *s)
{
    int i;

    s->iteration = 0;
    s->elapsed_s = 0;
    for (i = 0; i < CS_M_COUNT; i++)
        s->v[i] = NAN;
}
