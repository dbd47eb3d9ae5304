/*
 * Finding the Pasal 4(1)j statement in a page's text. Text extracted from
 * a PDF breaks lines where the layout did, hyphenates words at line ends,
 * spaces words as the glyphs stand, may write "fi" as one ligature glyph,
 * and applications vary case and punctuation; none of that changes what
 * the document states. Nor does naming the agency by its short or its
 * long name ("BSrE" or "Balai Besar Sertifikasi Elektronik", "BSSN" or
 * "Badan Siber dan Sandi Negara"), or by both ("... Elektronik (BSrE)").
 * So both the wording and the page text are compared with white space
 * and punctuation removed, ASCII letters lower-cased, ligatures spelt out
 * and each agency reduced to its short name, once.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* The wordings in DOMAIN.md: the usual one, and the older one that
 * names only BSrE. --statement replaces them. */
static const char *const default_wordings[] = {
    "Dokumen ini telah ditandatangani secara elektronik menggunakan "
    "sertifikat elektronik yang diterbitkan oleh Balai Besar Sertifikasi "
    "Elektronik (BSrE), Badan Siber dan Sandi Negara",
    "Dokumen ini telah ditandatangani secara elektronik menggunakan "
    "sertifikat elektronik yang diterbitkan oleh BSrE",
};

/* UTF-8 sequences that are space or invisible (dropped), or a ligature
 * (spelt out). */
static const struct {
    const char *utf8;
    const char *as;
} special[] = {
    {"\xc2\xa0", ""}, /* no-break space */
    {"\xc2\xad", ""}, /* soft hyphen */
    {"\xe2\x80\x80", ""},    {"\xe2\x80\x81", ""},    {"\xe2\x80\x82", ""},
    {"\xe2\x80\x83", ""},    {"\xe2\x80\x84", ""},    {"\xe2\x80\x85", ""},
    {"\xe2\x80\x86", ""},    {"\xe2\x80\x87", ""},    {"\xe2\x80\x88", ""},
    {"\xe2\x80\x89", ""},    {"\xe2\x80\x8a", ""},    {"\xe2\x80\x8b", ""},
    {"\xe2\x80\xaf", ""}, /* narrow no-break space */
    {"\xe3\x80\x80", ""}, /* ideographic space */
    {"\xef\xbb\xbf", ""}, /* zero-width no-break space */
    {"\xe2\x80\x90", ""},    {"\xe2\x80\x91", ""},    {"\xe2\x80\x92", ""},
    {"\xe2\x80\x93", ""},    {"\xe2\x80\x94", ""}, /* dashes */
    {"\xe2\x80\x98", ""},    {"\xe2\x80\x99", ""},    {"\xe2\x80\x9c", ""},
    {"\xe2\x80\x9d", ""}, /* quotation marks */
    {"\xe2\x80\xa6", ""}, /* ellipsis */
    {"\xef\xac\x80", "ff"},  {"\xef\xac\x81", "fi"},  {"\xef\xac\x82", "fl"},
    {"\xef\xac\x83", "ffi"}, {"\xef\xac\x84", "ffl"},
};

/* Long names of the agencies (normalized) and the short name each is
 * read as. */
static const struct {
    const char *long_name;
    const char *short_name;
} agencies[] = {
    {"balaibesarsertifikasielektronik", "bsre"},
    {"badansiberdansandinegara", "bssn"},
};

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Length of a special sequence at s[i], with its replacement. */
static size_t
special_at(const char *s, size_t n, size_t i, const char **as)
{
    for (size_t k = 0; k < sizeof special / sizeof special[0]; k++) {
        size_t len = strlen(special[k].utf8);
        if (len <= n - i && memcmp(s + i, special[k].utf8, len) == 0) {
            *as = special[k].as;
            return len;
        }
    }
    return 0;
}

/* Replaces every from in b by to (not longer than from), in place. */
static void
replace_all(struct tte_buf *b, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), o = 0;
    for (size_t i = 0; i < b->len;) {
        if (fl <= b->len - i && memcmp(b->data + i, from, fl) == 0) {
            memmove(b->data + o, to, tl);
            o += tl;
            i += fl;
        } else {
            b->data[o++] = b->data[i++];
        }
    }
    b->len = o;
    b->data[o] = '\0';
}

/* Each agency by its short name, and a name given twice in a row (long
 * then short in parentheses) once. */
static void
agency_names(struct tte_buf *b)
{
    for (size_t k = 0; k < sizeof agencies / sizeof agencies[0]; k++) {
        char twice[16];
        replace_all(b, agencies[k].long_name, agencies[k].short_name);
        snprintf(twice, sizeof twice, "%s%s", agencies[k].short_name,
                 agencies[k].short_name);
        size_t before;
        do {
            before = b->len;
            replace_all(b, twice, agencies[k].short_name);
        } while (b->len != before);
    }
}

char *
ev_normalize(const char *s, size_t n, size_t *outlen)
{
    struct tte_buf b;
    tte_buf_init(&b);
    tte_buf_grow(&b, n + 1);
    for (size_t i = 0; i < n;) {
        const char *as = NULL;
        unsigned char c = (unsigned char)s[i];
        size_t len = c >= 0x80 ? special_at(s, n, i, &as) : 0;
        if (is_space((char)c) || (c < 0x80 && ispunct(c))) {
            i++;
        } else if (len > 0) {
            tte_buf_adds(&b, as);
            i += len;
        } else {
            tte_buf_addc(&b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
            i++;
        }
    }
    tte_buf_addc(&b, '\0');
    b.len--;
    agency_names(&b);
    *outlen = b.len;
    return b.data;
}

void
ev_statements_add(struct ev_statements *st, const char *text)
{
    size_t len;
    char *norm = ev_normalize(text, strlen(text), &len);
    if (len == 0) {
        free(norm);
        return;
    }
    st->norm = tte_xrealloc(st->norm, (st->n + 1) * sizeof *st->norm);
    st->norm[st->n++] = norm;
}

void
ev_statements_default(struct ev_statements *st)
{
    for (size_t i = 0; i < sizeof default_wordings / sizeof *default_wordings;
         i++)
        ev_statements_add(st, default_wordings[i]);
    st->defaults = true;
}

void
ev_statements_free(struct ev_statements *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->norm[i]);
    free(st->norm);
    st->norm = NULL;
    st->n = 0;
    st->defaults = false;
}

void
ev_statements_describe(const struct ev_statements *st, char *out, size_t outsz)
{
    if (st->defaults)
        snprintf(out, outsz,
                 "no page states the Pasal 4(1)j wording "
                 "(tried the usual and the older BSrE wording, the agency "
                 "by its short or long names)");
    else
        snprintf(out, outsz,
                 "no page states the Pasal 4(1)j wording "
                 "(tried %zu --statement wording%s)",
                 st->n, st->n == 1 ? "" : "s");
}

bool
ev_statements_find(const struct ev_statements *st, const char *s, size_t n)
{
    size_t len;
    bool found = false;
    char *text = ev_normalize(s, n, &len);
    for (size_t i = 0; i < st->n && !found; i++)
        found = memmem(text, len, st->norm[i], strlen(st->norm[i])) != NULL;
    free(text);
    return found;
}
