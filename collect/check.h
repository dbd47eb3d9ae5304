#ifndef CHECK_H
#define CHECK_H

/*
 * --check: a sink that prints each row as its canonical fields, or why
 * it is rejected, and writes nothing.
 */

#include <stdint.h>

#include "collect.h"
#include "rowcheck.h"
#include "sink.h"

#define CHECK_REASON_LINES 5

struct check_reason {
    char *text;
    long long count;
    size_t lines[CHECK_REASON_LINES];
};

struct check {
    const struct collect_opts *opts;
    const char *file;
    struct rowcheck rc;
    long left; /* rows still to show */
    long long read, filtered, accepted, duplicates, rejected;
    long long unmatched;  /* lines the "lines" pattern missed */
    struct tte_buf trace; /* fields before their cleaning */
    /* Every distinct reject reason, its count and its first lines. */
    struct check_reason *reasons;
    size_t nreasons;
    /* Dedupe keys of the file's events: duplicates within the file. */
    uint64_t *keys;
    size_t nkeys, cap;
};

void check_init(struct check *k, struct source *src,
                const struct collect_opts *o, const char *file);
void check_free(struct check *k);
struct sink check_sink(struct check *k);
/* The closing lines: each reject reason with its count and first lines,
 * then the counts as a collect counts; TTE_E_DATA when rows would be
 * rejected. */
enum tte_err check_summary(const struct check *k);

#endif
