/*
 * The signature dictionaries of a PDF, through libqpdf's C API: the
 * signature fields of /AcroForm (their /V: /ByteRange, /Contents,
 * /SubFilter). qpdf reads objects on demand from the file, so a large
 * PDF is not loaded whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "evidence.h"
#include "tte_alloc.h"
#include "tte_log.h"
#include "tte_buf.h"
#include "tte_str.h"

/* Field trees are shallow; the limits only stop a hostile file's cycles
 * and bulk. */
#define MAX_DEPTH 16
#define MAX_NODES 10000
#define MAX_SIGS 64
#define MAX_WARNINGS 20

struct walk {
    qpdf_data q;
    struct ev_sig *sigs;
    size_t n;
    size_t nodes;
};

static void
read_range(qpdf_data q, qpdf_oh arr, struct ev_sig *s)
{
    int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
    s->nrange = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < n && i < 4; i++) {
        qpdf_oh v = qpdf_oh_get_array_item(q, arr, i);
        /* A non-integer spoils the range; -1 fails ev_range_check. */
        s->range[i] = qpdf_oh_is_integer(q, v) ? qpdf_oh_get_int_value(q, v)
                                               : -1;
    }
}

static void
add_sig(struct walk *w, qpdf_oh v)
{
    qpdf_data q = w->q;
    struct ev_sig s = {0};
    qpdf_oh contents = qpdf_oh_get_key(q, v, "/Contents");
    qpdf_oh sub = qpdf_oh_get_key(q, v, "/SubFilter");

    if (w->n >= MAX_SIGS || !qpdf_oh_is_string(q, contents))
        return;
    read_range(q, qpdf_oh_get_key(q, v, "/ByteRange"), &s);
    if (qpdf_oh_is_name(q, sub))
        snprintf(s.subfilter, sizeof s.subfilter, "%s",
                 qpdf_oh_get_name(q, sub) + 1);
    size_t len = 0;
    const char *p = qpdf_oh_get_binary_string_value(q, contents, &len);
    s.contents = tte_xmalloc(len ? len : 1);
    if (len)
        memcpy(s.contents, p, len);
    s.contents_len = len;
    w->sigs = tte_xrealloc(w->sigs, (w->n + 1) * sizeof *w->sigs);
    w->sigs[w->n++] = s;
}

/* A field is a signature when its /FT (inherited from its parents) is
 * /Sig; it is signed when its /V is a dictionary. */
static void
visit(struct walk *w, qpdf_oh field, int depth, bool sig_type)
{
    qpdf_data q = w->q;
    if (depth > MAX_DEPTH || ++w->nodes > MAX_NODES ||
        !qpdf_oh_is_dictionary(q, field))
        return;
    qpdf_oh ft = qpdf_oh_get_key(q, field, "/FT");
    if (qpdf_oh_is_name(q, ft))
        sig_type = qpdf_oh_is_name_and_equals(q, ft, "/Sig");
    qpdf_oh v = qpdf_oh_get_key(q, field, "/V");
    if (sig_type && qpdf_oh_is_dictionary(q, v))
        add_sig(w, v);
    qpdf_oh kids = qpdf_oh_get_key(q, field, "/Kids");
    int n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n; i++)
        visit(w, qpdf_oh_get_array_item(q, kids, i), depth + 1, sig_type);
}

void
ev_sigs_free(struct ev_sig *sigs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(sigs[i].contents);
    free(sigs);
}

static void
why_error(qpdf_data q, char *why, size_t whysz)
{
    qpdf_error e = qpdf_get_error(q);
    const char *text = e ? qpdf_get_error_message_detail(q, e) : "";
    enum qpdf_error_code_e code = e ? qpdf_get_error_code(q, e)
                                    : qpdf_e_success;
    if (code == qpdf_e_password)
        snprintf(why, whysz, "encrypted: a password is needed to open it");
    else
        snprintf(why, whysz, "not a readable PDF: %s", text);
}

/* qpdf keeps its warnings instead of printing them bare; they are shown
 * with the file they concern, a bounded number of them. */
static void
pass_warnings(qpdf_data q, const char *path)
{
    int shown = 0;
    while (qpdf_more_warnings(q)) {
        qpdf_error e = qpdf_next_warning(q);
        if (e && shown++ < MAX_WARNINGS)
            log_warn("%s: qpdf: %s", path,
                     qpdf_get_error_message_detail(q, e));
    }
    if (shown > MAX_WARNINGS)
        log_warn("%s: qpdf: %d further warnings not shown", path,
                 shown - MAX_WARNINGS);
}

enum tte_err
ev_pdf_signatures(const char *path, struct ev_sig **sigs, size_t *n, char *why,
                  size_t whysz)
{
    qpdf_data q = qpdf_init();
    struct walk w = {.q = q};
    enum tte_err err = TTE_OK;

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    /* A file that needs its cross-reference table rebuilt is damaged or
     * truncated: no proof of what was signed, so no recovery. */
    qpdf_set_attempt_recovery(q, QPDF_FALSE);
    if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
        why_error(q, why, whysz);
        err = TTE_E_DATA;
        goto cleanup;
    }
    /* Looked at only where there is a dictionary: qpdf warns about a key
     * asked of anything else, and a PDF without a form is no fault. */
    qpdf_oh form = qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm");
    qpdf_oh fields = qpdf_oh_is_dictionary(q, form)
                         ? qpdf_oh_get_key(q, form, "/Fields")
                         : form;
    int nf = qpdf_oh_is_array(q, fields) ? qpdf_oh_get_array_n_items(q, fields)
                                         : 0;
    for (int i = 0; i < nf; i++)
        visit(&w, qpdf_oh_get_array_item(q, fields, i), 0, false);
    if (qpdf_has_error(q)) {
        why_error(q, why, whysz);
        err = TTE_E_DATA;
    }
cleanup:
    pass_warnings(q, path);
    if (err) {
        ev_sigs_free(w.sigs, w.n);
    } else {
        *sigs = w.sigs;
        *n = w.n;
    }
    qpdf_cleanup(&q);
    return err;
}
