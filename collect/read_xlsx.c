/*
 * "xlsx" reader: one sheet of a workbook, streamed. libzip inflates the
 * sheet's XML a block at a time and expat parses each block as it comes,
 * so a row is handed on as soon as its </row> is read and the sheet is
 * never in memory; only the shared strings (which cells index in any
 * order) and the styles are. The zip's entries are bounded in size and
 * in compression ratio before any is inflated.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>
#include <expat.h>
#include <zip.h>

#include "read.h"
#include "tte_log.h"
#include "tte_time.h"

/* An entry other than the sheet and the shared strings: workbook,
 * relationships, styles. */
#define MAX_PART (64LL << 20)
#define MAX_STRINGS (512LL << 20)
#define MAX_SHEET (8LL << 30)
/* Sheet XML compresses some 10 to 30 times; past this, and big, an
 * entry is a zip bomb rather than a log. */
#define MAX_RATIO 200
#define RATIO_FROM (32LL << 20)
#define MAX_COLS 16384 /* Excel's XFD */
#define BLOCK (64 << 10)

/* Excel's epoch: serial 25569 is 1970-01-01 in the 1900 system, whose
 * serial 60 is a 29 February 1900 that never was. */
#define EPOCH_1900 25569
#define EPOCH_1904 24107

struct xlsx {
    const char *path;
    zip_t *zip;
    /* workbook.xml and its relationships */
    char **sheet_names, **sheet_rids;
    size_t nsheets;
    bool date1904;
    char *target; /* the chosen sheet's entry */
    char *rid_want;
    /* shared strings */
    struct tte_buf strings;
    size_t *str_off;
    size_t nstr, str_cap;
    bool in_si, in_t, in_rph;
    /* styles: which cell formats are dates */
    bool *xf_date;
    size_t nxf;
    int *fmt_ids; /* custom numFmt ids that are dates */
    size_t nfmt;
    bool in_cellxfs;
    long last_row;
    enum tte_err err;
};

static const char *
local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *
attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* --- reading an entry -------------------------------------------------- */

static enum tte_err
entry_open(struct xlsx *x, const char *name, long long cap, zip_file_t **zf,
           bool optional)
{
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);

    *zf = NULL;
    if (idx < 0) {
        if (optional)
            return TTE_OK;
        log_err("%s: not an xlsx workbook: it has no %s", x->path, name);
        return TTE_E_DATA;
    }
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
        log_err("%s: cannot read the zip entry %s", x->path, name);
        return TTE_E_DATA;
    }
    if ((long long)st.size > cap) {
        log_err("%s: %s inflates to %llu bytes, over the limit of %lld; "
                "refused",
                x->path, name, (unsigned long long)st.size, cap);
        return TTE_E_DATA;
    }
    if ((long long)st.size > RATIO_FROM &&
        st.size / (st.comp_size ? st.comp_size : 1) > MAX_RATIO) {
        log_err("%s: %s inflates %llu times (%llu to %llu bytes), as a zip "
                "bomb does; refused",
                x->path, name,
                (unsigned long long)(st.size /
                                     (st.comp_size ? st.comp_size : 1)),
                (unsigned long long)st.comp_size, (unsigned long long)st.size);
        return TTE_E_DATA;
    }
    *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!*zf) {
        log_err("%s: cannot open %s: %s", x->path, name, zip_strerror(x->zip));
        return TTE_E_DATA;
    }
    return TTE_OK;
}

/* Streams an entry through an expat parser; stops early when *stop. The
 * bytes inflated are counted against cap whatever the entry declared. */
