/* The engine's status in words and as an exit code: see status.h. */
#include <string.h>
#include "status.h"
#include "judge.h"
#include "options.h"

static const struct { const char *word; int code; const char *phase; } statuses[CS_ST_COUNT] = {
    [CS_ST_COMPLETED] = { "completed", CS_EXIT_OK, "passed" },
    [CS_ST_INTERRUPTED] = { "interrupted", CS_EXIT_INTERRUPTED, "interrupted" },
    [CS_ST_CRASHED] = { "crashed", CS_EXIT_CRASH, "crashed" },
    [CS_ST_HUNG] = { "hung", CS_EXIT_HANG, "hung" },
    [CS_ST_CANNOT_WRITE] = { "could not write", CS_EXIT_OUTPUT, "error" },
    [CS_ST_CALL_FAILED] = { "call failed", CS_EXIT_CALL, "error" },
    [CS_ST_TARGET_FAILED] = { "target failed", CS_EXIT_TARGET, "error" },
    [CS_ST_USAGE] = { "bad command line", CS_EXIT_USAGE, "error" },
    [CS_ST_INTERNAL] = { "internal error", CS_EXIT_INTERNAL, "error" },
};

int cs_status_exit(cs_status s)
{
    return (unsigned)s < CS_ST_COUNT ? statuses[s].code : CS_EXIT_INTERNAL;
}

cs_status cs_status_of_exit(int code)
{
    int s;

    if (code == CS_EXIT_OK || code == CS_EXIT_VERDICT)
        return CS_ST_COMPLETED;
    for (s = 0; s < CS_ST_COUNT; s++)
        if (statuses[s].code == code)
            return (cs_status)s;
    return CS_ST_INTERNAL;
}

const char *cs_status_word(cs_status s)
{
    return (unsigned)s < CS_ST_COUNT ? statuses[s].word : statuses[CS_ST_INTERNAL].word;
}

cs_status cs_status_from_word(const char *word)
{
    int s;

    for (s = 0; word && s < CS_ST_COUNT; s++)
        if (!strcmp(statuses[s].word, word))
            return (cs_status)s;
    return CS_ST_COUNT;
}

const char *cs_status_phase_end(cs_status s, int fails)
{
    if (s == CS_ST_COMPLETED)
        return fails ? "failed" : "passed";
    return (unsigned)s < CS_ST_COUNT ? statuses[s].phase : "error";
}

int cs_session_exit(cs_status s, const cs_run *runs, size_t n)
{
    if (s != CS_ST_COMPLETED)
        return cs_status_exit(s);
    return cs_judge_any(runs, n) ? CS_EXIT_VERDICT : CS_EXIT_OK;
}
