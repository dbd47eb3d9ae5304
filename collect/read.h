#ifndef READ_H
#define READ_H

/* The readers: lines of an input into records for a sink. */

#include <stdbool.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "input.h"
#include "sink.h"

struct csv_dialect {
    char delim;
    char quote;
    bool header; /* the first line names the columns */
};

/* Reads from offset (after line start_line) to the end. A file resumed
 * past its header has the header read again first. */
enum tte_err read_csv(struct input *in, const struct csv_dialect *d,
                      long long offset, size_t start_line,
                      const struct sink *sink);
enum tte_err read_jsonl(struct input *in, long long offset, size_t start_line,
                        const struct sink *sink);

/* "lines": a pattern's named groups, and key=value pairs, as columns. */
struct lines_dialect {
    const pcre2_code *re;
    const char *pattern; /* as written, for messages */
    char *const *groups; /* names, in the order of group_nos */
    const uint32_t *group_nos;
    size_t ngroups;
    bool pairs;
    char *const *pair_keys; /* the other columns: keys of pairs */
    size_t npair_keys;
};

/* Header: the groups then the pair keys. A line the pattern does not
 * match is a record with .unmatched set; when no line of a file read
 * from its start matches, TTE_E_DATA naming the pattern. */
enum tte_err read_lines(struct input *in, const struct lines_dialect *d,
                        long long offset, size_t start_line,
                        const struct sink *sink);

/* "xlsx": one sheet, streamed from the workbook's zip. */
struct xlsx_dialect {
    const char *sheet;  /* by name, or NULL */
    int sheet_no;       /* 1-based; 0: the first */
    int header_row;     /* 1-based; 0: the first non-empty */
    long long max_cell; /* longest cell text, in bytes */
};

/* Reads the workbook at path from its start: a workbook is rewritten
 * whole, so it is read whole each time (offset is 0 or the end). */
enum tte_err read_xlsx(const char *path, const struct xlsx_dialect *d,
                       const struct sink *sink);

#endif
