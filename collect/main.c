/* tte-collect: reads signing logs and registries into the report database. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "collect_file.h"
#include "owner.h"
#include "rejects.h"
#include "retry.h"
#include "store/store.h"
#include "wal_checkpointer.h"
#include "writer.h"
#include "tte_cli.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_path.h"
#include "tte_time.h"

static const char usage_text[] =
    "usage: tte-collect [options] --source NAME FILE...\n"
    "       tte-collect [--db FILE] --forget FILE...\n"
    "       tte-collect [--db FILE] --forget-source NAME\n"
    "       tte-collect [--db FILE] --retry REJECTS.csv\n"
    "       tte-collect [--db FILE] --recover\n"
    "\n"
    "Reads signing logs (or a registry) into the report database.\n"
    "\n"
    "  -d, --db FILE        database (default: report.db, or $TTE_DB)\n"
    "  -s, --source NAME    csv, jsonl, certificates, units, apps,\n"
    "                       verifikator, or a source definition\n"
    "                       (conf/sources/NAME.json or a path to .json)\n"
    "  -c, --check          show the first rows as canonical fields and\n"
    "                       their reject reasons; write nothing\n"
    "  -n, --check-rows N   rows shown by --check (default 20)\n"
    "  -z, --zone ZONE      zone of times without an offset\n"
    "                       (default Asia/Jakarta)\n"
    "  -r, --rejects FILE   also write rejected rows to FILE as CSV\n"
    "                       (not an input or the database); rows of\n"
    "                       other files already in FILE are kept\n"
    "      --retry FILE     read the rows of a rejects FILE again, as\n"
    "                       edited, each with its own file's definition\n"
    "      --max-record-bytes N  longer lines are rejected (default\n"
    "                       1048576, or the definition's max_record_bytes)\n"
    "      --allow-empty    let a registry file without rows clear it\n"
    "      --max-shrink PCT refuse a registry that loses more than PCT\n"
    "                       percent of its stored rows (default 10)\n"
    "      --allow-shrink   accept a registry however much it shrinks\n"
    "      --strict         stop at the first rejected row\n"
    "      --unmask-nik     show NIK unmasked in --check output\n"
    "      --forget         remove the events and rejects collected from\n"
    "                       FILE... (events other files had stay)\n"
    "      --forget-source NAME  the same for every file of a source\n"
    "      --recover        take out what a stopped run (of any host) left\n"
    "                       staged, so that its files are read again\n"
    "  -q, --quiet          no progress, only errors\n"
    "  -v, --verbose        more detail (repeatable)\n"
    "  -h, --help           this help\n"
    "  -V, --version        version\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 65 rows rejected (good rows are kept),\n"
    "66 missing input or not a regular file (or nothing to forget),\n"
    "73 --rejects names an input\n"
    "or the database, 74 I/O error, 75 database busy, 78 bad source\n"
    "definition.\n";

enum {
    OPT_STRICT = 256,
    OPT_UNMASK,
    OPT_MAX_RECORD,
    OPT_ALLOW_EMPTY,
    OPT_FORGET,
    OPT_FORGET_SOURCE,
    OPT_MAX_SHRINK,
    OPT_ALLOW_SHRINK,
    OPT_RETRY,
    OPT_RECOVER
};

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"source", required_argument, NULL, 's'},
    {"check", no_argument, NULL, 'c'},
    {"check-rows", required_argument, NULL, 'n'},
    {"zone", required_argument, NULL, 'z'},
    {"rejects", required_argument, NULL, 'r'},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"unmask-nik", no_argument, NULL, OPT_UNMASK},
    {"max-record-bytes", required_argument, NULL, OPT_MAX_RECORD},
    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
    {"max-shrink", required_argument, NULL, OPT_MAX_SHRINK},
    {"allow-shrink", no_argument, NULL, OPT_ALLOW_SHRINK},
    {"forget", no_argument, NULL, OPT_FORGET},
    {"forget-source", required_argument, NULL, OPT_FORGET_SOURCE},
    {"retry", required_argument, NULL, OPT_RETRY},
    {"recover", no_argument, NULL, OPT_RECOVER},
    TTE_COMMON_LONG_OPTS,
};

/* --forget FILE... or --forget-source NAME, alone. */
static int
forget_args(const struct collect_opts *o, int operands)
{
    if (o->forget && o->forget_source)
        return tte_usage_error("--forget and --forget-source go alone");
    if (o->source || o->check)
        return tte_usage_error("--forget and --forget-source take no "
                               "--source or --check");
    if (o->forget && !operands)
        return tte_usage_error("--forget needs the files to forget");
    if (o->forget_source && operands)
        return tte_usage_error("--forget-source takes no files");
    return -1;
}

/* --recover, alone. */
static int
recover_args(const struct collect_opts *o, int operands)
{
    if (o->source || o->check || operands)
        return tte_usage_error("--recover takes no --source, --check or "
                               "files");
    return -1;
}

