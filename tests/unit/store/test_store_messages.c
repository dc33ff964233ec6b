/* Messages in the mail store: dedup, decoded fields, attachments, the raw
 * source kept byte for byte, flags, delete and batches. */
#include "store_helpers.h"

#include "envoi/store.h"

static const char simple[] = "From: a@example.org\r\nSubject: hi\r\n"
                             "Message-ID: <one@example.org>\r\n\r\nbody\r\n";

static const char rich[] = "From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <jorg@example.org>\r\n"
                           "To: Bob <bob@example.net>, carol@example.com\r\n"
                           "Cc: \"Dave, D.\" <dave@example.org>\r\n"
                           "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"
                           "Date: Sat, 21 Nov 2026 21:07:17 +0100\r\n"
                           "Message-ID: <rich@example.org>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                           "\r\n"
                           "--b1\r\n"
                           "Content-Type: text/plain; charset=iso-8859-1\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n"
                           "\r\n"
                           "Sch=F6ne Gr=FC=DFe\r\n"
                           "--b1\r\n"
                           "Content-Type: application/octet-stream\r\n"
                           "Content-Disposition: attachment; filename=\"hello.bin\"\r\n"
                           "Content-Transfer-Encoding: base64\r\n"
                           "\r\n"
                           "aGVsbG8gd29ybGQ=\r\n"
                           "--b1\r\n"
                           "Content-Type: text/csv; name=\"=?UTF-8?Q?d=C3=A9j=C3=A0.csv?=\"\r\n"
                           "Content-Disposition: attachment\r\n"
                           "\r\n"
                           "a,b\r\n"
                           "--b1--\r\n";

typedef struct fixture {
    scratch s;
    envoi_store *st;
} fixture;

