/*
 * The message: headers, an Indonesian text part and the report attached.
 * Encoding is OpenSSL's base64 (EVP_EncodeBlock); the same bytes go to
 * --dry-run and to the server, so a dry run shows exactly what is sent.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "send.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_time.h"

bool
mail_header_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

bool
mail_address_valid(const char *a)
{
    const char *at;
    if (!a || !*a || !mail_header_safe(a) || strlen(a) > 254)
        return false;
    at = strchr(a, '@');
    if (!at || at == a || strchr(at + 1, '@') || !at[1])
        return false;
    for (const char *p = a; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 0x7f || strchr("<>()[],;:\\\"", c))
            return false;
    }
    return strchr(at + 1, '.') || strcmp(at + 1, "localhost") == 0;
}

/* base64 of p[0..n) in lines of at most 76 characters, CRLF-ended. */
static void
add_base64(struct tte_buf *out, const unsigned char *p, size_t n)
{
    unsigned char line[80];
    for (size_t i = 0; i < n; i += 57) {
        size_t k = n - i < 57 ? n - i : 57;
        int len = EVP_EncodeBlock(line, p + i, (int)k);
        tte_buf_add(out, line, (size_t)len);
        tte_buf_adds(out, "\r\n");
    }
}

/* RFC 2047: non-ASCII header text as UTF-8 "B" encoded words, each cut
 * on a character boundary and at most 75 characters long. */
static void
add_encoded(struct tte_buf *out, const char *s)
{
    bool ascii = true;
    for (const char *p = s; *p; p++)
        ascii &= (unsigned char)*p < 0x80;
    if (ascii) {
        tte_buf_adds(out, s);
        return;
    }
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t k = n - i < 45 ? n - i : 45;
        while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k--;
        unsigned char enc[80];
        int len = EVP_EncodeBlock(enc, (const unsigned char *)s + i, (int)k);
        if (i)
            tte_buf_adds(out, "\r\n ");
        tte_buf_adds(out, "=?UTF-8?B?");
        tte_buf_add(out, enc, (size_t)len);
        tte_buf_adds(out, "?=");
        i += k;
    }
}

static void
add_list(struct tte_buf *out, const char *name, const char *const *a, size_t n)
{
    if (!n)
        return;
    tte_buf_printf(out, "%s: ", name);
    for (size_t i = 0; i < n; i++)
        tte_buf_printf(out, "%s%s", i ? ",\r\n " : "", a[i]);
    tte_buf_adds(out, "\r\n");
}

/* RFC 5322 date in WIB, with English names as the RFC requires. */
static void
add_date(struct tte_buf *out, int64_t t)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun",
                                       "Mon", "Tue", "Wed"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr",
                                      "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec"};
    int y, m, d, h, mi, s;
    int64_t local = t + TTE_WIB_OFFSET;
    tte_local_fields(t, TTE_WIB_OFFSET, &y, &m, &d, &h, &mi, &s);
    int64_t days_since = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    tte_buf_printf(out, "Date: %s, %d %s %d %02d:%02d:%02d +0700\r\n",
                   days[((days_since % 7) + 7) % 7], d, mon[m - 1], y, h, mi,
                   s);
}

static void
add_attachment(struct tte_buf *out, const struct mail *m)
{
    tte_buf_adds(out, "Content-Type: application/vnd.openxmlformats-"
                      "officedocument.spreadsheetml.sheet;\r\n name=\"");
    tte_buf_adds(out, m->report_name);
    tte_buf_adds(out,
                 "\"\r\nContent-Disposition: attachment;\r\n filename=\"");
    tte_buf_adds(out, m->report_name);
    tte_buf_adds(out, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    add_base64(out, (const unsigned char *)m->report_data, m->report_len);
}

void
mail_headers(struct mail *m, struct tte_buf *out)
{
    const char *domain = strchr(m->from, '@') + 1;

    if (!m->message_id[0])
        snprintf(m->message_id, sizeof m->message_id, "<tte.%.16s.%lld@%s>",
                 m->sha256, (long long)m->date, domain);
    tte_buf_printf(out, "From: %s\r\n", m->from);
    add_list(out, "To", m->to, m->nto);
    add_list(out, "Cc", m->cc, m->ncc);
    if (m->reply_to)
        tte_buf_printf(out, "Reply-To: %s\r\n", m->reply_to);
    tte_buf_adds(out, "Subject: ");
    add_encoded(out, m->subject);
    tte_buf_adds(out, "\r\n");
    add_date(out, m->date);
    tte_buf_printf(out, "Message-ID: %s\r\n", m->message_id);
    tte_buf_adds(out, "MIME-Version: 1.0\r\n");
}

void
mail_entity(const struct mail *m, struct tte_buf *out)
{
    char boundary[64];
    /* Derived from the report, so the same report builds the same bytes. */
    snprintf(boundary, sizeof boundary, "=_tte_%.32s", m->sha256);
    tte_buf_printf(out,
                   "Content-Type: multipart/mixed; "
                   "boundary=\"%s\"\r\n\r\n",
                   boundary);
    tte_buf_adds(out, "This is a multi-part message in MIME format.\r\n");
    tte_buf_printf(out, "--%s\r\n", boundary);
    tte_buf_adds(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n");
    add_base64(out, (const unsigned char *)m->body, strlen(m->body));
    tte_buf_printf(out, "--%s\r\n", boundary);
    add_attachment(out, m);
    tte_buf_printf(out, "--%s--\r\n", boundary);
}

void
mail_base64(struct tte_buf *out, const unsigned char *p, size_t n)
{
    add_base64(out, p, n);
}

void
mail_build(struct mail *m, struct tte_buf *out)
{
    tte_buf_reset(out);
    mail_headers(m, out);
    mail_entity(m, out);
}