/* Returns -1 to go on, or the exit status. */
static int
parse_args(int argc, char **argv, struct collect_opts *o)
{
    int ch, status, verbosity = TTE_LOG_INFO, zone_offset;
    long long n;

    o->check_rows = 20;
    o->max_shrink = 10;
    while ((ch = getopt_long(argc, argv, "d:s:cn:z:r:qvhV", long_opts,
                             NULL)) != -1) {
        switch (ch) {
        case 'd': o->db_path = optarg; break;
        case 's': o->source = optarg; break;
        case 'c': o->check = true; break;
        case 'n':
            if (!tte_str_to_i64(optarg, &n) || n < 1)
                return tte_usage_error("--check-rows needs a positive "
                                       "number, not '%s'",
                                       optarg);
            o->check_rows = (long)n;
            break;
        case 'z':
            if (!tte_zone_offset(optarg, &zone_offset))
                return tte_usage_error("--zone: unknown time zone '%s' (use "
                                       "Asia/Jakarta, Asia/Makassar, "
                                       "Asia/Jayapura, UTC or +HH:MM)",
                                       optarg);
            o->zone = optarg;
            break;
        case 'r': o->rejects_path = optarg; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_UNMASK: o->unmask_nik = true; break;
        case OPT_ALLOW_EMPTY: o->allow_empty = true; break;
        case OPT_ALLOW_SHRINK: o->allow_shrink = true; break;
        case OPT_MAX_SHRINK:
            if (!tte_str_to_i64(optarg, &n) || n < 0 || n > 100)
                return tte_usage_error("--max-shrink needs a percentage "
                                       "from 0 to 100, not '%s'",
                                       optarg);
            o->max_shrink = (int)n;
            break;
        case OPT_FORGET: o->forget = true; break;
        case OPT_FORGET_SOURCE: o->forget_source = optarg; break;
        case OPT_RETRY: o->retry = optarg; break;
        case OPT_RECOVER: o->recover = true; break;
        case OPT_MAX_RECORD:
            if (!tte_str_to_i64(optarg, &n) || n < 1)
                return tte_usage_error("--max-record-bytes needs a positive "
                                       "number, not '%s'",
                                       optarg);
            o->max_record = n;
            break;
        default:
            o->quiet |= ch == 'q';
            status = tte_common_option(ch, usage_text, &verbosity);
            if (status != TTE_OPT_NEXT)
                return status;
        }
    }
    tte_log_set_level(verbosity);
    o->db_path = tte_opt_env(o->db_path, "TTE_DB", "report.db");
    if (o->recover && (o->forget || o->forget_source || o->retry))
        return tte_usage_error("--recover goes alone");
    if (o->forget || o->forget_source)
        return forget_args(o, argc - optind);
    if (o->retry) {
        if (optind < argc || o->source || o->check || o->rejects_path)
            return tte_usage_error("--retry takes the rejects file alone "
                                   "(each row's own file says its source)");
        return -1;
    }
    if (o->recover)
        return recover_args(o, argc - optind);
    if (!o->source)
        return tte_usage_error("--source is required");
    if (optind >= argc)
        return tte_usage_error("no input files");
    o->progress = !o->quiet && isatty(STDERR_FILENO);
    return -1;
}

static int
worse(int a, int b)
{
    /* Keep the first hard failure; "rows rejected" is the mildest. */
    if (a == 0 || (a == EX_DATAERR && b != 0))
        return b;
    return a;
}

/* The rejects file is truncated when opened: it must be neither an input
 * nor the database or its -wal, -shm or -journal file, under any name. */
static bool
rejects_clash(const struct collect_opts *o, int argc, char **argv)
{
    static const char *const db_files[] = {"", "-wal", "-shm", "-journal"};
    char names[4][PATH_MAX + 16];
    const char *dbs[4] = {NULL, NULL, NULL, NULL};
    const char *hit = tte_path_clash(o->rejects_path,
                                     (const char *const *)argv, (size_t)argc);

    if (hit) {
        log_err("--rejects '%s' is the input '%s'; refused", o->rejects_path,
                hit);
        return true;
    }
    for (size_t i = 0; strcmp(o->db_path, ":memory:") != 0 && i < 4; i++) {
        snprintf(names[i], sizeof names[i], "%s%s", o->db_path, db_files[i]);
        dbs[i] = names[i];
    }
    hit = tte_path_clash(o->rejects_path, dbs, 4);
    if (hit)
        log_err("--rejects '%s' is the database file '%s'; refused",
                o->rejects_path, hit);
    return hit != NULL;
}

/* Bytes of WAL between checkpoints: TTE_COLLECT_WAL (for tests), else
 * 64 MiB, which halves rewrites of hot pages against SQLite's 4 MiB. */
static long long
wal_bytes(void)
{
    const char *s = getenv("TTE_COLLECT_WAL");
    long long v;
    return s && tte_str_to_i64(s, &v) && v > 0 ? v : 64LL << 20;
}

