#ifndef COLLECT_H
#define COLLECT_H

/*
 * The collect stage's options and counters. Data runs one way:
 * main.c -> collect_file.c (one file) -> input.c, read_csv.c, read_jsonl.c,
 * read_lines.c, read_xlsx.c (lines or sheet rows to records) -> rowcheck.c (records to events, registry rows,
 * rejects) -> queue.c (a thread, for events) -> writer.c (the database).
 */

#include <stdbool.h>

/* Per-file counters; read = filtered + accepted + duplicates + rejected. */
struct file_stats {
    long long read, accepted, duplicates, rejected, filtered;
};

/* Options from the command line. */
struct collect_opts {
    const char *db_path;
    const char *source;
    const char *zone;
    const char *rejects_path;
    bool check;
    long check_rows;
    bool quiet;
    bool progress;
    bool strict;
    bool unmask_nik;
    bool allow_empty;          /* a registry may be cleared on purpose */
    bool allow_shrink;         /* --allow-shrink: any shrink is meant */
    int max_shrink;            /* --max-shrink: percent a registry may
                                 * lose unasked (default 10) */
    long long max_record;      /* --max-record-bytes; 0: the source's */
    bool forget;               /* --forget: the operands are removed */
    const char *forget_source; /* --forget-source NAME */
    const char *retry;         /* --retry REJECTS.csv */
    bool recover;              /* --recover: stopped runs' marks cleared */
};

#endif
