#ifndef TTE_SUMMARY_H
#define TTE_SUMMARY_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

/*
 * The key figures of an aggregated period, for the operator before the
 * report is sent: printed to stderr after the program name, read from the
 * agg_* tables (the figures the report shows, never recomputed), then the
 * warnings worth reading first (placeholder official, fewer than two
 * verifikator, rejected rows, unknown units, applications whose
 * Pasal 4(1)j statement is not proven by sample documents) through
 * log_warn. config is the operator's configuration (for the official). Returns the number of warnings.
 */
int tte_summary(sqlite3 *db, const char *period, const cJSON *config);

#endif
