#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"

#define BATCH 1024 /* items per batch */
#define QUEUE 8    /* batches in flight: memory stays bounded */
#define NONE UINT32_MAX

enum { IT_EVENT, IT_ROW, IT_REJECT, IT_CLEAN_POINT };

struct item {
    int kind;
    size_t line;
    bool clean_point; /* also a clean point at (offset, ck_line) */
    size_t ck_line;
    long long offset;
    long long filtered; /* at the clean point */
    int64_t t;
    long long http_status, duration_ms;
    int footer;
    uint64_t key;
    uint32_t v[F_COUNT];   /* arena offsets, NONE when absent */
    uint32_t len[F_COUNT]; /* of its fields */
    int signer;
    uint32_t reason, raw;
    size_t raw_len;
    bool json;
};

struct batch {
    struct item items[BATCH];
    size_t n;
    struct tte_buf arena;
};

struct queue {
    struct port to; /* used by the thread only */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct batch *queue[QUEUE];
    size_t head, count;
    struct batch *spare[QUEUE + 1];
    size_t nspare;
    struct batch *cur;
    bool done;
    enum tte_err err;
};

static uint32_t
put(struct batch *b, const char *s, size_t n)
{
    uint32_t off = (uint32_t)b->arena.len;
    tte_buf_add(&b->arena, s, n);
    tte_buf_addc(&b->arena, '\0');
    return off;
}

static void
put_fields(struct batch *b, struct item *it, char *const *v,
           const uint32_t *len)
{
    for (int f = 0; f < F_COUNT; f++)
        it->v[f] = v[f] ? put(b, v[f], len[f]) : NONE;
}

static void
put_raw(struct batch *b, struct item *it, const char *raw, size_t len)
{
    it->raw = put(b, raw ? raw : "", raw ? len : 0);
    it->raw_len = raw ? len : 0;
}

static const char *
at(const struct batch *b, uint32_t off)
{
    return off == NONE ? NULL : b->arena.data + off;
}

static enum tte_err
write_row(struct queue *p, struct batch *b, struct item *it)
{
    const struct port *to = &p->to;
    if (it->kind == IT_CLEAN_POINT)
        return to->clean_point(to->ctx, it->offset, it->line, it->filtered);
    if (it->kind == IT_REJECT)
        return to->reject(to->ctx, it->line, at(b, it->reason), at(b, it->raw),
                          it->raw_len);
    if (it->kind == IT_ROW) {
        char *row[F_COUNT];
        size_t lens[F_COUNT];
        for (int f = 0; f < F_COUNT; f++) {
            row[f] = (char *)at(b, it->v[f]);
            lens[f] = it->len[f];
        }
        return to->row(to->ctx, row, lens, it->line, at(b, it->raw),
                       it->raw_len, it->json);
    }
    struct tte_event ev = {.t = it->t,
                           .http_status = it->http_status,
                           .duration_ms = it->duration_ms,
                           .footer = it->footer,
                           .key = it->key};
    for (int f = 0; f < F_COUNT; f++)
        ev.v[f] = (char *)at(b, it->v[f]);
    memcpy(ev.len, it->len, sizeof ev.len);
    ev.signer = it->signer;
    return to->event(to->ctx, &ev, it->line);
}

static enum tte_err
write_item(struct queue *p, struct batch *b, struct item *it)
{
    enum tte_err err = write_row(p, b, it);
    if (!err && it->clean_point && it->kind != IT_CLEAN_POINT)
        err = p->to.clean_point(p->to.ctx, it->offset, it->ck_line,
                                it->filtered);
    return err;
}

static void *
consume(void *arg)
{
    struct queue *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->count && !p->done)
            pthread_cond_wait(&p->changed, &p->mu);
        if (!p->count)
            break;
        struct batch *b = p->queue[p->head];
        p->head = (p->head + 1) % QUEUE;
        __atomic_store_n(&p->count, p->count - 1, __ATOMIC_RELAXED);
        enum tte_err err = p->err;
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; !err && i < b->n; i++)
            err = write_item(p, b, &b->items[i]);
        b->n = 0;
        tte_buf_reset(&b->arena);
        pthread_mutex_lock(&p->mu);
        if (err && !p->err)
            p->err = err;
        p->spare[p->nspare++] = b;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct queue *
queue_start(const struct port *to)
{
    struct queue *p = tte_xcalloc(1, sizeof *p);
    p->to = *to;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->changed, NULL);
    for (size_t i = 0; i < QUEUE + 1; i++) {
        p->spare[i] = tte_xcalloc(1, sizeof(struct batch));
        tte_buf_init(&p->spare[i]->arena);
    }
    p->nspare = QUEUE + 1;
    if (pthread_create(&p->thread, NULL, consume, p) != 0) {
        for (size_t i = 0; i < p->nspare; i++)
            free(p->spare[i]);
        free(p);
        return NULL;
    }
    return p;
}

