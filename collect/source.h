#ifndef SOURCE_H
#define SOURCE_H

/* Source definitions (source.c): how one system's rows map onto the
 * canonical fields. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tte_buf.h"
#include "tte_err.h"
#include "tte_event.h"

/* What a source's rows are: signing events or one of the registries. */
enum src_kind {
    KIND_EVENTS,
    KIND_CERTIFICATES,
    KIND_UNITS,
    KIND_APPS,
    KIND_VERIFIKATOR
};
enum src_format { FMT_CSV, FMT_JSONL, FMT_LINES, FMT_XLSX };
enum time_fmt { TF_ISO8601, TF_EPOCH, TF_EPOCH_MS, TF_PATTERN };

#define SRC_MAX_FIELDS F_COUNT
/* Longest line (or record) read, unless the definition or
 * --max-record-bytes says otherwise: a bound on memory, not on data. */
#define SRC_MAX_RECORD (1LL << 20)
/* Plausible event times: from 2000-01-01 to a day after collection,
 * unless the definition's "time_window" widens it. */
#define SRC_TIME_FROM 946684800LL
#define SRC_DAYS_AHEAD 1

/* One "replace" step of a field's cleaning: a PCRE2 substitution. */
struct src_replace {
    pcre2_code *re;
    char *with;
};

/* How one target field is read from a row. */
struct src_field {
    char *column;    /* CSV header name or JSON path; NULL: not mapped */
    int position;    /* 1-based CSV column when the file has no header */
    char *constant;  /* fixed value instead of a column */
    char **map_from; /* value map, compared case-insensitively */
    char **map_to;
    size_t nmap;
    char *map_default; /* "*": any other value; NULL keeps it as is */
    int col;           /* resolved CSV column, -1 when absent */
    /* Further columns or paths, tried in order when the value so far is
     * empty: an export that moved a value between versions. */
    char **alts;
    int *alt_cols;
    size_t nalts;
    /* Cleaning, before validation: characters removed anywhere, then
     * substitutions in order. */
    char *remove;
    struct src_replace *replace;
    size_t nreplace;
};

/* Keeps a row only when the selected value is in values[] (or contains
 * the substring); negated ("not_in", "not_contains"): only when not. */
struct src_filter {
    char *column;
    int position;
    int col;
    char **values;
    size_t nvalues;
    char *contains;
    bool negate;
};

struct time_format {
    enum time_fmt kind;
    char *pattern; /* strptime(3) pattern for TF_PATTERN */
};

/* A source definition: built in (csv, jsonl, registries) or from JSON. */
struct source {
    char *name;
    char *path; /* definition file, NULL when built in */
    enum src_kind kind;
    enum src_format format;
    char delim;
    char quote;
    bool header;
    char *encoding;       /* NULL or "UTF-8": no transcoding;
                                 * "auto": UTF-8 or Windows-1252, per file */
    long long max_record; /* bytes; longer lines are rejects */
    char *zone;
    int zone_offset;            /* for times without an offset */
    int64_t time_min, time_max; /* the plausible window, UTC seconds */
    char time_from[11];         /* its start as written, for messages */
    int days_ahead;
    struct time_format *times;
    size_t ntimes;
    struct src_field fields[SRC_MAX_FIELDS];
    size_t nfields; /* the kind's field count */
    struct src_filter *filters;
    size_t nfilters;
    /* "lines": the pattern's named groups are columns, in group order;
     * with "pairs", the key=value pairs a field or filter names too. */
    pcre2_code *pattern;
    char *pattern_text;
    bool pairs;
    char **group_names;
    uint32_t *group_nos;
    size_t ngroups;
    char **pair_keys;
    size_t npair_keys;
    /* "xlsx": the sheet by name, or by 1-based number (0: the first);
     * the header's 1-based row (0: the first non-empty one). */
    char *sheet;
    int sheet_no;
    int header_row;
    /* JSON: when every field is a top-level key, one pass over an
     * object's members finds them all (map.c). */
    int json_simple; /* 0 unknown, 1 yes, -1 no */
    struct {
        uint64_t hash;
        uint32_t fields;
        const char *key;
    } keys[64];
    /* The members of the last object, in order: a log's objects mostly
     * repeat one layout, so a member is found by one compare. */
    struct {
        char key[24];
        uint32_t fields;
    } order[32];
};

const char *const *kind_fields(enum src_kind kind, size_t *n);
enum tte_err source_builtin(const char *name, const char *zone,
                            struct source **out);
/* Appends "outside the plausible window (...)" to a reject reason: the
 * window and how to widen it, in the one wording every reason uses. */
void source_window_reason(const struct source *s, struct tte_buf *reason);
/* The definition file --source NAME reads: NAME itself when it is a
 * path or ends in .json, else ./conf/sources/NAME.json, else the
 * installed copy; NULL when none exists. Malloc'd. */
char *source_find_definition(const char *name);
/* zone (--zone), when given, wins over the definition's "zone". */
enum tte_err source_load(const char *name_or_path, const char *zone,
                         struct source **out);
void source_free(struct source *s);

#endif
