#ifndef CUBE_H
#define CUBE_H

#include <stdint.h>
#include <sqlite3.h>

#include "tte_err.h"

/*
 * Creates TEMP TABLE cube(app, unit, signer, cert_type, cert_serial,
 * result, status_code, http_status, footer, file_id, month, nik, nip, n):
 * the events of [start, end) counted by those dimensions. month_start[m]
 * is the UTC instant that month m + 1 begins in the report zone.
 */
enum tte_err cube_build(sqlite3 *db, int64_t start, int64_t end,
                        const int64_t month_start[13]);

#endif
