#ifndef READ_H
#define READ_H

/* The readers: lines of an input into records for a sink. */

#include <stdbool.h>

#include "input.h"
#include "sink.h"

struct csv_dialect {
    char delim;
    char quote;
    bool header;                /* the first line names the columns */
};

/* Reads from offset (after line start_line) to the end. A file resumed
 * past its header has the header read again first. */
enum tte_err read_csv(struct input *in, const struct csv_dialect *d,
                      long long offset, size_t start_line,
                      const struct sink *sink);
enum tte_err read_jsonl(struct input *in, long long offset,
                        size_t start_line, const struct sink *sink);

#endif