static int
run(struct writer *w, struct source *src, const struct collect_opts *o,
    int argc, char **argv)
{
    struct file_stats total = {0};
    bool registry = src->kind != KIND_EVENTS;
    int status = 0;
    enum tte_err err = TTE_OK;

    /* A registry is replaced whole or not at all. */
    if (registry && w) {
        err = writer_snapshot_begin(w);
        if (err)
            return tte_exit_code(err);
    }
    for (int i = 0; i < argc; i++) {
        long long stored = total.accepted;
        err = collect_file(src, o, w, argv[i], !registry, &total);
        /* An empty export would clear the registry as silently as a
         * truncated one: refused like missing columns, unless meant. */
        if (!err && registry && w && total.accepted == stored &&
            !o->allow_empty) {
            log_err("%s: no %s rows stored (the file is empty, has only "
                    "a header, or every row was rejected); use "
                    "--allow-empty to clear the registry",
                    argv[i], src->name);
            err = TTE_E_DATA;
        }
        status = worse(status, tte_exit_code(err));
        if (err && registry)
            break;
    }
    if (registry && w) {
        if (err) {
            writer_snapshot_end(w, false);
            log_err("%s registry left unchanged", src->name);
        } else if ((err = writer_snapshot_end(w, true)) != TTE_OK) {
            status = worse(status, tte_exit_code(err));
        }
    }
    if (argc > 1 && !o->check)
        log_info("total: read %lld, accepted %lld, duplicates %lld, "
                 "rejected %lld, filtered %lld",
                 total.read, total.accepted, total.duplicates, total.rejected,
                 total.filtered);
    if (total.rejected)
        status = worse(status, EX_DATAERR);
    return status;
}

/* --forget FILE... / --forget-source NAME, in one transaction. */
static int
forget(const struct collect_opts *o, int argc, char **argv)
{
    sqlite3 *db = NULL;
    enum tte_err err;

    /* Nothing to forget in a database that is not there: not created. */
    if (access(o->db_path, F_OK) != 0) {
        log_err("cannot open '%s': %s", o->db_path, strerror(errno));
        return EX_NOINPUT;
    }
    err = tte_db_open(o->db_path, false, &db);
    if (!err && o->forget)
        err = owner_forget_files(db, argv, argc);
    else if (!err)
        err = owner_forget_source(db, o->forget_source);
    sqlite3_close(db);
    return tte_exit_code(err);
}

/* --recover: a database that is not there holds nothing to recover. */
static int
recover(const struct collect_opts *o)
{
    sqlite3 *db = NULL;
    if (access(o->db_path, F_OK) != 0) {
        log_err("cannot open '%s': %s", o->db_path, strerror(errno));
        return EX_NOINPUT;
    }
    enum tte_err err = tte_db_open(o->db_path, false, &db);
    if (!err)
        err = store_recover(db);
    sqlite3_close(db);
    return tte_exit_code(err);
}

int
main(int argc, char **argv)
{
    struct collect_opts o = {0};
    struct source *src = NULL;
    sqlite3 *db = NULL;
    struct wal_checkpointer *ck = NULL;
    struct rejects_out rej = {0};
    int status;
    enum tte_err err;

    tte_log_init("tte-collect");
    /* Memory statistics take a global mutex on every SQLite allocation. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;
    /* The rejects file keeps rejected rows whole, NIKs included: whatever
     * this run creates is its owner's alone, whatever the caller's umask. */
    umask(077);
    if (o.forget || o.forget_source)
        return forget(&o, argc - optind, argv + optind);
    if (o.retry)
        return collect_retry(&o, o.retry);
    if (o.recover)
        return recover(&o);
    if (o.rejects_path && !o.check &&
        rejects_clash(&o, argc - optind, argv + optind))
        return EX_CANTCREAT;
    err = source_load(o.source, o.zone, &src);
    if (err)
        return tte_exit_code(err);
    if (!o.check) {
        err = tte_db_open(o.db_path, false, &db);
        /* Logs in time order insert their dedupe keys in order, and
         * others are staged and merged in order (store/dedupe.c): a
         * small page cache suffices, and memory stays flat in file size. */
        if (!err)
            err = tte_db_exec(db, "PRAGMA cache_size = -8192");
        if (!err && strcmp(o.db_path, ":memory:") != 0)
            ck = wal_checkpointer_start(db, o.db_path, wal_bytes());
        if (err) {
            source_free(src);
            return tte_exit_code(err);
        }
    }
    if (o.rejects_path && !o.check && rejects_open(&rej, o.rejects_path)) {
        status = EX_CANTCREAT;
        goto done;
    }
    /* From here on the writer is the database's only user. */
    struct writer *w = db ? writer_new(db, src, &o, rej.fp) : NULL;
    status = run(w, src, &o, argc - optind, argv + optind);
    writer_free(w);
done:
    if (rej.fp && rejects_close(&rej, true) != TTE_OK)
        status = worse(status, EX_IOERR);
    wal_checkpointer_stop(ck);
    sqlite3_close(db);
    source_free(src);
    return status;
}