/* Hands the current batch to the writer; waits while the queue is full. */
static enum tte_err
flush(struct queue *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->cur) {
        while (p->count == QUEUE)
            pthread_cond_wait(&p->changed, &p->mu);
        p->queue[(p->head + p->count) % QUEUE] = p->cur;
        __atomic_store_n(&p->count, p->count + 1, __ATOMIC_RELAXED);
        p->cur = NULL;
        pthread_cond_broadcast(&p->changed);
    }
    enum tte_err err = p->err;
    pthread_mutex_unlock(&p->mu);
    return err;
}

static struct item *
next_item(struct queue *p, enum tte_err *err)
{
    *err = TTE_OK;
    /* A batch also ends at 8 MiB of text, whatever its row count. */
    if (p->cur && (p->cur->n == BATCH || p->cur->arena.len > (8u << 20)))
        *err = flush(p);
    if (*err)
        return NULL;
    if (!p->cur) {
        pthread_mutex_lock(&p->mu);
        while (!p->nspare)
            pthread_cond_wait(&p->changed, &p->mu);
        p->cur = p->spare[--p->nspare];
        *err = p->err;
        pthread_mutex_unlock(&p->mu);
    }
    struct item *it = &p->cur->items[p->cur->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static enum tte_err
q_event(void *ctx, const struct tte_event *ev, size_t line)
{
    struct queue *p = ctx;
    enum tte_err err;
    struct item *it = next_item(p, &err);
    if (!it)
        return err;
    it->kind = IT_EVENT;
    it->line = line;
    it->t = ev->t;
    it->http_status = ev->http_status;
    it->duration_ms = ev->duration_ms;
    it->footer = ev->footer;
    it->key = ev->key;
    put_fields(p->cur, it, ev->v, ev->len);
    memcpy(it->len, ev->len, sizeof it->len);
    it->signer = ev->signer;
    return err;
}

static bool
q_idle(void *ctx)
{
    struct queue *p = ctx;
    return __atomic_load_n(&p->count, __ATOMIC_RELAXED) == 0;
}

static enum tte_err
q_row(void *ctx, char *const *row, const size_t *lens, size_t line,
      const char *raw, size_t raw_len, bool json)
{
    struct queue *p = ctx;
    enum tte_err err;
    struct item *it = next_item(p, &err);
    if (!it)
        return err;
    it->kind = IT_ROW;
    it->line = line;
    it->json = json;
    for (int f = 0; f < F_COUNT; f++)
        it->len[f] = row[f] ? (uint32_t)lens[f] : 0;
    put_fields(p->cur, it, row, it->len);
    put_raw(p->cur, it, raw, raw_len);
    return err;
}

static enum tte_err
q_reject(void *ctx, size_t line, const char *reason, const char *raw,
         size_t raw_len)
{
    struct queue *p = ctx;
    enum tte_err err;
    struct item *it = next_item(p, &err);
    if (!it)
        return err;
    it->kind = IT_REJECT;
    it->line = line;
    it->reason = put(p->cur, reason, strlen(reason));
    put_raw(p->cur, it, raw, raw_len);
    return err;
}

static enum tte_err
q_clean_point(void *ctx, long long offset, size_t line, long long filtered)
{
    struct queue *p = ctx;
    enum tte_err err;
    /* Most often the row just queued ends here: mark it rather than
     * queue another item. */
    if (p->cur && p->cur->n) {
        struct item *last = &p->cur->items[p->cur->n - 1];
        if (last->kind != IT_CLEAN_POINT && !last->clean_point) {
            last->clean_point = true;
            last->offset = offset;
            last->ck_line = line;
            last->filtered = filtered;
            return TTE_OK;
        }
    }
    struct item *it = next_item(p, &err);
    if (!it)
        return err;
    it->kind = IT_CLEAN_POINT;
    it->offset = offset;
    it->line = line;
    it->filtered = filtered;
    return err;
}

struct port
queue_port(struct queue *p)
{
    struct port port = {.ctx = p,
                        .event = q_event,
                        .row = q_row,
                        .reject = q_reject,
                        .clean_point = q_clean_point,
                        .idle = q_idle};
    return port;
}

enum tte_err
queue_finish(struct queue *p)
{
    flush(p);
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    enum tte_err err = p->err;
    for (size_t i = 0; i < p->nspare; i++) {
        tte_buf_free(&p->spare[i]->arena);
        free(p->spare[i]);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->changed);
    free(p);
    return err;
}
