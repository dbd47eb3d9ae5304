/* libFuzzer harness for the source-definition loader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../collect/source.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "json");
    struct source *src = NULL;

    if (source_load(path, NULL, &src) == TTE_OK)
        source_free(src);
    return 0;
}
