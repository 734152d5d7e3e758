/*
 * A run's output directory: owned by one run at a time (a lock file the
 * system deletes when the process ends, however it ends), emptied of an
 * older run's files, samples.csv opened for streaming.
 */
#ifndef CS_OUTDIR_H
#define CS_OUTDIR_H

struct cs_csv_writer;

/* Makes dir this process's own (a second run's open fails with a sharing
 * violation). Returns CS_EXIT_OK, or CS_EXIT_OUTPUT after one line naming
 * the run that holds it, or why the lock could not be made. */
int cs_out_own(const char *dir);

/* Creates dir (and its parents), owns it, removes an older run's files
 * and opens dir/samples.csv for streaming. Checked before a run starts,
 * so an unwritable --out costs nothing. Returns CS_EXIT_OK, or
 * CS_EXIT_OUTPUT after one line naming the path. */
int cs_out_prepare(const char *dir, struct cs_csv_writer **csv);

#endif
