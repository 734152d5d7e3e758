/* Glue between main() and the modules: the output directory, the `report`
 * command, and the commands other modules provide (suite, child). */
#ifndef CS_APP_H
#define CS_APP_H

struct cs_csv_writer;

/* Creates dir (and its parents) and opens dir/samples.csv for streaming.
 * Checked before a run starts, so an unwritable --out costs nothing.
 * Returns 0, or CS_EXIT_OUTPUT after printing one line naming the path. */
int cs_app_prepare_out(const char *dir, struct cs_csv_writer **csv);

/* `comstress report DIR`: rebuilds the reports from DIR/samples.csv. */
int cs_app_report(const char *dir);

/* Runs `suite` and `child` when argv names them; returns their exit code,
 * or -1 when argv is another command. */
int cs_app_dispatch_extra(int argc, char **argv);

#endif
