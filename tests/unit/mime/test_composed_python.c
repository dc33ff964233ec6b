/* Composed messages checked independently: each is written to a temp dir
 * with its expectations as JSON, and verify_composed.py parses them with
 * Python's email package. */
#include "unit/mime/helpers.h"

#include <sys/wait.h>

#include "util/buf.h"

#define PYTHON "/usr/bin/python3"

typedef struct json {
    envoi_buf b;
    int first; /* no comma needed before the next member */
} json;

static void json_raw(json *j, const char *s)
{
    assert_int_equal(envoi_buf_append_str(&j->b, s), 0);
}

static void json_string(json *j, const char *s)
{
    if (!s) {
        json_raw(j, "null");
        return;
    }
    envoi_buf_append_char(&j->b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            envoi_buf_printf(&j->b, "\\%c", *p);
        else if (*p < 32)
            envoi_buf_printf(&j->b, "\\u%04x", *p);
        else
            envoi_buf_append_char(&j->b, (char)*p);
    }
    envoi_buf_append_char(&j->b, '"');
}

static void json_key(json *j, const char *key)
{
    if (!j->first)
        json_raw(j, ", ");
    j->first = 0;
    json_string(j, key);
    json_raw(j, ": ");
}

static void json_addresses(json *j, const char *key, const char *const *pairs)
{
    json_key(j, key);
    json_raw(j, "[");
    for (size_t i = 0; pairs && pairs[i]; i += 2) {
        json_raw(j, i ? ", {\"name\": " : "{\"name\": ");
        json_string(j, pairs[i]);
        json_raw(j, ", \"address\": ");
        json_string(j, pairs[i + 1]);
        json_raw(j, "}");
    }
    json_raw(j, "]");
}

typedef struct expected_part {
    const char *filename, *type, *disposition, *cid;
    const void *data;
    size_t len;
} expected_part;

static void json_parts(json *j, const expected_part *parts, size_t n)
{
    json_key(j, "parts");
    json_raw(j, "[");
    for (size_t i = 0; i < n; i++) {
        char hex[65];
        sha256_hex(parts[i].data, parts[i].len, hex);
        json_raw(j, i ? ", {" : "{");
        json j2 = {j->b, 1};
        json_key(&j2, "filename");
        json_string(&j2, parts[i].filename);
        json_key(&j2, "content_type");
        json_string(&j2, parts[i].type);
        json_key(&j2, "disposition");
        json_string(&j2, parts[i].disposition);
        json_key(&j2, "cid");
        json_string(&j2, parts[i].cid);
        json_key(&j2, "sha256");
        json_string(&j2, hex);
        j->b = j2.b;
        json_raw(j, "}");
    }
    json_raw(j, "]");
}

static void save(const char *dir, const char *name, envoi_message *m, json *j)
{
    size_t len;
    char *src = compose(m, &len);
    char file[64];
    snprintf(file, sizeof file, "%s.eml", name);
    char *p = path_in(dir, file);
    write_file(p, src, len);
    free(p);
    json_raw(j, "}");
    snprintf(file, sizeof file, "%s.json", name);
    p = path_in(dir, file);
    write_file(p, j->b.data, j->b.len);
    free(p);
    free(src);
    envoi_buf_free(&j->b);
}

static void start(json *j, const char *subject, const char *content_type)
{
    memset(j, 0, sizeof *j);
    j->first = 1;
    json_raw(j, "{");
    json_key(j, "subject");
    json_string(j, subject);
    json_key(j, "content_type");
    json_string(j, content_type);
}

static void compose_plain(const char *dir)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "alice@example.org"), 0);
    assert_int_equal(envoi_message_add_to(m, "Bob <bob@example.org>"), 0);
    assert_int_equal(envoi_message_add_bcc(m, "secret@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, "Hello"), 0);
    assert_int_equal(envoi_message_set_text(m, "line one\nline two", 17), 0);
    json j;
    start(&j, "Hello", "text/plain");
    const char *from[] = {"", "alice@example.org", NULL};
    const char *to[] = {"Bob", "bob@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", to);
    json_key(&j, "text");
    json_string(&j, "line one\nline two\n");
    save(dir, "01-plain", m, &j);
    envoi_message_free(m);
}

static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,
                                    0,    13,  'I', 'H', 'D',  'R',  0xff, 0x00, 0x7f, 0x80};

