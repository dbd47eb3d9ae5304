#ifndef LINES_H
#define LINES_H

#include <stdio.h>
#include <sys/types.h>

/*
 * Reads a stream line by line from large blocks, handing out pointers
 * into its buffer instead of copying each line as getline(3) does. A line
 * is valid, and may be modified, until the next call.
 */
struct lines {
    FILE *fp;
    char *buf;
    size_t cap, start, end;
    int eof;
};

void lines_init(struct lines *l, FILE *fp);
void lines_free(struct lines *l);
/* The next line with its '\n' (the last may lack it); -1 at the end. */
ssize_t lines_next(struct lines *l, char **line);

#endif
