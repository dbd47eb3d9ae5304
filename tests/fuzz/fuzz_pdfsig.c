/* libFuzzer harness for tte-evidence's walk over a PDF's signature fields
 * (libqpdf) and the checks on what it finds: a hostile file must give a
 * result, never a crash or a hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../evidence/evidence.h"
#include "tte_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct ev_sig *sigs = NULL;
    size_t n = 0;
    char why[256];

    if (!path[0]) {
        tte_log_init("fuzz");
        tte_log_set_level(-1);
        /* run.sh points TMPDIR at a folder it removes afterwards. */
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/tte-fuzz-%d.pdf",
                 tmp && *tmp ? tmp : "/tmp", (int)getpid());
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    if (ev_pdf_signatures(path, &sigs, &n, why, sizeof why) != TTE_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = NULL;
        (void)ev_range_check(&sigs[i], (long long)size, &w);
    }
    ev_sigs_free(sigs, n);
    return 0;
}
