/* Row validation, derived results and the dedupe key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tte_event.h"

struct row {
    char *v[F_COUNT];
    char store[F_COUNT][64];
};

static void
row_set(struct row *r, enum tte_field f, const char *s)
{
    strcpy(r->store[f], s);
    r->v[f] = r->store[f];
}

static void
base(struct row *r)
{
    memset(r, 0, sizeof *r);
    row_set(r, F_TIME, "2025-03-01T10:00:00+07:00");
    row_set(r, F_APP, "srikandi");
    row_set(r, F_UNIT, " Biro Umum ");
    row_set(r, F_NIK, "3171010101900001");
    row_set(r, F_DOC_ID, "D1");
}

/* Normalises r twice, measuring the texts and given their lengths as a
 * reader knows them: both must come to the same event or reason. */
static bool
norm(struct row *r, struct tte_event *ev, struct tte_buf *reason)
{
    struct row given = *r;
    size_t lens[F_COUNT];
    struct tte_event ev2;
    struct tte_buf reason2;
    for (int f = 0; f < F_COUNT; f++) {
        given.v[f] = r->v[f] ? given.store[f] : NULL;
        lens[f] = r->v[f] ? strlen(r->v[f]) : 0;
    }
    tte_buf_init(&reason2);
    tte_buf_reset(reason);
    bool ok = tte_event_normalize(r->v, NULL, 7 * 3600, ev, reason);
    bool ok2 = tte_event_normalize(given.v, lens, 7 * 3600, &ev2, &reason2);
    assert_int_equal(ok, ok2);
    if (!ok)
        assert_string_equal(reason->data, reason2.data);
    for (int f = 0; ok && f < F_COUNT; f++) {
        assert_int_equal(ev->len[f], ev2.len[f]);
        if (ev->v[f])
            assert_memory_equal(ev->v[f], ev2.v[f], ev->len[f] + 1);
        else
            assert_null(ev2.v[f]);
    }
    if (ok) {
        assert_int_equal(ev->t, ev2.t);
        assert_int_equal(ev->signer, ev2.signer);
        assert_int_equal(ev->http_status, ev2.http_status);
        assert_int_equal(ev->duration_ms, ev2.duration_ms);
        assert_int_equal(ev->footer, ev2.footer);
        assert_int_equal(ev->key, ev2.key);
    }
    tte_buf_free(&reason2);
    return ok;
}

static void
test_valid_and_derived(void **state)
{
    struct row r;
    struct tte_event ev;
    struct tte_buf reason;
    (void)state;
    tte_buf_init(&reason);
    base(&r);
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[F_UNIT], "Biro Umum");
    assert_string_equal(ev.v[F_RESULT], "ok");
    assert_string_equal(ev.v[F_CERT_TYPE], "individu");
    assert_string_equal(ev.v[ev.signer], "3171010101900001");
    assert_int_equal(ev.t, 1740798000);

    base(&r);
    row_set(&r, F_HTTP_STATUS, "500");
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[F_RESULT], "fail");
    base(&r);
    row_set(&r, F_STATUS_CODE, "2031");
    row_set(&r, F_HTTP_STATUS, "200");
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[F_RESULT], "fail");
    base(&r);
    row_set(&r, F_RESULT, "FAIL");
    row_set(&r, F_CERT_TYPE, "Segel");
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[F_RESULT], "fail");
    assert_string_equal(ev.v[F_CERT_TYPE], "segel");
    base(&r);
    r.v[F_NIK] = NULL;
    row_set(&r, F_CERT_SERIAL, "10000000983556614291900633");
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[ev.signer], "10000000983556614291900633");
    /* Identifiers are trimmed; a text keeps its spaces unless blank. */
    base(&r);
    row_set(&r, F_NAME, "\t Ani  ");
    row_set(&r, F_DOC_TYPE, " Nota Dinas ");
    row_set(&r, F_MESSAGE, " \t ");
    assert_true(norm(&r, &ev, &reason));
    assert_string_equal(ev.v[F_NAME], "Ani");
    assert_int_equal(ev.len[F_NAME], 3);
    assert_string_equal(ev.v[F_DOC_TYPE], " Nota Dinas ");
    assert_int_equal(ev.len[F_DOC_TYPE], 12);
    assert_null(ev.v[F_MESSAGE]);
    tte_buf_free(&reason);
}

static void
expect_reject(struct row *r, const char *want)
{
    struct tte_event ev;
    struct tte_buf reason;
    tte_buf_init(&reason);
    assert_false(norm(r, &ev, &reason));
    assert_non_null(strstr(reason.data, want));
    tte_buf_free(&reason);
}

static void
test_rejects(void **state)
{
    struct row r;
    (void)state;
    base(&r);
    row_set(&r, F_TIME, "01/03/2025");
    expect_reject(&r, "cannot parse time");
    base(&r);
    row_set(&r, F_APP, "  ");
    expect_reject(&r, "app is empty");
    base(&r);
    r.v[F_UNIT] = NULL;
    expect_reject(&r, "unit is empty");
    base(&r);
    r.v[F_NIK] = NULL;
    expect_reject(&r, "no signer identity");
    base(&r);
    row_set(&r, F_NIK, "3171013201900001");
    expect_reject(&r, "is not 16 digits");
    base(&r);
    row_set(&r, F_NIP, "198001012005013001");
    expect_reject(&r, "is not 18 digits");
    base(&r);
    row_set(&r, F_RESULT, "maybe");
    expect_reject(&r, "neither ok nor fail");
    base(&r);
    r.v[F_NIK] = NULL;
    row_set(&r, F_CERT_SERIAL, "1.00000000983557E+25");
    expect_reject(&r, "looks like a float");
}

/* Same app, instant, signer, doc_id and result: same key, whatever the
 * offset the time was written in; any field changed: another key. */
static void
test_dedupe_key(void **state)
{
    struct row a, b;
    struct tte_event ea, eb;
    struct tte_buf reason;
    (void)state;
    tte_buf_init(&reason);
    base(&a);
    base(&b);
    row_set(&b, F_TIME, "2025-03-01T03:00:00.250Z");
    row_set(&b, F_MESSAGE, "other text does not matter");
    assert_true(norm(&a, &ea, &reason));
    assert_true(norm(&b, &eb, &reason));
    assert_true(ea.key == eb.key);
    static const enum tte_field changed[] = {F_APP, F_DOC_ID, F_NIK, F_TIME};
    static const char *const values[] = {"persuratan", "D2",
                                         "3171010101900002",
                                         "2025-03-01T10:00:01+07:00"};
    for (size_t i = 0; i < 4; i++) {
        base(&b);
        row_set(&b, changed[i], values[i]);
        assert_true(norm(&b, &eb, &reason));
        assert_true(ea.key != eb.key);
    }
    base(&b);
    row_set(&b, F_RESULT, "fail");
    assert_true(norm(&b, &eb, &reason));
    assert_true(ea.key != eb.key);
    tte_buf_free(&reason);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_derived),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_dedupe_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