static enum tte_err
entry_parse(struct xlsx *x, const char *name, long long cap, XML_Parser p,
            bool optional, const enum tte_err *stop)
{
    zip_file_t *zf;
    enum tte_err err = entry_open(x, name, cap, &zf, optional);
    long long total = 0;
    char *buf;

    if (err || !zf)
        return err;
    buf = tte_xmalloc(BLOCK);
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, BLOCK);
        if (n < 0) {
            log_err("%s: %s: %s", x->path, name, zip_file_strerror(zf));
            err = TTE_E_DATA;
            break;
        }
        total += n;
        if (total > cap) {
            log_err("%s: %s inflates past the limit of %lld bytes; refused",
                    x->path, name, cap);
            err = TTE_E_DATA;
            break;
        }
        if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!*stop) {
                log_err("%s: %s:%lu: XML: %s", x->path, name,
                        (unsigned long)XML_GetCurrentLineNumber(p),
                        XML_ErrorString(XML_GetErrorCode(p)));
                err = TTE_E_DATA;
            }
            break;
        }
        if (*stop || n == 0)
            break;
    }
    free(buf);
    zip_fclose(zf);
    return err ? err : *stop;
}

/* --- workbook.xml and its relationships ---------------------------------- */

static void XMLCALL
wb_start(void *ud, const char *el, const char **atts)
{
    struct xlsx *x = ud;
    el = local(el);
    if (strcmp(el, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(el, "sheet") == 0) {
        const char *name = attr(atts, "name"), *rid = attr(atts, "id");
        if (!name || !rid || x->nsheets >= 4096)
            return;
        x->sheet_names = tte_xrealloc(
            x->sheet_names, (x->nsheets + 1) * sizeof *x->sheet_names);
        x->sheet_rids = tte_xrealloc(x->sheet_rids,
                                     (x->nsheets + 1) * sizeof *x->sheet_rids);
        x->sheet_names[x->nsheets] = tte_xstrdup(name);
        x->sheet_rids[x->nsheets++] = tte_xstrdup(rid);
    }
}

static void XMLCALL
rels_start(void *ud, const char *el, const char **atts)
{
    struct xlsx *x = ud;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (strcmp(local(el), "Relationship") != 0 || !id || !target ||
        x->target || strcmp(id, x->rid_want) != 0)
        return;
    /* A target is relative to xl/, or absolute from the zip's root. */
    size_t n = strlen(target) + 4;
    x->target = tte_xmalloc(n);
    if (target[0] == '/')
        snprintf(x->target, n, "%s", target + 1);
    else
        snprintf(x->target, n, "xl/%s", target);
}

static enum tte_err
parse_part(struct xlsx *x, const char *name, XML_StartElementHandler start,
           XML_EndElementHandler end, XML_CharacterDataHandler text,
           long long cap, bool optional)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        return TTE_E_NOMEM;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    if (text)
        XML_SetCharacterDataHandler(p, text);
    enum tte_err err = entry_parse(x, name, cap, p, optional, &x->err);
    XML_ParserFree(p);
    return err;
}

static enum tte_err
choose_sheet(struct xlsx *x, const struct xlsx_dialect *d)
{
    enum tte_err err = parse_part(x, "xl/workbook.xml", wb_start, NULL, NULL,
                                  MAX_PART, false);
    size_t pick = 0;

    if (err)
        return err;
    if (!x->nsheets) {
        log_err("%s: the workbook lists no sheet", x->path);
        return TTE_E_DATA;
    }
    if (d->sheet) {
        for (pick = 0; pick < x->nsheets; pick++)
            if (strcmp(x->sheet_names[pick], d->sheet) == 0)
                break;
    } else if (d->sheet_no) {
        pick = (size_t)d->sheet_no - 1;
    }
    if (pick >= x->nsheets) {
        struct tte_buf names;
        tte_buf_init(&names);
        for (size_t i = 0; i < x->nsheets; i++)
            tte_buf_printf(&names, "%s'%s'", i ? ", " : "", x->sheet_names[i]);
        if (d->sheet)
            log_err("%s: no sheet named '%s' (the workbook has %s)", x->path,
                    d->sheet, names.data);
        else
            log_err("%s: no sheet number %d (the workbook has %zu: %s)",
                    x->path, d->sheet_no, x->nsheets, names.data);
        tte_buf_free(&names);
        return TTE_E_DATA;
    }
    x->rid_want = x->sheet_rids[pick];
    err = parse_part(x, "xl/_rels/workbook.xml.rels", rels_start, NULL, NULL,
                     MAX_PART, false);
    if (!err && !x->target) {
        log_err("%s: sheet '%s' has no part in the workbook's "
                "relationships",
                x->path, x->sheet_names[pick]);
        err = TTE_E_DATA;
    }
    return err;
}

