#ifndef TTE_ERR_H
#define TTE_ERR_H

/*
 * Error codes shared by every stage. Library code returns these; only main()
 * turns them into sysexits(3) exit codes with tte_exit_code().
 */
enum tte_err {
    TTE_OK = 0,
    TTE_E_USAGE,       /* bad command line */
    TTE_E_DATA,        /* bad input data (rows were rejected) */
    TTE_E_NOINPUT,     /* input file missing or unreadable */
    TTE_E_UNAVAILABLE, /* remote service refused permanently */
    TTE_E_SOFTWARE,    /* internal error, a bug */
    TTE_E_CANTCREAT,   /* cannot create an output file */
    TTE_E_IO,          /* read/write error, database error */
    TTE_E_TEMPFAIL,    /* try again later (busy database, 4xx SMTP) */
    TTE_E_CONFIG,      /* bad configuration or template */
    TTE_E_NOMEM,
    TTE_E_LAST
};

/* Returns a statically allocated description. Do not free. */
const char *tte_strerror(enum tte_err e);

/* Maps an error to its sysexits.h exit code (TTE_OK -> 0). */
int tte_exit_code(enum tte_err e);

#endif
