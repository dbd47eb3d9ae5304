#ifndef TTE_EVENT_H
#define TTE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* The canonical signing-log fields (tte-collect(1)), in their order. */
enum tte_field {
    F_TIME,
    F_APP,
    F_UNIT,
    F_NIK,
    F_NIP,
    F_NAME,
    F_POSITION,
    F_CERT_TYPE,
    F_CERT_SERIAL,
    F_DOC_ID,
    F_DOC_TYPE,
    F_DOC_NUMBER,
    F_VISIBILITY,
    F_AUTH_METHOD,
    F_API_VERSION,
    F_HTTP_STATUS,
    F_STATUS_CODE,
    F_RESULT,
    F_MESSAGE,
    F_DURATION_MS,
    F_FOOTER,
    F_COUNT
};

/* Canonical name of a field ("cert_serial"); borrowed, static. */
const char *tte_field_name(enum tte_field f);

/*
 * One validated event. The string members point into the caller's row
 * (trimmed and normalised in place); NULL when absent.
 */
struct tte_event {
    char *v[F_COUNT];
    uint32_t len[F_COUNT]; /* strlen(v[f]), 0 when absent */
    int64_t t;             /* UTC seconds */
    enum tte_field signer; /* F_NIK, else F_NIP, else F_CERT_SERIAL */
    long long http_status; /* -1 when absent */
    long long duration_ms; /* -1 when absent */
    int footer;            /* 1, 0, or -1 when absent */
    uint64_t key;          /* hash of the dedupe fields */
};

/*
 * Validates and normalises a row of canonical fields. row[f] are mutable
 * NUL-terminated strings or NULL; they are trimmed in place and borrowed
 * by ev. lens[f], when lens is not NULL, is strlen(row[f]) (the reader
 * knew it; a million rows of 21 fields need not measure them again).
 * Offset-less times are local at default_offset seconds. Returns true
 * and fills ev, or false with a human reason in *reason.
 */
bool tte_event_normalize(char *row[F_COUNT], const size_t *lens,
                         int default_offset, struct tte_event *ev,
                         struct tte_buf *reason);

/*
 * The dedupe key (doc/design.md): app, time to the second, signer, doc_id
 * and result, of an event tte_event_normalize() filled (texts and
 * lengths). Equal events have equal keys; the caller confirms a key hit
 * against the stored fields. The high bits are the time, so keys of a log
 * written in time order ascend.
 */
uint64_t tte_event_key(const struct tte_event *ev);

#endif
