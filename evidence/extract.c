/*
 * Page text is read in a child process: poppler interprets whatever a
 * PDF's content streams say, and a small hostile file (a deflate bomb, a
 * nest of form XObjects) can make it use gigabytes or run for minutes.
 * The child has its address space limited, the parent kills it at the
 * deadline and takes at most EV_MAX_TEXT bytes of text from it; a child
 * that goes over a limit makes the document unreadable, and the batch
 * goes on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "tte_buf.h"
#include "tte_log.h"

/* Lines of library messages passed on per document, and their length. */
#define MAX_MESSAGES 20
#define MAX_LINE 400

enum over { OVER_NONE, OVER_MEMORY, OVER_TIME, OVER_TEXT };

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Resident memory of the child, from /proc (0 when unknown). It backs up
 * RLIMIT_AS where that cannot be set (see child_limits). */
static unsigned long long
resident(pid_t pid)
{
    char path[64];
    unsigned long long size = 0, rss = 0;
    snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &size, &rss) != 2)
        rss = 0;
    fclose(f);
    return rss * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static void
child_limits(const struct ev_limits *lim)
{
    struct rlimit core = {0, 0};
    /* A parent that dies (killed itself) takes the child with it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct rlimit cpu = {lim->timeout + 1, lim->timeout + 2};
    setrlimit(RLIMIT_CORE, &core);
    setrlimit(RLIMIT_CPU, &cpu);
#ifndef __SANITIZE_ADDRESS__
    /* AddressSanitizer reserves terabytes of address space up front, so
     * there the parent's watch of resident memory has to do. */
    struct rlimit as = {lim->max_memory, lim->max_memory};
    setrlimit(RLIMIT_AS, &as);
#endif
}

struct relay {
    const char *path;
    char line[MAX_LINE + 1];
    size_t len;
    int lines;
    bool oom;
};

static void
relay_line(struct relay *r)
{
    r->line[r->len] = '\0';
    if (strstr(r->line, "Out of memory") ||
        strstr(r->line, "failed to allocate"))
        r->oom = true;
    if (r->len > 0 && r->lines < MAX_MESSAGES)
        log_warn("%s: %s", r->path, r->line);
    else if (r->len > 0 && r->lines == MAX_MESSAGES)
        log_warn("%s: further PDF library messages not shown", r->path);
    r->lines += r->len > 0;
    r->len = 0;
}

/* Library messages, line by line, each prefixed with the file. */
static void
relay_bytes(struct relay *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            relay_line(r);
        else if (r->len < MAX_LINE)
            r->line[r->len++] = s[i];
    }
}

static bool
read_some(int fd, struct tte_buf *b, size_t cap, struct relay *r, bool *open,
          enum over *over)
{
    char chunk[1 << 16];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0) {
        *open = false;
        return true;
    }
    if (r) {
        relay_bytes(r, chunk, (size_t)n);
        return true;
    }
    if ((size_t)n > cap - b->len) {
        *over = OVER_TEXT;
        return false;
    }
    tte_buf_add(b, chunk, (size_t)n);
    return true;
}

/* Reads the child's text and messages until both end, the deadline
 * passes or a limit is crossed. */
static enum over
collect(pid_t pid, int tfd, int efd, const struct ev_limits *lim,
        long long deadline, struct tte_buf *text, struct relay *r)
{
    bool topen = true, eopen = true;
    enum over over = OVER_NONE;
    while ((topen || eopen) && over == OVER_NONE) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return OVER_TIME;
        if (resident(pid) > lim->max_memory)
            return OVER_MEMORY;
        struct pollfd p[2] = {{.fd = topen ? tfd : -1, .events = POLLIN},
                              {.fd = eopen ? efd : -1, .events = POLLIN}};
        int rc = poll(p, 2, left < 100 ? (int)left : 100);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (p[0].revents &&
            !read_some(tfd, text, lim->max_text, NULL, &topen, &over) &&
            over == OVER_NONE)
            topen = false;
        if (p[1].revents && !read_some(efd, NULL, 0, r, &eopen, &over))
            eopen = false;
    }
    return over;
}

/* Waits for the child until the deadline, then kills it. */
static int
reap(pid_t pid, long long deadline, bool kill_now, bool *timed_out)
{
    int status = 0;
    if (kill_now)
        kill(pid, SIGKILL);
    for (;;) {
        pid_t w = waitpid(pid, &status, kill_now ? 0 : WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            return status;
        if (w == 0 && now_ms() >= deadline) {
            *timed_out = true;
            kill_now = true;
            kill(pid, SIGKILL);
            continue;
        }
        if (w == 0) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

static void
why_over(enum over over, const struct ev_limits *lim, char *why, size_t whysz)
{
    if (over == OVER_MEMORY)
        snprintf(why, whysz, "text extraction exceeded %llu MiB",
                 lim->max_memory >> 20);
    else if (over == OVER_TIME)
        snprintf(why, whysz, "text extraction exceeded %u s", lim->timeout);
    else
        snprintf(why, whysz, "text extraction exceeded %zu MiB of text",
                 lim->max_text >> 20);
}

bool
ev_text_find(const char *path, const struct ev_statements *st,
             const struct ev_limits *lim, struct ev_text *out, char *why,
             size_t whysz)
{
    int tp[2], ep[2];
    struct tte_buf text;
    struct relay r = {.path = path};
    bool timed_out = false, ok = false;

    memset(out, 0, sizeof *out);
    if (pipe2(tp, O_CLOEXEC) != 0)
        goto fail;
    if (pipe2(ep, O_CLOEXEC) != 0) {
        close(tp[0]);
        close(tp[1]);
        goto fail;
    }
    fflush(stderr);
    long long deadline = now_ms() + (long long)lim->timeout * 1000;
    pid_t pid = fork();
    if (pid == 0) {
        close(tp[0]);
        close(ep[0]);
        dup2(ep[1], STDERR_FILENO);
        child_limits(lim);
        _exit(ev_text_child(path, st, tp[1]));
    }
    close(tp[1]);
    close(ep[1]);
    if (pid < 0) {
        close(tp[0]);
        close(ep[0]);
        goto fail;
    }
    tte_buf_init(&text);
    enum over over = collect(pid, tp[0], ep[0], lim, deadline, &text, &r);
    int status = reap(pid, deadline, over != OVER_NONE, &timed_out);
    close(tp[0]);
    close(ep[0]);
    relay_line(&r);
    if (over == OVER_NONE && timed_out)
        over = OVER_TIME;
    /* poppler and glib abort when an allocation fails: under RLIMIT_AS
     * that is the memory limit. */
    if (over == OVER_NONE &&
        (r.oom || (WIFSIGNALED(status) && (WTERMSIG(status) == SIGABRT ||
                                           WTERMSIG(status) == SIGTRAP))))
        over = OVER_MEMORY;
    if (over == OVER_NONE && WIFSIGNALED(status) &&
        WTERMSIG(status) == SIGXCPU)
        over = OVER_TIME;
    if (over != OVER_NONE)
        why_over(over, lim, why, whysz);
    else if (WIFSIGNALED(status))
        snprintf(why, whysz, "text extraction failed (signal %d)",
                 WTERMSIG(status));
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        snprintf(why, whysz, "text extraction failed (status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else
        ok = ev_text_parse(text.data, text.len, st, out, why, whysz);
    tte_buf_free(&text);
    return ok;
fail:
    snprintf(why, whysz, "cannot start text extraction: %s", strerror(errno));
    return false;
}
