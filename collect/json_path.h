#ifndef JSON_PATH_H
#define JSON_PATH_H

/* JSON helpers (json_path.c): paths, exact numbers, redaction. */

#include <stdbool.h>
#include <stddef.h>

#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

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
/* False when text surely holds no secret key (no secret's name, no
 * \u escape that could spell one): json_redact_text can be skipped. */
bool json_may_hold_secret(const char *text);

#endif
