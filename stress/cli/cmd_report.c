/* `comstress report DIR`: see commands.h; the work is the session's
 * (stress/run/rebuilt.h). */
#include "commands.h"
#include "rebuilt.h"

int cs_cmd_report(const char *dir, unsigned gate, int verbose)
{
    return cs_rebuild_reports(dir, gate, verbose);
}
