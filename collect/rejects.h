#ifndef REJECTS_H
#define REJECTS_H

/*
 * The --rejects CSV file (file,line,reason,raw): written so that an
 * operator can open it in a spreadsheet, fix the raw column and hand it
 * back to --retry.
 */

#include <stdbool.h>
#include <stdio.h>

#include "tte_buf.h"
#include "tte_err.h"

#define REJECTS_HEADER "file,line,reason,raw"

struct rejects_out {
    FILE *fp;
    char *path;
    char *tmp; /* written here, renamed over path */
    /* An earlier run's rows, written back at the end unless their file
     * was read again from its start. */
    struct {
        char *file;
        struct tte_buf text;
        bool replaced;
    } * old;
    size_t nold;
};

/* Opens path for this run's rejects. The rows an earlier run wrote are
 * kept, but those of a file this run reads again from its start (its
 * rejects are made anew): a run over some logs does not lose what the
 * operator has yet to fix in others, nor in a log skipped as unchanged
 * or read on from where it stopped. Written to a temporary file beside
 * it (0600), renamed at rejects_close. */
enum tte_err rejects_open(struct rejects_out *r, const char *path);
/* A file is being read from its start: its earlier rows go. */
void rejects_replaced(const char *path);
/* TTE_E_IO when the file could not be written; the old one then stays. */
enum tte_err rejects_close(struct rejects_out *r, bool keep);

/* One CSV field. A text that starts with =, +, -, @, tab or CR is
 * written after a single quote, so that a spreadsheet shows it instead
 * of running it as a formula; rejects_unguard() takes the quote off. */
void rejects_write_field(FILE *fp, const char *s);
void rejects_guard(const char *s, struct tte_buf *out);
/* Removes the quote rejects_write_field() put before s, in place. */
void rejects_unguard(char *s);

#endif