/* --- styles: which cell formats show dates ------------------------------ */

static bool
builtin_date(int id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
           (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* A format code shows a date or a time when it has a y, m, d, h or s
 * outside quoted text, escapes and [colour] or [$-locale] sections. */
static bool
code_is_date(const char *c)
{
    if (strcasecmp(c, "General") == 0)
        return false;
    for (; *c; c++) {
        if (*c == '"') {
            while (c[1] && c[1] != '"')
                c++;
            if (c[1])
                c++;
            continue;
        }
        if ((*c == '\\' || *c == '_' || *c == '*') && c[1]) {
            c++;
            continue;
        }
        if (*c == '[') {
            char l = (char)tolower((unsigned char)c[1]);
            if (l == 'h' || l == 'm' || l == 's')
                return true; /* [h]:mm elapsed time */
            const char *e = strchr(c, ']');
            if (!e)
                return false;
            c = e;
            continue;
        }
        char l = (char)tolower((unsigned char)*c);
        if (l == 'y' || l == 'm' || l == 'd' || l == 'h' || l == 's')
            return true;
    }
    return false;
}

static void XMLCALL
styles_start(void *ud, const char *el, const char **atts)
{
    struct xlsx *x = ud;
    el = local(el);
    if (strcmp(el, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"),
                   *code = attr(atts, "formatCode");
        if (id && code && code_is_date(code) && x->nfmt < 4096) {
            x->fmt_ids = tte_xrealloc(x->fmt_ids,
                                      (x->nfmt + 1) * sizeof *x->fmt_ids);
            x->fmt_ids[x->nfmt++] = atoi(id);
        }
    } else if (strcmp(el, "cellXfs") == 0) {
        x->in_cellxfs = true;
    } else if (strcmp(el, "xf") == 0 && x->in_cellxfs && x->nxf < 65536) {
        const char *v = attr(atts, "numFmtId");
        int id = v ? atoi(v) : 0;
        bool date = builtin_date(id);
        for (size_t i = 0; !date && i < x->nfmt; i++)
            date = x->fmt_ids[i] == id;
        x->xf_date = tte_xrealloc(x->xf_date,
                                  (x->nxf + 1) * sizeof *x->xf_date);
        x->xf_date[x->nxf++] = date;
    }
}

static void XMLCALL
styles_end(void *ud, const char *el)
{
    struct xlsx *x = ud;
    if (strcmp(local(el), "cellXfs") == 0)
        x->in_cellxfs = false;
}

/* --- shared strings ------------------------------------------------------ */

static void XMLCALL
sst_start(void *ud, const char *el, const char **atts)
{
    struct xlsx *x = ud;
    (void)atts;
    el = local(el);
    if (strcmp(el, "si") == 0) {
        if (x->nstr == x->str_cap) {
            x->str_cap = x->str_cap ? x->str_cap * 2 : 1024;
            x->str_off = tte_xrealloc(x->str_off,
                                      x->str_cap * sizeof *x->str_off);
        }
        x->str_off[x->nstr++] = x->strings.len;
        x->in_si = true;
    } else if (strcmp(el, "rPh") == 0) {
        x->in_rph = true; /* a phonetic reading, not the text */
    } else if (strcmp(el, "t") == 0) {
        x->in_t = true;
    }
}

static void XMLCALL
sst_end(void *ud, const char *el)
{
    struct xlsx *x = ud;
    el = local(el);
    if (strcmp(el, "si") == 0) {
        tte_buf_addc(&x->strings, '\0');
        x->in_si = false;
    } else if (strcmp(el, "rPh") == 0) {
        x->in_rph = false;
    } else if (strcmp(el, "t") == 0) {
        x->in_t = false;
    }
}

static void XMLCALL
sst_text(void *ud, const char *s, int len)
{
    struct xlsx *x = ud;
    if (x->in_si && x->in_t && !x->in_rph)
        tte_buf_add(&x->strings, s, (size_t)len);
}

/* --- the sheet ----------------------------------------------------------- */

enum cell_type {
    CT_NUMBER,
    CT_SHARED,
    CT_INLINE,
    CT_TEXT,
    CT_BOOL,
    CT_ERROR,
    CT_DATE
};

struct sheet {
    struct xlsx *x;
    const struct xlsx_dialect *d;
    const struct sink *sink;
    XML_Parser p;
    /* the row being read */
    long row_no;          /* its number, from r= or counting */
    struct tte_buf cells; /* texts, NUL-terminated */
    size_t *off;          /* per column: offset in cells, or -1 */
    const char **notes;   /* per column: why the value cannot be
                                 * used, or NULL */
    char **fields;
    size_t *lens;
    size_t ncap, nused; /* columns allocated, columns in the row */
    /* the cell being read */
    long col; /* 0-based */
    enum cell_type type;
    int style;
    bool in_v, in_is_t, in_rph;
    struct tte_buf val;
    bool too_long;
    /* the header */
    bool have_header;
    char **header;
    size_t nheader;
    char **above; /* the row before it, for merged names */
    size_t nabove;
    bool *secret;
    bool any_secret;
    struct tte_buf raw;
    struct tte_buf note; /* the notes' texts */
    size_t *note_off;
    char row_note[240];
    long long rows;
    enum tte_err err;
};

static size_t
col_from_ref(const char *r)
{
    size_t c = 0;
    while (*r >= 'A' && *r <= 'Z' && c <= MAX_COLS)
        c = c * 26 + (size_t)(*r++ - 'A' + 1);
    return c; /* 1-based; 0: no letters */
}

static void
grow(struct sheet *s, size_t n)
{
    if (n <= s->ncap)
        return;
    size_t cap = s->ncap ? s->ncap : 16;
    while (cap < n)
        cap *= 2;
    s->off = tte_xrealloc(s->off, cap * sizeof *s->off);
    s->notes = tte_xrealloc(s->notes, cap * sizeof *s->notes);
    s->fields = tte_xrealloc(s->fields, cap * sizeof *s->fields);
    s->lens = tte_xrealloc(s->lens, cap * sizeof *s->lens);
    for (size_t i = s->ncap; i < cap; i++) {
        s->off[i] = SIZE_MAX;
        s->notes[i] = NULL;
    }
    s->ncap = cap;
}

static void
row_reset(struct sheet *s)
{
    tte_buf_reset(&s->cells);
    for (size_t i = 0; i < s->nused; i++) {
        s->off[i] = SIZE_MAX;
        s->notes[i] = NULL;
    }
    s->nused = 0;
    s->row_note[0] = '\0';
}

/* Excel keeps 15 significant digits: a number of 16 digits or more was
 * an identifier (NIK, NIP) typed or imported into a numeric cell, and
 * its last digits are gone. */
static bool
lost_digits(const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end)
        return false;
    if (fabs(d) < 1e15)
        return false;
    return strspn(v, "0123456789") != strlen(v);
}

/* A date serial as ISO 8601 local time (no offset: the definition's
 * zone applies), a whole day as the date alone. */
static bool
serial_to_iso(const struct xlsx *x, const char *v, char *out, size_t n)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d) || d < 0 || d > 2958466)
        return false;
    if (!x->date1904 && d < 61)
        d += 1; /* before the false 29 February 1900 */
    long long secs = llround(d * 86400.0) -
                     (long long)(x->date1904 ? EPOCH_1904 : EPOCH_1900) *
                         86400LL;
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long tod = secs - days * 86400;
    int y, m, dd;
    tte_civil_from_days(days, &y, &m, &dd);
    if (tod == 0 && d == floor(d))
        snprintf(out, n, "%04d-%02d-%02d", y, m, dd);
    else
        snprintf(out, n, "%04d-%02d-%02dT%02lld:%02lld:%02lld", y, m, dd,
                 tod / 3600, tod / 60 % 60, tod % 60);
    return true;
}