static int setup(void **state)
{
    if (scratch_setup(state) < 0)
        return -1;
    scratch *s = *state;
    fixture *f = calloc(1, sizeof *f);
    f->s = *s;
    free(s);
    *state = f;
    return envoi_store_open(scratch_path(&f->s, "mail.db"), &f->st, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    envoi_store_close(f->st);
    scratch *s = malloc(sizeof *s);
    *s = f->s;
    free(f);
    *state = s;
    return scratch_teardown(state);
}

static int64_t add(envoi_store *st, const char *account, const char *uidl, const char *data,
                   size_t len, bool expect_new)
{
    int64_t id = 0;
    bool added = !expect_new;
    assert_int_equal(envoi_store_add(st, account, uidl, data, len, &id, &added), 0);
    assert_true(id > 0);
    assert_int_equal(added, expect_new);
    return id;
}

static uint64_t count(envoi_store *st)
{
    uint64_t n = 0;
    assert_int_equal(envoi_store_count(st, &n), 0);
    return n;
}

static void test_same_uidl_is_stored_once_per_account(void **state)
{
    fixture *f = *state;
    int64_t a = add(f->st, "work", "UID1", simple, sizeof simple - 1, true);
    /* Same UIDL on the same account: the same message, whatever the bytes. */
    assert_int_equal(add(f->st, "work", "UID1", rich, sizeof rich - 1, false), a);
    int64_t b = add(f->st, "home", "UID1", simple, sizeof simple - 1, true);
    assert_true(b != a);
    assert_int_equal(count(f->st), 2);
    bool found = false;
    assert_int_equal(envoi_store_has_uidl(f->st, "work", "UID1", &found), 0);
    assert_true(found);
    assert_int_equal(envoi_store_has_uidl(f->st, "work", "UID2", &found), 0);
    assert_false(found);
}

static void test_without_uidl_dedup_is_by_message_id_and_digest(void **state)
{
    fixture *f = *state;
    int64_t a = add(f->st, NULL, NULL, simple, sizeof simple - 1, true);
    assert_int_equal(add(f->st, NULL, NULL, simple, sizeof simple - 1, false), a);
    /* Same Message-ID, other bytes: another message. */
    char other[sizeof simple];
    memcpy(other, simple, sizeof simple);
    other[sizeof simple - 4] = 'X';
    add(f->st, NULL, NULL, other, sizeof simple - 1, true);
    /* No Message-ID at all: the digest alone decides. */
    static const char bare[] = "Subject: none\r\n\r\nx\r\n";
    int64_t c = add(f->st, NULL, NULL, bare, sizeof bare - 1, true);
    assert_int_equal(add(f->st, NULL, NULL, bare, sizeof bare - 1, false), c);
    assert_int_equal(count(f->st), 3);
}

static void test_fields_are_stored_decoded(void **state)
{
    fixture *f = *state;
    int64_t id = add(f->st, "work", "U9", rich, sizeof rich - 1, true);
    envoi_store_message *m = NULL;
    assert_int_equal(envoi_store_get(f->st, id, &m), 0);
    assert_non_null(m);
    assert_int_equal(m->id, id);
    assert_string_equal(m->account, "work");
    assert_string_equal(m->uidl, "U9");
    assert_string_equal(m->message_id, "rich@example.org");
    assert_string_equal(m->subject, "Grüße aus Köln");
    assert_string_equal(m->from, "Jörg Müller <jorg@example.org>");
    assert_string_equal(m->from_addr, "jorg@example.org");
    assert_string_equal(m->to, "Bob <bob@example.net>, carol@example.com");
    assert_string_equal(m->to_addr, "bob@example.net carol@example.com");
    assert_string_equal(m->cc, "Dave, D. <dave@example.org>");
    assert_string_equal(m->cc_addr, "dave@example.org");
    assert_true(m->has_date);
    assert_int_equal(m->date, 1795291637); /* 2026-11-21T20:07:17Z */
    assert_int_equal(m->size, sizeof rich - 1);
    assert_int_equal(m->flags, 0);
    assert_int_equal(strlen(m->sha256), 64);
    envoi_store_message_free(m);
}

static void test_missing_fields_are_null(void **state)
{
    fixture *f = *state;
    static const char bare[] = "X-Nothing: here\n\nbody\n";
    int64_t id = add(f->st, NULL, NULL, bare, sizeof bare - 1, true);
    envoi_store_message *m = NULL;
    assert_int_equal(envoi_store_get(f->st, id, &m), 0);
    assert_string_equal(m->account, "");
    assert_null(m->uidl);
    assert_null(m->subject);
    assert_null(m->from);
    assert_null(m->message_id);
    assert_false(m->has_date);
    envoi_store_message_free(m);
}

static void test_raw_source_comes_back_identical(void **state)
{
    fixture *f = *state;
    char raw[600];
    int n = snprintf(raw, sizeof raw, "Subject: bytes\r\n\r\n");
    size_t len = (size_t)n;
    for (int i = 0; i < 256; i++)
        raw[len++] = (char)i; /* NUL, bare CR, 8-bit: all kept */
    int64_t id = add(f->st, NULL, NULL, raw, len, true);
    envoi_store_message *m = NULL;
    assert_int_equal(envoi_store_get(f->st, id, &m), 0);
    assert_int_equal(m->raw_len, len);
    assert_memory_equal(m->raw, raw, len);
    envoi_store_message_free(m);
}

static void test_get_unknown_id_gives_null(void **state)
{
    fixture *f = *state;
    envoi_store_message *m = (envoi_store_message *)1;
    assert_int_equal(envoi_store_get(f->st, 4242, &m), 0);
    assert_null(m);
}

typedef struct seen_attachments {
    size_t n;
    envoi_store_attachment a[4];
    char *strings[16];
    size_t nstrings;
} seen_attachments;

static const char *keep(seen_attachments *s, const char *v)
{
    if (!v)
        return NULL;
    return s->strings[s->nstrings++] = strdup(v);
}

static int collect_attachment(void *ctx, const envoi_store_attachment *a)
{
    seen_attachments *s = ctx;
    envoi_store_attachment *c = &s->a[s->n++];
    c->path = keep(s, a->path);
    c->filename = keep(s, a->filename);
    c->content_type = keep(s, a->content_type);
    c->size = a->size;
    c->sha256 = keep(s, a->sha256);
    return 0;
}

static void test_attachments_are_listed_with_size_and_digest(void **state)
{
    fixture *f = *state;
    int64_t id = add(f->st, NULL, NULL, rich, sizeof rich - 1, true);
    seen_attachments s = {0};
    assert_int_equal(envoi_store_attachments(f->st, id, collect_attachment, &s), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.a[0].path, "2");
    assert_string_equal(s.a[0].filename, "hello.bin");
    assert_string_equal(s.a[0].content_type, "application/octet-stream");
    assert_int_equal(s.a[0].size, 11);
    assert_string_equal(s.a[0].sha256,
                        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assert_string_equal(s.a[1].path, "3");
    assert_string_equal(s.a[1].filename, "déjà.csv");
    assert_string_equal(s.a[1].content_type, "text/csv");
    assert_int_equal(s.a[1].size, 3); /* the CRLF before the boundary is not body */
    for (size_t i = 0; i < s.nstrings; i++)
        free(s.strings[i]);
}

static void test_flags_are_replaced(void **state)
{
    fixture *f = *state;
    int64_t id = add(f->st, NULL, NULL, simple, sizeof simple - 1, true);
    assert_int_equal(envoi_store_set_flags(f->st, id, ENVOI_STORE_SEEN | ENVOI_STORE_FLAGGED), 0);
    envoi_store_message *m = NULL;
    assert_int_equal(envoi_store_get(f->st, id, &m), 0);
    assert_int_equal(m->flags, ENVOI_STORE_SEEN | ENVOI_STORE_FLAGGED);
    envoi_store_message_free(m);
    assert_int_equal(envoi_store_set_flags(f->st, id, ENVOI_STORE_DELETED), 0);
    assert_int_equal(envoi_store_get(f->st, id, &m), 0);
    assert_int_equal(m->flags, ENVOI_STORE_DELETED);
    envoi_store_message_free(m);
    assert_int_equal(envoi_store_set_flags(f->st, id + 100, ENVOI_STORE_SEEN), ENVOI_EINVAL);
    assert_non_null(strstr(envoi_store_error(f->st)->text, "no message"));
}

static void test_delete_removes_message_and_attachments(void **state)
{
    fixture *f = *state;
    int64_t id = add(f->st, "a", "u", rich, sizeof rich - 1, true);
    assert_int_equal(envoi_store_delete(f->st, id), 0);
    assert_int_equal(count(f->st), 0);
    seen_attachments s = {0};
    assert_int_equal(envoi_store_attachments(f->st, id, collect_attachment, &s), 0);
    assert_int_equal(s.n, 0);
    bool found = true;
    assert_int_equal(envoi_store_has_uidl(f->st, "a", "u", &found), 0);
    assert_false(found);
    assert_int_equal(envoi_store_delete(f->st, id), ENVOI_EINVAL);
    /* Stored again after delete: a new row. */
    add(f->st, "a", "u", rich, sizeof rich - 1, true);
}

static void test_batch_commit_stores_everything(void **state)
{
    fixture *f = *state;
    assert_int_equal(envoi_store_begin(f->st), 0);
    assert_int_equal(envoi_store_begin(f->st), ENVOI_ESTATE);
    char uidl[32];
    for (int i = 0; i < 500; i++) {
        snprintf(uidl, sizeof uidl, "u%d", i);
        add(f->st, "acct", uidl, simple, sizeof simple - 1, true);
    }
    /* Dedup sees the batch's own rows. */
    add(f->st, "acct", "u7", simple, sizeof simple - 1, false);
    assert_int_equal(envoi_store_commit(f->st), 0);
    assert_int_equal(count(f->st), 500);
    assert_int_equal(envoi_store_commit(f->st), ENVOI_ESTATE);
}

static void test_batch_rollback_stores_nothing(void **state)
{
    fixture *f = *state;
    add(f->st, NULL, "kept", simple, sizeof simple - 1, true);
    assert_int_equal(envoi_store_begin(f->st), 0);
    add(f->st, NULL, "dropped", rich, sizeof rich - 1, true);
    assert_int_equal(envoi_store_rollback(f->st), 0);
    assert_int_equal(count(f->st), 1);
    bool found = true;
    assert_int_equal(envoi_store_has_uidl(f->st, NULL, "dropped", &found), 0);
    assert_false(found);
}

static void test_close_with_open_batch_keeps_nothing_of_it(void **state)
{
    fixture *f = *state;
    assert_int_equal(envoi_store_begin(f->st), 0);
    add(f->st, NULL, "lost", simple, sizeof simple - 1, true);
    envoi_store_close(f->st);
    assert_int_equal(envoi_store_open(scratch_path(&f->s, "mail.db"), &f->st, NULL), 0);
    assert_int_equal(count(f->st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_uidl_is_stored_once_per_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_uidl_dedup_is_by_message_id_and_digest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fields_are_stored_decoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_fields_are_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_source_comes_back_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_unknown_id_gives_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attachments_are_listed_with_size_and_digest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flags_are_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_removes_message_and_attachments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_batch_commit_stores_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_rollback_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_with_open_batch_keeps_nothing_of_it, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
