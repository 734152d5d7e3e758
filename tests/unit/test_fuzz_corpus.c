/* Suite "fuzz_corpus": every committed seed of every fuzz target
 * (fuzz/corpus/TARGET/) replayed through the same entry function the
 * libFuzzer target calls (fuzz/fuzz_entries.h), built with the normal
 * compiler: the corpus stays valid input, and each property the entries
 * check holds on it. Inputs kept from findings live in the corpus too,
 * so this suite replays them on every build. */
#include "cs_unit.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_entries.h"

typedef const char *(*entry_fn)(const unsigned char *data, size_t size);

/* Reads path whole into a malloc'd buffer, its length in *len. */
static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n;

    *len = 0;
    if (!f)
        return NULL;
    do {
        unsigned char *nb = realloc(buf, cap += 65536);
        if (!nb) {
            free(buf);
            fclose(f);
            return NULL;
        }
        buf = nb;
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
    } while (*len == cap);
    fclose(f);
    return buf;
}

/* Replays fuzz/corpus/target/ through entry: every file must pass, and
 * there must be at least min_files of them (a lost corpus fails). */
static void replay(const char *target, entry_fn entry, size_t min_files)
{
    const char *src = getenv("COMSTRESS_SOURCE_DIR");
    char dir[1024], path[1400];
    struct dirent *e;
    size_t files = 0, len;
    DIR *d;

    ck_assert_msg(src != NULL, "COMSTRESS_SOURCE_DIR is not set");
    snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", src, target);
    d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    while ((e = readdir(d))) {
        unsigned char *data;
        const char *problem;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        data = read_bytes(path, &len);
        ck_assert_msg(data != NULL, "cannot read %s", path);
        problem = entry(data, len);
        ck_assert_msg(problem == NULL, "%s: %s", path, problem);
        free(data);
        files++;
    }
    closedir(d);
    ck_assert_msg(files >= min_files, "%s: %lu seeds, expected at least %lu", dir,
                  (unsigned long)files, (unsigned long)min_files);
}

START_TEST(every_call_text_seed_replays_clean)
{
    replay("callspec", cs_fuzz_callspec, 10);
}
END_TEST

START_TEST(every_command_line_seed_replays_clean)
{
    replay("options", cs_fuzz_options, 10);
}
END_TEST

START_TEST(every_samples_csv_seed_replays_clean)
{
    replay("csv", cs_fuzz_csv, 10);
}
END_TEST

START_TEST(every_number_series_seed_replays_clean)
{
    replay("stats", cs_fuzz_stats, 8);
}
END_TEST

START_TEST(every_debug_information_seed_replays_clean)
{
    replay("debuginfo", cs_fuzz_debuginfo, 8);
}
END_TEST

START_TEST(every_run_json_seed_replays_clean)
{
    replay("explore", cs_fuzz_explore, 5);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(every_call_text_seed_replays_clean),
        CS_TEST(every_command_line_seed_replays_clean),
        CS_TEST(every_samples_csv_seed_replays_clean),
        CS_TEST(every_number_series_seed_replays_clean),
        CS_TEST(every_debug_information_seed_replays_clean),
        CS_TEST(every_run_json_seed_replays_clean),
        NULL
    };

    return cs_run_tests("fuzz_corpus", NULL, NULL, tests);
}
