#ifndef INPUT_H
#define INPUT_H

/*
 * A file as lines of UTF-8, shared by both readers: read in large blocks
 * (pointers into the block, not a copy per line as getline(3) makes), the
 * byte-order mark of the first line dropped, the text transcoded from the
 * source's encoding, and the checks every reader makes on text.
 */

#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "tte_err.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

struct input {
    FILE *fp;
    const char *name;     /* the file as given, for messages */
    const char *encoding; /* NULL: UTF-8 already */
    bool auto_pending;    /* "auto", decided at the first seek */
    iconv_t cd;
    char *buf;
    size_t cap, start, end;
    int eof;
    struct tte_buf conv; /* the current line transcoded */
    size_t line;         /* number of the last line read */
    long long offset;    /* byte offset just after it */
    long long max_line;  /* longer lines are rejects; 0: no limit */
    bool hold_partial;   /* leave an unended last line unread */
    long long held;      /* its length, when one was left */
    long long oversize;  /* length of the last line, if too long */
    bool skip_lf;        /* resumed after a CR: skip one LF */
    size_t lf;           /* buf index of the next LF, or SIZE_MAX */
    size_t lf_scanned;   /* buf[..lf_scanned) searched for it */
};

/* One line: text (transcoded; line end kept; writable until the next
 * call), or text NULL when it cannot be transcoded, raw then holding the
 * bytes as read, or when it is longer than max_line (raw "": its bytes
 * were not kept). A line ends at LF, CR LF or a lone CR. */
struct input_line {
    char *text;
    size_t len;
    const char *raw;
    size_t raw_len;
};

/* encoding NULL or "UTF-8" reads the file as it is; TTE_E_CONFIG when
 * iconv does not know the encoding. "auto" reads a file that is valid
 * UTF-8 as it is and any other as Windows-1252, saying which. A file
 * that starts with a UTF-8 byte-order mark is read as UTF-8 whatever the
 * encoding says, with a warning. fp stays the caller's. */
enum tte_err input_open(struct input *in, FILE *fp, const char *name,
                        const char *encoding);
void input_close(struct input *in);
/* Reads on from offset, which follows line number `line`. */
enum tte_err input_seek(struct input *in, long long offset, size_t line);
/* The next line; false at the end of the file or on a read error
 * (input_error then says so). With hold_partial, a last line without
 * its end is not returned (held tells its length): an application may
 * still be writing it. */
bool input_next(struct input *in, struct input_line *l);
/* TTE_E_IO, with a message, when the stream failed. */
enum tte_err input_error(const struct input *in);
/* The reject reason of a line input_next gave without text: too long,
 * or not transcodable. */
const char *input_convert_reason(const struct input *in, char *buf, size_t n);

/* True when the file starts with a zip signature (PK\3\4): a workbook
 * handed to a text reader. */
bool input_is_zip(const struct input *in);

/* The length of s[0..n) without its trailing CR and LF bytes. */
size_t input_trim_eol(const char *s, size_t n);

enum input_text { INPUT_TEXT, INPUT_NUL, INPUT_NOT_UTF8 };
/* Whether s[0..n) is text: no NUL byte, valid UTF-8. */
enum input_text input_text_check(const char *s, size_t n);

#endif
