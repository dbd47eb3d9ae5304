#ifndef JSON_ARENA_H
#define JSON_ARENA_H

/* Between begin and end, cJSON allocates from an arena that
 * json_arena_reset() empties; nothing cJSON made may outlive a reset. */
void json_arena_begin(void);
void json_arena_reset(void);
void json_arena_end(void);

#endif
