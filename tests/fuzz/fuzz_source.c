/* libFuzzer harness for the source-definition loader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../collect/source.h"
#include "tte_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct source *src = NULL;

    if (!path[0]) {
        tte_log_init("fuzz");
        tte_log_set_level(-1);
        /* run.sh points TMPDIR at a folder it removes afterwards. */
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/tte-fuzz-%d.json",
                 tmp && *tmp ? tmp : "/tmp", (int)getpid());
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    if (source_load(path, NULL, &src) == TTE_OK)
        source_free(src);
    return 0;
}
