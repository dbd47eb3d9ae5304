#ifndef COLLECT_H
#define COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "tte_err.h"
#include "tte_event.h"
#include "tte_util.h"

/* What a source's rows are: signing events or one of the registries. */
enum src_kind { KIND_EVENTS, KIND_CERTIFICATES, KIND_UNITS, KIND_APPS,
                KIND_VERIFIKATOR };
enum src_format { FMT_CSV, FMT_JSONL };
enum time_fmt { TF_ISO8601, TF_EPOCH, TF_EPOCH_MS, TF_PATTERN };

#define SRC_MAX_FIELDS F_COUNT

/* How one target field is read from a row. */
struct src_field {
    char *column;       /* CSV header name or JSON path; NULL: not mapped */
    int position;       /* 1-based CSV column when the file has no header */
    char *constant;     /* fixed value instead of a column */
    char **map_from;    /* value map, compared case-insensitively */
    char **map_to;
    size_t nmap;
    int col;            /* resolved CSV column, -1 when absent */
};

/* Keeps a row only when the selected value is in values[] (or contains
 * the substring). */
struct src_filter {
    char *column;
    int position;
    int col;
    char **values;
    size_t nvalues;
    char *contains;
};

struct time_format {
    enum time_fmt kind;
    char *pattern;      /* strptime(3) pattern for TF_PATTERN */
};

/* A source definition: built in (csv, jsonl, registries) or from JSON. */
struct source {
    char *name;
    char *path;                 /* definition file, NULL when built in */
    enum src_kind kind;
    enum src_format format;
    char delim;
    char quote;
    bool header;
    char *encoding;             /* NULL or "UTF-8": no transcoding */
    char *zone;
    int zone_offset;            /* for times without an offset */
    struct time_format *times;
    size_t ntimes;
    struct src_field fields[SRC_MAX_FIELDS];
    size_t nfields;             /* the kind's field count */
    struct src_filter *filters;
    size_t nfilters;
    /* JSON: when every field is a top-level key, one pass over an
     * object's members finds them all (map.c). */
    int json_simple;            /* 0 unknown, 1 yes, -1 no */
    struct { uint64_t hash; uint32_t fields; const char *key; } keys[64];
    /* The members of the last object, in order: a log's objects mostly
     * repeat one layout, so a member is found by one compare. */
    struct { char key[24]; uint32_t fields; } order[32];
};

/* Per-file counters; read = accepted + duplicates + rejected. */
struct file_stats {
    long long read, accepted, duplicates, rejected, filtered;
};

struct collect;

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
};

/* source.c */
const char *const *kind_fields(enum src_kind kind, size_t *n);
enum tte_err source_builtin(const char *name, const char *zone,
                            struct source **out);
enum tte_err source_load(const char *name_or_path, const char *zone,
                         struct source **out);
void source_free(struct source *s);

/*
 * A record handed from a reader to the mapper: CSV fields, or a JSON
 * object. raw is the row's text with secrets redacted (owned by reader).
 */
struct record {
    size_t line;
    char *const *fields;        /* NUL-terminated texts */
    const size_t *lens;
    size_t nfields;
    void *json;                 /* cJSON *, for JSONL */
    /* The row's text for a reject, made only when one is needed. */
    const char *(*raw)(void *ctx, size_t *len);
    void *raw_ctx;
    /* The text as read, when handing it to another thread is cheap;
     * NULL otherwise. A JSON line may hold secrets: redact it before
     * keeping it (json_redact_text). */
    const char *plain;
    size_t plain_len;
    bool plain_is_json;
};

/* map.c: fills row[0..nfields) from a record; the texts live in scratch
 * until its next use. Returns false with *reason set when the row is
 * refused before validation, true with *keep false when a filter drops
 * it. */
bool map_record(const struct source *src, const struct record *rec,
                struct tte_buf *scratch, char **row, bool *keep,
                struct tte_buf *reason);
enum tte_err map_header(struct source *src, const char *file, char **names,
                        size_t n, bool **secret_cols);

/* read_csv.c, read_jsonl.c: read a stream, calling collect_record() and
 * collect_reject() for each row. start_line is the line before offset. */
enum tte_err read_csv(struct collect *c, FILE *fp, const char *file,
                      size_t start_line, long long offset);
enum tte_err read_jsonl(struct collect *c, FILE *fp, const char *file,
                        size_t start_line);

/* collect.c: the sink both readers feed. */
enum tte_err collect_record(struct collect *c, const struct record *rec);
/* raw[0..raw_len) is kept; bytes that are not UTF-8 become \xNN. */
enum tte_err collect_reject(struct collect *c, size_t line,
                            const char *reason, const char *raw,
                            size_t raw_len);
/* Called by readers at record boundaries with the byte offset reached, so
 * that long files commit in chunks. */
enum tte_err collect_checkpoint(struct collect *c, long long offset,
                                size_t line);
const struct source *collect_source(const struct collect *c);
/* Transcodes a line to UTF-8 when the source declares an encoding;
 * returns the input when no transcoding is needed. */
const char *collect_transcode(struct collect *c, const char *in, size_t n,
                              size_t *outn);
void collect_progress(struct collect *c, long long offset);

/* json_path.c */
void *json_get_path(void *obj, const char *path);
/* Rewrites JSON text so every number token becomes a string holding its
 * exact digits (cJSON keeps numbers only as double). */
void json_quote_numbers(const char *in, size_t n, struct tte_buf *out);
/* Scalar JSON value as text (borrowed from the item, or written into
 * num), NULL for null/missing; *bad set when it is an object or array. */
const char *json_scalar(const void *item, bool *bad, char num[32]);
/* True when every number in the tree is a whole number below 2^53, which
 * a double holds exactly; else the line is parsed again with its numbers
 * quoted (json_quote_numbers) to keep every digit. */
bool json_numbers_exact(const void *item);
/* Copies JSON text (which may not parse) with the value of every key
 * whose name is a secret's (passphrase, totp, ...) replaced by "***". */
void json_redact_text(const char *in, struct tte_buf *out);

/* store.c */
struct store;
enum tte_err store_open(sqlite3 *db, struct store **out);
void store_close(struct store *s);
/* Call after a ROLLBACK: cached string ids may no longer exist. */
void store_forget(struct store *s);
/* Inserts ev unless an equal event exists; *dup tells which. */
enum tte_err store_event(struct store *s, const struct tte_event *ev,
                         long long file_id, size_t line, bool *dup);
enum tte_err store_reject(struct store *s, long long file_id,
                          const char *source, const char *file, size_t line,
                          const char *reason, const char *raw);

/* registry.c: validates and stores one registry row. */
enum tte_err registry_begin(sqlite3 *db, enum src_kind kind);
bool registry_row(sqlite3 *db, enum src_kind kind, char **row,
                  struct tte_buf *reason, enum tte_err *err);

#endif