/* The cell's text, as a reader of the sheet sees it. */
static void
cell_end(struct sheet *s)
{
    struct xlsx *x = s->x;
    char buf[64];
    const char *v = s->val.data ? s->val.data : "";
    const char *note = NULL;

    tte_buf_addc(&s->val, '\0');
    v = s->val.data;
    if (s->col < 0 || s->col >= MAX_COLS)
        return;
    if (s->too_long) {
        snprintf(s->row_note, sizeof s->row_note,
                 "cell %s%ld is over the "
                 "limit of %lld bytes (max_record_bytes)",
                 "column ", s->col + 1, s->d->max_cell);
        return;
    }
    switch (s->type) {
    case CT_SHARED: {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (end == v || *end || i >= x->nstr) {
            snprintf(s->row_note, sizeof s->row_note,
                     "column %ld refers "
                     "to shared string %s, which the workbook lacks",
                     s->col + 1, v);
            return;
        }
        v = x->strings.data + x->str_off[i];
        break;
    }
    case CT_BOOL: v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE"; break;
    case CT_NUMBER:
        if (!*v)
            break;
        if (s->style >= 0 && (size_t)s->style < x->nxf &&
            x->xf_date[s->style] && serial_to_iso(x, v, buf, sizeof buf)) {
            v = buf;
            break;
        }
        if (lost_digits(v)) {
            note = "lost digits";
            break;
        }
        /* 1.305E3 as Excel shows it: 1305. */
        if (strpbrk(v, "eE.")) {
            char *end;
            double d = strtod(v, &end);
            if (!*end && d == floor(d) && fabs(d) < 1e15) {
                snprintf(buf, sizeof buf, "%.0f", d);
                v = buf;
            }
        }
        break;
    default: break;
    }
    size_t c = (size_t)s->col;
    grow(s, c + 1);
    s->off[c] = s->cells.len;
    tte_buf_adds(&s->cells, v);
    tte_buf_addc(&s->cells, '\0');
    s->notes[c] = note;
    if (c + 1 > s->nused)
        s->nused = c + 1;
}

