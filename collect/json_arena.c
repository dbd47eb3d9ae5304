/*
 * A bump allocator for cJSON while a JSON Lines file is read: every line's
 * tree is freed at once by a reset, instead of node by node. cJSON's hooks
 * are process-wide, so they are installed only for the reading loop.
 */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "json_arena.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

#define CHUNK (256 * 1024)

struct block {
    struct block *next;
    size_t used, cap;
    char data[];
};

static struct block *head; /* current block; older ones follow */

static void *
arena_malloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!head || head->used + n > head->cap) {
        size_t cap = n > CHUNK ? n : CHUNK;
        struct block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = head;
        b->used = 0;
        b->cap = cap;
        head = b;
    }
    void *p = head->data + head->used;
    head->used += n;
    return p;
}

static void
arena_free(void *p)
{
    (void)p;
}

void
json_arena_begin(void)
{
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    cJSON_InitHooks(&hooks);
}

void
json_arena_reset(void)
{
    /* Keep one block for the next line; give back the rest. */
    while (head && head->next) {
        struct block *next = head->next;
        free(head);
        head = next;
    }
    if (head)
        head->used = 0;
}

void
json_arena_end(void)
{
    json_arena_reset();
    free(head);
    head = NULL;
    cJSON_InitHooks(NULL);
}
