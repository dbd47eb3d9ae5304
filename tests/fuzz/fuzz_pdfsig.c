/* libFuzzer harness for tte-evidence's walk over a PDF's signature fields
 * (libqpdf) and the checks on what it finds: a hostile file must give a
 * result, never a crash or a hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../evidence/evidence.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "pdf");
    struct ev_sig *sigs = NULL;
    size_t n = 0;
    char why[256];

    if (ev_pdf_signatures(path, &sigs, &n, why, sizeof why) != TTE_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = NULL;
        (void)ev_range_check(&sigs[i], (long long)size, &w);
    }
    ev_sigs_free(sigs, n);
    return 0;
}