static bool
row_empty(const struct sheet *s)
{
    for (size_t i = 0; i < s->nused; i++)
        if (s->off[i] != SIZE_MAX &&
            strspn(s->cells.data + s->off[i], " \t\r\n") !=
                strlen(s->cells.data + s->off[i]))
            return false;
    return !s->row_note[0];
}

static const char *
cell(const struct sheet *s, size_t i)
{
    return i < s->nused && s->off[i] != SIZE_MAX ? s->cells.data + s->off[i]
                                                 : "";
}

static void
keep_above(struct sheet *s)
{
    for (size_t i = 0; i < s->nabove; i++)
        free(s->above[i]);
    free(s->above);
    s->nabove = s->nused;
    s->above = tte_xcalloc(s->nused ? s->nused : 1, sizeof *s->above);
    for (size_t i = 0; i < s->nused; i++)
        s->above[i] = tte_xstrdup(cell(s, i));
}

/* The header: each cell's text; an empty one under a merged title
 * (its text in the row above, the merge's top cell) takes that text. */
static enum tte_err
take_header(struct sheet *s)
{
    s->have_header = true;
    s->nheader = s->nused > s->nabove ? s->nused : s->nabove;
    s->header = tte_xcalloc(s->nheader ? s->nheader : 1, sizeof *s->header);
    for (size_t i = 0; i < s->nheader; i++) {
        const char *v = cell(s, i);
        if (!*v && i < s->nabove)
            v = s->above[i];
        s->header[i] = tte_xstrdup(v);
    }
    enum tte_err err = s->sink->header(s->sink->ctx, s->header, s->nheader,
                                       &s->secret);
    for (size_t i = 0; !err && i < s->nheader; i++)
        s->any_secret |= s->secret[i];
    return err;
}

/* The row as CSV, secret columns as "***": a reject's text. */
static const char *
raw_text(void *ctx, size_t *len)
{
    struct sheet *s = ctx;
    tte_buf_reset(&s->raw);
    for (size_t i = 0; i < s->nused; i++) {
        bool secret = i < s->nheader && s->secret[i];
        const char *v = secret && *cell(s, i) ? "***" : cell(s, i);
        size_t vn = strlen(v);
        char *q = tte_xmalloc(vn * 2 + 3);
        size_t qn = csv_write(q, vn * 2 + 3, v, vn);
        if (i)
            tte_buf_addc(&s->raw, ',');
        tte_buf_add(&s->raw, q, qn);
        free(q);
    }
    *len = s->raw.len;
    return s->raw.data ? s->raw.data : "";
}

