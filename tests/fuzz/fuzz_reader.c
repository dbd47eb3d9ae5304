/*
 * libFuzzer harness for the readers. Built with FUZZ_SOURCE "csv" and
 * "jsonl" (the built-in readers), and with FUZZ_DEFINITION, a source
 * definition (a JSON file in tests/fuzz) for "lines" and "xlsx"; FUZZ_EXT is
 * then the input file's extension. Each input is collected as a file
 * into an in-memory database, through the same path as tte-collect.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../collect/collect_file.h"
#include "../../collect/writer.h"
#include "tte_db.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3 *db;
    static struct source *src;
#ifdef FUZZ_DEFINITION
    const char *path = fuzz_file(data, size, FUZZ_EXT);
#else
    const char *path = fuzz_file(data, size, FUZZ_SOURCE);
#endif
    struct collect_opts o = {.db_path = ":memory:"};
    struct file_stats total = {0};

#ifdef FUZZ_DEFINITION
    if (!db && (tte_db_open(":memory:", false, &db) ||
                source_load(FUZZ_DEFINITION, NULL, &src)))
        abort();
#else
    if (!db && (tte_db_open(":memory:", false, &db) ||
                source_builtin(FUZZ_SOURCE, NULL, &src)))
        abort();
#endif
    struct writer *w = writer_new(db, src, &o, NULL);
    collect_file(src, &o, w, path, true, &total);
    writer_free(w);
    /* Every row is accounted for, whatever the input: read = filtered
     * (a "lines" pattern's unmatched lines) + accepted + duplicates +
     * rejected. */
    if (total.read !=
        total.filtered + total.accepted + total.duplicates + total.rejected)
        abort();
    tte_db_exec(db, "DELETE FROM events; DELETE FROM rejects;"
                    " DELETE FROM files");
    return 0;
}
