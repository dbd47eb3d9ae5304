/*
 * What a template may do: one statement per query, a time budget for all
 * of them, page headers within Excel's 255 characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "limits.h"
#include "render.h"
#include "tte_log.h"

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
on_progress(void *arg)
{
    struct render *r = arg;
    if (r->timed_out || now_s() < r->deadline)
        return r->timed_out;
    r->timed_out = true;
    log_err("the template's queries ran longer than %d s "
            "(TTE_QUERY_TIMEOUT); stopped",
            r->budget_s);
    return 1;
}

enum tte_err
render_set_budget(struct render *r)
{
    const char *env = getenv("TTE_QUERY_TIMEOUT");
    long long v = 600;
    if (env && *env && (!tte_str_to_i64(env, &v) || v < 1 || v > 86400)) {
        log_err("TTE_QUERY_TIMEOUT must be a number of seconds (1 to "
                "86400), not '%s'",
                env);
        return TTE_E_CONFIG;
    }
    r->budget_s = (int)v;
    r->deadline = now_s() + (double)v;
    sqlite3_progress_handler(r->db, 10000, on_progress, r);
    return TTE_OK;
}

bool
render_sql_tail_empty(sqlite3 *db, const char *tail)
{
    while (tail && *tail) {
        sqlite3_stmt *st = NULL;
        const char *next = NULL;
        if (sqlite3_prepare_v2(db, tail, -1, &st, &next) != SQLITE_OK)
            return false;
        if (st) {
            sqlite3_finalize(st);
            return false;
        }
        if (next == tail)
            break;
        tail = next;
    }
    return true;
}

void
render_header_fit(char *text, const char *what)
{
    char *clean = cell_text(text);
    size_t n = strlen(clean);
    strcpy(text, clean); /* cleaning only removes bytes */
    free(clean);
    if (n <= 255)
        return;
    /* 255 bytes on a character boundary: within the limit however
     * libxlsxwriter counts. */
    n = 255;
    while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    /* Do not leave a lone '&' (a header control code) at the end. */
    while (n && text[n - 1] == '&')
        n--;
    text[n] = '\0';
    log_warn("the page %s is longer than Excel's 255 characters; cut to "
             "'%s'",
             what, text);
}
