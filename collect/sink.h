#ifndef SINK_H
#define SINK_H

/*
 * What a reader hands on: records, rejects and clean points. The readers
 * (read_csv.c, read_jsonl.c, read_lines.c, read_xlsx.c) know this and
 * input.h only; what a sink does
 * with a record (check it, print it, store it) is not their business.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tte_err.h"

/*
 * One row: CSV fields, or a JSON object. The texts belong to the reader
 * and live until the record's callback returns.
 */
struct record {
    size_t line;
    char *const *fields; /* NUL-terminated texts */
    const size_t *lens;
    size_t nfields;
    void *json; /* cJSON *, for JSONL */
    /* The row's text for a reject, with secrets redacted; made only when
     * one is needed. */
    const char *(*raw)(void *ctx, size_t *len);
    void *raw_ctx;
    /* The text as read, when handing it to another thread is cheap;
     * NULL otherwise. A JSON line may hold secrets: redact it before
     * keeping it (json_redact_text). */
    const char *plain;
    size_t plain_len;
    bool plain_is_json;
    /* A line the "lines" pattern did not match: counted as filtered,
     * never an event. */
    bool unmatched;
    /* Per field, why its value cannot be used (a workbook's identifier
     * that lost digits as a number), or NULL; the row is refused only
     * when a mapped column has one. NULL: none. */
    const char *const *field_notes;
};

struct sink {
    void *ctx;
    /* A CSV file's column names (NULL, 0 for a file without a header);
     * the names may be trimmed in place. *secret receives an allocated
     * array: which columns hold secrets (the reader frees it). */
    enum tte_err (*header)(void *ctx, char **names, size_t n, bool **secret);
    enum tte_err (*record)(void *ctx, const struct record *rec);
    /* A row refused before it became a record; raw[0..raw_len) is the
     * text to keep, already redacted. */
    enum tte_err (*reject)(void *ctx, size_t line, const char *reason,
                           const char *raw, size_t raw_len);
    /* Every row before byte `offset` (line `line`) has been handed on:
     * a place a later run may resume from. */
    enum tte_err (*clean_point)(void *ctx, long long offset, size_t line);
};

#endif