static void compose_everything(const char *dir)
{
    const char *subject = "Grüße aus Köln — réunion « spéciale » ✓ 日本語のテキスト";
    const char *text = "Bonjour à tous,\n\nvoici le compte rendu.\n— Zoë\n";
    const char *html = "<p>Bonjour à tous, <img src=\"cid:logo@envoi\"></p>\n";
    const char *long_name =
        "Compte rendu de la réunion très importante du comité, version définitive "
        "(corrigée) — ne pas diffuser.pdf";
    unsigned char binary[3000];
    for (size_t i = 0; i < sizeof binary; i++)
        binary[i] = (unsigned char)(i * 7 + 3);
    char *file = path_in(dir, "attachment.bin");
    write_file(file, binary, sizeof binary);

    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "Zoë Müller <zoe@bücher.example>"), 0);
    assert_int_equal(envoi_message_add_to(m, "\"Doe, John\" <john@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "plain@example.org"), 0);
    assert_int_equal(envoi_message_add_cc(m,
                                          "Ünïcödé Person With A Very Long Name Indeed, To Force "
                                          "Folding <cc@example.org>"),
                     0);
    assert_int_equal(envoi_message_add_reply_to(m, "J. R. \"Bob\" Dobbs <bob@example.org>"), 0);
    assert_int_equal(envoi_message_add_bcc(m, "hidden@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, subject), 0);
    assert_int_equal(envoi_message_set_text(m, text, strlen(text)), 0);
    assert_int_equal(envoi_message_set_html(m, html, strlen(html)), 0);
    assert_int_equal(
        envoi_message_add_inline_data(m, png, sizeof png, "logo.png", "logo@envoi", NULL), 0);
    assert_int_equal(envoi_message_attach_file(m, file, long_name, NULL), 0);
    assert_int_equal(envoi_message_attach_data(m, "a,b\r\n1,2\r\n", 10, "données.csv", NULL), 0);
    assert_int_equal(envoi_message_add_header(m, "X-Note", "café crème ✓ ok"), 0);
    assert_int_equal(envoi_message_set_priority(m, ENVOI_PRIORITY_HIGH), 0);

    json j;
    start(&j, subject, "multipart/mixed");
    const char *from[] = {"Zoë Müller", "zoe@xn--bcher-kva.example", NULL};
    const char *to[] = {"Doe, John", "john@example.org", "", "plain@example.org", NULL};
    const char *cc[] = {"Ünïcödé Person With A Very Long Name Indeed, To Force Folding",
                        "cc@example.org", NULL};
    const char *reply[] = {"J. R. \"Bob\" Dobbs", "bob@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", to);
    json_addresses(&j, "cc", cc);
    json_addresses(&j, "reply_to", reply);
    json_key(&j, "headers");
    json_raw(&j, "{\"X-Note\": \"café crème ✓ ok\", \"Importance\": \"high\"}");
    json_key(&j, "text");
    json_string(&j, text);
    json_key(&j, "html");
    json_string(&j, html);
    expected_part parts[] = {
        {"logo.png", "image/png", "inline", "logo@envoi", png, sizeof png},
        {long_name, "application/pdf", "attachment", NULL, binary, sizeof binary},
        {"données.csv", "text/csv", "attachment", NULL, "a,b\r\n1,2\r\n", 10},
    };
    json_parts(&j, parts, 3);
    save(dir, "02-everything", m, &j);
    envoi_message_free(m);
    free(file);
}

static void compose_html_inline_file(const char *dir)
{
    char *img = path_in(dir, "photo.JPG");
    write_file(img, png, sizeof png);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_add_to(m, "b@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, "html only"), 0);
    const char *html = "<html><body><img src=\"cid:photo\"></body></html>";
    assert_int_equal(envoi_message_set_html(m, html, strlen(html)), 0);
    assert_int_equal(envoi_message_add_inline_file(m, img, "photo", NULL), 0);
    json j;
    start(&j, "html only", "multipart/related");
    const char *from[] = {"", "a@example.org", NULL};
    const char *to[] = {"", "b@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", to);
    json_key(&j, "html");
    json_string(&j, "<html><body><img src=\"cid:photo\"></body></html>\n");
    expected_part parts[] = {{"photo.JPG", "image/jpeg", "inline", "photo", png, sizeof png}};
    json_parts(&j, parts, 1);
    save(dir, "03-html-inline", m, &j);
    envoi_message_free(m);
    free(img);
}

static void compose_attachments_only(const char *dir)
{
    const char *unix_text = "first line\nsecond = line with trailing space \nthird\tline\n";
    char *txt = path_in(dir, "notes.txt");
    write_file(txt, unix_text, strlen(unix_text));
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_add_to(m, "b@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, "files"), 0);
    assert_int_equal(envoi_message_attach_file(m, txt, NULL, NULL), 0);
    assert_int_equal(envoi_message_attach_data(m, "", 0, "empty.dat", NULL), 0);
    json j;
    start(&j, "files", "multipart/mixed");
    const char *from[] = {"", "a@example.org", NULL};
    const char *to[] = {"", "b@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", to);
    expected_part parts[] = {
        {"notes.txt", "text/plain", "attachment", NULL, unix_text, strlen(unix_text)},
        {"empty.dat", "application/octet-stream", "attachment", NULL, "", 0},
    };
    json_parts(&j, parts, 2);
    save(dir, "04-attachments-only", m, &j);
    envoi_message_free(m);
    free(txt);
}

static void compose_long_headers(const char *dir)
{
    envoi_buf subject = ENVOI_BUF_INIT;
    for (int i = 0;
         envoi_buf_append_str(&subject, i % 7 ? "word " : "ünïcode "), subject.len < 2000; i++)
        ;
    subject.len--; /* no trailing space */
    subject.data[subject.len] = '\0';
    envoi_buf longword = ENVOI_BUF_INIT;
    for (int i = 0; i < 300; i++)
        envoi_buf_append_str(&longword, i % 5 ? "x" : "é");
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    json j;
    envoi_buf full = ENVOI_BUF_INIT;
    envoi_buf_printf(&full, "%s %s", subject.data, longword.data);
    assert_int_equal(envoi_message_set_subject(m, full.data), 0);
    start(&j, full.data, "text/plain");
    envoi_buf to = ENVOI_BUF_INIT;
    const char *pairs[61];
    char names[30][32], addrs[30][48];
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof names[i], "Recipient Nümber %d", i);
        snprintf(addrs[i], sizeof addrs[i], "recipient.number.%d@example.org", i);
        envoi_buf_clear(&to);
        envoi_buf_printf(&to, "%s <%s>", names[i], addrs[i]);
        assert_int_equal(envoi_message_add_to(m, to.data), 0);
        pairs[2 * i] = names[i];
        pairs[2 * i + 1] = addrs[i];
    }
    pairs[60] = NULL;
    const char *from[] = {"", "a@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", pairs);
    assert_int_equal(envoi_message_set_text(m, "x", 1), 0);
    json_key(&j, "text");
    json_string(&j, "x\n");
    save(dir, "05-long-headers", m, &j);
    envoi_message_free(m);
    envoi_buf_free(&subject);
    envoi_buf_free(&longword);
    envoi_buf_free(&full);
    envoi_buf_free(&to);
}

static void compose_encodings(const char *dir)
{
    const char *cyr = "Привет, мир! Это сообщение почти целиком написано кириллицей.\n";
    envoi_buf longline = ENVOI_BUF_INIT;
    for (int i = 0; i < 1200; i++)
        envoi_buf_append_char(&longline, (char)('a' + i % 26));
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_add_to(m, "b@example.org"), 0);
    assert_int_equal(envoi_message_add_bcc(m, "c@example.org"), 0);
    assert_int_equal(envoi_message_set_write_bcc(m, true), 0);
    assert_int_equal(envoi_message_set_subject(m, "encodings"), 0);
    assert_int_equal(envoi_message_set_text(m, cyr, strlen(cyr)), 0);
    assert_int_equal(envoi_message_set_html(m, longline.data, longline.len), 0);
    json j;
    start(&j, "encodings", "multipart/alternative");
    const char *from[] = {"", "a@example.org", NULL};
    const char *to[] = {"", "b@example.org", NULL};
    json_addresses(&j, "from", from);
    json_addresses(&j, "to", to);
    json_key(&j, "bcc_written");
    json_raw(&j, "true");
    json_key(&j, "text");
    json_string(&j, cyr);
    envoi_buf_append_char(&longline, '\n');
    json_key(&j, "html");
    json_string(&j, longline.data);
    save(dir, "06-encodings", m, &j);
    envoi_message_free(m);
    envoi_buf_free(&longline);
}

static int run_verifier(const char *dir)
{
    envoi_buf script = ENVOI_BUF_INIT;
    const char *slash = strrchr(__FILE__, '/');
    assert_non_null(slash);
    envoi_buf_append(&script, __FILE__, (size_t)(slash + 1 - __FILE__));
    envoi_buf_append_str(&script, "verify_composed.py");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(PYTHON, PYTHON, script.data, dir, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    envoi_buf_free(&script);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void python_email_package_reads_composed_messages_back(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    compose_plain(dir);
    compose_everything(dir);
    compose_html_inline_file(dir);
    compose_attachments_only(dir);
    compose_long_headers(dir);
    compose_encodings(dir);
    int status = run_verifier(dir);
    if (status == 0)
        remove_tree(dir);
    else
        fprintf(stderr, "messages kept in %s\n", dir);
    free(dir);
    assert_int_equal(status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(python_email_package_reads_composed_messages_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
