#ifndef COLLECT_INT_H
#define COLLECT_INT_H

/* State shared by collect.c and collect_file.c; private to the stage. */

#include <iconv.h>
#include <sys/stat.h>
#include <time.h>

#include "collect_run.h"
#include "pipe.h"

/* Rows per transaction on long files; each commit records the offset. */
#define CHUNK_ROWS 200000
/* Bytes hashed at the head of a file and before the resume offset. */
#define WINDOW 4096
/* Reject messages printed per file before they are only counted. */
#define REJECT_MSGS 10

struct collect {
    sqlite3 *db;
    struct source *src;
    const struct collect_opts *opts;
    struct store *store;
    FILE *rejects_fp;
    const char *file;           /* as given, for messages */
    char real[4096];            /* resolved, as stored */
    long long file_id;
    struct file_stats st;
    struct file_stats saved;    /* part of st already in files */
    FILE *fp;
    struct stat sb;
    bool own_tx;
    long long clean_offset;
    size_t clean_line;
    long long since_commit;
    long long chunk_rows;
    long long size;
    iconv_t cd;
    struct tte_buf conv;
    long check_left;
    struct timespec started;
    double last_progress;
    bool progress_shown;
    struct tte_buf reason;
    struct tte_buf wreason;     /* the writer thread's reasons */
    struct tte_buf wraw;        /* and its redacted raw texts */
    struct pipe *pipe;          /* writer thread, while reading events */
    long long seen;             /* rows the reader handed on (progress) */
    char balance;               /* validate on 'r'eader, 'w'riter, 'a'uto */
    struct tte_buf scratch;     /* mapped field texts of one row */
    struct tte_buf raw;         /* a rejected row's text, escaped */
};

/* The writer's side of collect_event/reject/checkpoint (collect.c,
 * collect_file.c): called directly, or from the pipe's writer thread. */
enum tte_err collect_event_now(struct collect *c, const struct tte_event *ev,
                               size_t line);
enum tte_err collect_reject_now(struct collect *c, size_t line,
                                const char *reason, const char *raw,
                                size_t raw_len);
enum tte_err collect_checkpoint_now(struct collect *c, long long offset,
                                    size_t line);
/* Validates and stores a mapped row (the writer's share of the work). */
enum tte_err collect_row_now(struct collect *c, char **row, size_t line,
                             const char *raw, size_t raw_len, bool json);

#endif
