/* tte-evidence: checks sample signed PDFs of an application for Pasal
 * 4(1)j (signature, digest, chain to the BSrE CA bundle, statement). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "evidence.h"
#include "tte_cli.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

static const char usage_text[] =
    "usage: tte-evidence [options] --app APP --ca BSRE-ROOTS.pem "
    "FILE_OR_DIR...\n"
    "\n"
    "Checks sample signed PDFs of one application for Pasal 4(1)j: a PDF\n"
    "signature whose digest matches the signed bytes, a signer chaining to\n"
    "the BSrE CA bundle, and the statement in the page text. Folders are\n"
    "searched for *.pdf. Results go to v_evidence; an unchanged file is not\n"
    "read again.\n"
    "\n"
    "  -d, --db FILE        database (default: report.db, or $TTE_DB)\n"
    "  -a, --app APP        application the documents come from\n"
    "  -c, --ca FILE        PEM bundle of the BSrE CA certificates\n"
    "  -s, --statement TEXT a wording of the statement (repeatable;\n"
    "                       default: the usual and the older BSrE wording)\n"
    "  -m, --max-memory SIZE\n"
    "                       memory for reading one document's text\n"
    "                       (MiB, or with K, M or G; default 512M)\n"
    "  -t, --timeout SECONDS\n"
    "                       time for reading one document's text\n"
    "                       (default 30)\n"
    "  -q, --quiet          only errors\n"
    "  -v, --verbose        more detail (repeatable)\n"
    "  -h, --help           this help\n"
    "  -V, --version        version\n"
    "\n"
    "Exit status: 0 every document ok, 64 usage, 65 some documents not ok\n"
    "(all recorded), 66 missing file or folder, 74 I/O error, 75 database\n"
    "busy, 78 unreadable CA bundle.\n";

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"app", required_argument, NULL, 'a'},
    {"ca", required_argument, NULL, 'c'},
    {"statement", required_argument, NULL, 's'},
    {"max-memory", required_argument, NULL, 'm'},
    {"timeout", required_argument, NULL, 't'},
    TTE_COMMON_LONG_OPTS,
};

struct opts {
    const char *db, *app, *ca;
    struct ev_statements statements;
    struct ev_limits limits;
    char **paths;
    int npaths;
};

/* "512", "512M", "1G", "65536K": a size in MiB unless suffixed. */
static bool
parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 20;
    if (errno || end == s || *s == '-')
        return false;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    /* Below 16 MiB poppler cannot even start. */
    if (*end || v > (1ULL << 42) >> (shift - 10) ||
        (v << shift) < (16ULL << 20))
        return false;
    *out = v << shift;
    return true;
}

static bool
parse_seconds(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v == 0 || v > 86400)
        return false;
    *out = (unsigned)v;
    return true;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
    int ch, status, verbosity = TTE_LOG_INFO;
    while ((ch = getopt_long(argc, argv, "d:a:c:s:m:t:qvhV", long_opts,
                             NULL)) != -1) {
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'a': o->app = optarg; break;
        case 'c': o->ca = optarg; break;
        case 's': ev_statements_add(&o->statements, optarg); break;
        case 'm':
            if (!parse_size(optarg, &o->limits.max_memory))
                return tte_usage_error("--max-memory: not a size of 16M "
                                       "or more: '%s'",
                                       optarg);
            break;
        case 't':
            if (!parse_seconds(optarg, &o->limits.timeout))
                return tte_usage_error("--timeout: not a number of seconds "
                                       "(1 to 86400): '%s'",
                                       optarg);
            break;
        default:
            status = tte_common_option(ch, usage_text, &verbosity);
            if (status != TTE_OPT_NEXT)
                return status;
        }
    }
    tte_log_set_level(verbosity);
    if (!o->app || !*o->app)
        return tte_usage_error("--app APP is required");
    if (!o->ca)
        return tte_usage_error("--ca BSRE-ROOTS.pem is required");
    if (optind >= argc)
        return tte_usage_error("no PDF file or folder given");
    o->paths = argv + optind;
    o->npaths = argc - optind;
    o->db = tte_opt_env(o->db, "TTE_DB", "report.db");
    return TTE_OPT_NEXT;
}

/* What the verdicts depend on besides the file: the CA bundle, the
 * wordings and the limits on reading text (a document cut off at one
 * limit may be read under another). A change re-checks every document. */
static bool
check_key(const char *ca, const struct ev_statements *st,
          const struct ev_limits *lim, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE], buf[8192];
    unsigned int len = 0;
    FILE *f = fopen(ca, "rb");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = f && ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

    while (ok) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n == 0)
            break;
        ok = EVP_DigestUpdate(ctx, buf, n) == 1;
    }
    ok = ok && !ferror(f);
    for (size_t i = 0; ok && i < st->n; i++)
        ok = EVP_DigestUpdate(ctx, st->norm[i], strlen(st->norm[i]) + 1) == 1;
    char limits[64];
    int nl = snprintf(limits, sizeof limits, "limits %llu %u", lim->max_memory,
                      lim->timeout);
    ok = ok && EVP_DigestUpdate(ctx, limits, (size_t)nl) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1;
    for (unsigned int i = 0; ok && i < len && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    EVP_MD_CTX_free(ctx);
    if (f)
        fclose(f);
    return ok;
}

static int
check_paths(const struct opts *o)
{
    struct stat sb;
    for (int i = 0; i < o->npaths; i++) {
        if (stat(o->paths[i], &sb) != 0) {
            log_err("cannot read '%s': %s", o->paths[i], strerror(errno));
            return EX_NOINPUT;
        }
    }
    return 0;
}

static enum tte_err
run_paths(struct ev_run *run, const struct opts *o)
{
    enum tte_err err = TTE_OK;
    struct stat sb;
    for (int i = 0; i < o->npaths && !err; i++) {
        if (stat(o->paths[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            err = ev_check_dir(run, o->paths[i]);
        else
            err = ev_check_file(run, o->paths[i]);
    }
    return err;
}

int
main(int argc, char **argv)
{
    struct opts o = {
        .limits = {EV_DEFAULT_MAX_MEMORY, EV_DEFAULT_TIMEOUT, EV_MAX_TEXT}};
    struct ev_run run = {0};
    int status;
    enum tte_err err;

    tte_log_init("tte-evidence");
    status = parse_args(argc, argv, &o);
    if (status != TTE_OPT_NEXT)
        goto cleanup;
    status = check_paths(&o);
    if (status)
        goto cleanup;
    if (o.statements.n == 0)
        ev_statements_default(&o.statements);
    run.store = ev_ca_load(o.ca);
    if (!run.store ||
        !check_key(o.ca, &o.statements, &o.limits, run.check_key)) {
        status = EX_CONFIG;
        goto cleanup;
    }
    err = tte_db_open(o.db, false, &run.db);
    if (err) {
        status = tte_exit_code(err);
        goto cleanup;
    }
    run.app = o.app;
    run.statements = &o.statements;
    run.limits = o.limits;
    run.stamp = ((long long)time(NULL) << 22) ^ (long long)getpid();
    err = run_paths(&run, &o);
    if (err) {
        status = tte_exit_code(err);
        goto cleanup;
    }
    log_info("%s: %zu document(s), %zu ok, %zu not ok (%zu unchanged)", o.app,
             run.files, run.ok, run.files - run.ok, run.skipped);
    status = run.ok == run.files ? 0 : EX_DATAERR;
cleanup:
    sqlite3_close(run.db);
    X509_STORE_free(run.store);
    ev_statements_free(&o.statements);
    return status;
}
