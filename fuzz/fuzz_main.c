/*
 * The libFuzzer target around one entry of fuzz_entries.h, chosen at
 * build time (CS_FUZZ_ENTRY). A broken property aborts, so libFuzzer
 * saves the input as a crash like any sanitizer finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *problem = CS_FUZZ_ENTRY(data, size);

    if (problem) {
        fprintf(stderr, "fuzz: %s\n", problem);
        abort();
    }
    return 0;
}