static enum tte_err
row_end(struct sheet *s)
{
    const struct sink *k = s->sink;
    enum tte_err err = TTE_OK;

    if (row_empty(s))
        return TTE_OK;
    if (!s->have_header) {
        bool is_header = s->d->header_row ? s->row_no == s->d->header_row
                                          : true;
        if (is_header)
            return take_header(s);
        keep_above(s);
        return TTE_OK;
    }
    s->rows++;
    grow(s, s->nheader > s->nused ? s->nheader : s->nused);
    size_t n = s->nheader > s->nused ? s->nheader : s->nused;
    for (size_t i = 0; i < n; i++) {
        s->fields[i] = (char *)cell(s, i);
        s->lens[i] = strlen(s->fields[i]);
    }
    if (s->row_note[0]) {
        size_t len;
        const char *raw = raw_text(s, &len);
        return k->reject(k->ctx, (size_t)s->row_no, s->row_note, raw, len);
    }
    /* A note names the column's header: the reason a mapped column's
     * value is refused. */
    tte_buf_reset(&s->note);
    s->note_off = tte_xrealloc(s->note_off, s->ncap * sizeof *s->note_off);
    for (size_t i = 0; i < n; i++) {
        s->note_off[i] = SIZE_MAX;
        if (!s->notes[i])
            continue;
        s->note_off[i] = s->note.len;
        tte_buf_printf(&s->note,
                       "column '%s' holds the number %s: an "
                       "identifier (NIK or NIP) stored as a number has lost "
                       "its last digits (Excel keeps 15); format the column "
                       "as Text in the workbook, or export it with the "
                       "digits as text, and export again",
                       i < s->nheader ? s->header[i] : "?", cell(s, i));
        tte_buf_addc(&s->note, '\0');
    }
    for (size_t i = 0; i < n; i++)
        if (s->note_off[i] != SIZE_MAX)
            s->notes[i] = s->note.data + s->note_off[i];
    struct record rec = {.line = (size_t)s->row_no,
                         .fields = s->fields,
                         .lens = s->lens,
                         .nfields = n,
                         .raw = raw_text,
                         .raw_ctx = s,
                         .field_notes = s->notes};
    err = k->record(k->ctx, &rec);
    return err;
}

static void XMLCALL
sheet_start(void *ud, const char *el, const char **atts)
{
    struct sheet *s = ud;
    el = local(el);
    if (s->err)
        return;
    if (strcmp(el, "row") == 0) {
        const char *r = attr(atts, "r");
        long prev = s->row_no;
        s->row_no = r ? atol(r) : prev + 1;
        if (s->row_no <= prev)
            s->row_no = prev + 1;
        s->col = -1;
        row_reset(s);
    } else if (strcmp(el, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        const char *st = attr(atts, "s");
        size_t c = r ? col_from_ref(r) : 0;
        s->col = c ? (long)c - 1 : s->col + 1;
        s->type = !t                            ? CT_NUMBER
                  : strcmp(t, "s") == 0         ? CT_SHARED
                  : strcmp(t, "inlineStr") == 0 ? CT_INLINE
                  : strcmp(t, "str") == 0       ? CT_TEXT
                  : strcmp(t, "b") == 0         ? CT_BOOL
                  : strcmp(t, "e") == 0         ? CT_ERROR
                  : strcmp(t, "d") == 0         ? CT_DATE
                                                : CT_NUMBER;
        s->style = st ? atoi(st) : -1;
        tte_buf_reset(&s->val);
        s->too_long = false;
    } else if (strcmp(el, "v") == 0) {
        s->in_v = true;
    } else if (strcmp(el, "rPh") == 0) {
        s->in_rph = true;
    } else if (strcmp(el, "t") == 0 && s->type == CT_INLINE) {
        s->in_is_t = true;
    }
}

static void XMLCALL
sheet_end(void *ud, const char *el)
{
    struct sheet *s = ud;
    el = local(el);
    if (s->err)
        return;
    if (strcmp(el, "v") == 0) {
        s->in_v = false;
    } else if (strcmp(el, "t") == 0) {
        s->in_is_t = false;
    } else if (strcmp(el, "rPh") == 0) {
        s->in_rph = false;
    } else if (strcmp(el, "c") == 0) {
        cell_end(s);
    } else if (strcmp(el, "row") == 0) {
        s->err = row_end(s);
        if (s->err)
            XML_StopParser(s->p, XML_FALSE);
    }
}

static void XMLCALL
sheet_text(void *ud, const char *t, int len)
{
    struct sheet *s = ud;
    if (!(s->in_v || (s->in_is_t && !s->in_rph)))
        return;
    if (s->d->max_cell &&
        (long long)(s->val.len + (size_t)len) > s->d->max_cell) {
        s->too_long = true;
        return;
    }
    tte_buf_add(&s->val, t, (size_t)len);
}

static void
sheet_free(struct sheet *s)
{
    tte_buf_free(&s->cells);
    tte_buf_free(&s->val);
    tte_buf_free(&s->raw);
    tte_buf_free(&s->note);
    free(s->note_off);
    free(s->off);
    free(s->notes);
    free(s->fields);
    free(s->lens);
    for (size_t i = 0; i < s->nheader; i++)
        free(s->header[i]);
    free(s->header);
    for (size_t i = 0; i < s->nabove; i++)
        free(s->above[i]);
    free(s->above);
    free(s->secret);
}

static enum tte_err
read_sheet(struct xlsx *x, const struct xlsx_dialect *d,
           const struct sink *sink)
{
    struct sheet s;
    memset(&s, 0, sizeof s);
    s.x = x;
    s.d = d;
    s.sink = sink;
    s.p = XML_ParserCreate(NULL);
    if (!s.p)
        return TTE_E_NOMEM;
    XML_SetUserData(s.p, &s);
    XML_SetElementHandler(s.p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(s.p, sheet_text);
    enum tte_err err = entry_parse(x, x->target, MAX_SHEET, s.p, false,
                                   &s.err);
    if (!err && !s.have_header) {
        if (d->header_row)
            log_err("%s: the sheet has no row %d to take as the header "
                    "(header_row)",
                    x->path, d->header_row);
        else
            log_err("%s: the sheet is empty: no header row", x->path);
        err = TTE_E_DATA;
    }
    x->last_row = s.row_no;
    XML_ParserFree(s.p);
    sheet_free(&s);
    return err;
}

static void
xlsx_free(struct xlsx *x)
{
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheet_names[i]);
        free(x->sheet_rids[i]);
    }
    free(x->sheet_names);
    free(x->sheet_rids);
    free(x->target);
    tte_buf_free(&x->strings);
    free(x->str_off);
    free(x->xf_date);
    free(x->fmt_ids);
    if (x->zip)
        zip_discard(x->zip);
}

enum tte_err
read_xlsx(const char *path, const struct xlsx_dialect *d,
          const struct sink *sink)
{
    struct xlsx x;
    int zerr = 0;
    enum tte_err err;

    memset(&x, 0, sizeof x);
    x.path = path;
    tte_buf_init(&x.strings);
    x.zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (!x.zip) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        log_err("%s: not an xlsx workbook (a zip archive): %s", path,
                zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return TTE_E_DATA;
    }
    err = choose_sheet(&x, d);
    if (!err)
        err = parse_part(&x, "xl/styles.xml", styles_start, styles_end, NULL,
                         MAX_PART, true);
    if (!err)
        err = parse_part(&x, "xl/sharedStrings.xml", sst_start, sst_end,
                         sst_text, MAX_STRINGS, true);
    if (!err)
        err = read_sheet(&x, d, sink);
    /* The whole workbook is read: a clean point at its end. */
    struct stat sb;
    if (!err && stat(path, &sb) == 0)
        err = sink->clean_point(sink->ctx, (long long)sb.st_size,
                                (size_t)x.last_row);
    xlsx_free(&x);
    return err;
}
