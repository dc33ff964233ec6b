/* A 64 MiB file attachment is written as a stream in bounded blocks: the
 * byte count and the digest of the decoded base64 match the file. */
#include "unit/mime/helpers.h"

#include "util/base64.h"

#define FILE_SIZE (64u * 1024 * 1024)
#define BLOCK (1024 * 1024)

typedef struct counting_writer {
    size_t total, calls, largest;
    char line[1024];
    size_t line_len;
    int state; /* 0 before the part, 1 its headers, 2 its body, 3 after */
    size_t decoded, encoded_chars;
    envoi_b64_dec dec;
    EVP_MD_CTX *sha;
} counting_writer;

static void take_line(counting_writer *w)
{
    const char *l = w->line;
    size_t n = w->line_len;
    if (w->state == 0 && strcmp(l, "Content-Disposition: attachment; filename=big.bin") == 0) {
        w->state = 1;
    } else if (w->state == 1 && n == 0) {
        w->state = 2;
    } else if (w->state == 2) {
        if (n >= 2 && l[0] == '-' && l[1] == '-') {
            unsigned char tail[3];
            size_t t = 0;
            assert_int_equal(envoi_b64_dec_final(&w->dec, tail, &t), 0);
            EVP_DigestUpdate(w->sha, tail, t);
            w->decoded += t;
            w->state = 3;
            return;
        }
        assert_true(n <= 76);
        unsigned char out[80];
        long got = envoi_b64_dec_update(&w->dec, l, n, out);
        assert_true(got >= 0);
        EVP_DigestUpdate(w->sha, out, (size_t)got);
        w->decoded += (size_t)got;
        w->encoded_chars += n;
    }
}

static int count_and_decode(void *ctx, const void *data, size_t len)
{
    counting_writer *w = ctx;
    w->total += len;
    w->calls++;
    if (len > w->largest)
        w->largest = len;
    const char *p = data;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            assert_true(w->line_len > 0 && w->line[w->line_len - 1] == '\r');
            w->line[--w->line_len] = '\0';
            take_line(w);
            w->line_len = 0;
        } else {
            assert_true(w->line_len < sizeof w->line - 1);
            w->line[w->line_len++] = p[i];
        }
    }
    return 0;
}

static void large_file_attachment_streams_in_bounded_blocks(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *f = path_in(dir, "big.bin");
    FILE *fp = fopen(f, "wb");
    assert_non_null(fp);
    unsigned char *block = malloc(BLOCK);
    EVP_MD_CTX *want = EVP_MD_CTX_new();
    EVP_DigestInit_ex(want, EVP_sha256(), NULL);
    for (size_t off = 0; off < FILE_SIZE; off += BLOCK) {
        for (size_t i = 0; i < BLOCK; i++)
            block[i] = (unsigned char)((off + i) * 2654435761u >> 13);
        EVP_DigestUpdate(want, block, BLOCK);
        assert_int_equal(fwrite(block, 1, BLOCK, fp), BLOCK);
    }
    assert_int_equal(fclose(fp), 0);
    free(block);

    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_set_text(m, "big file attached", 17), 0);
    assert_int_equal(envoi_message_attach_file(m, f, NULL, "application/octet-stream"), 0);
    counting_writer w = {0};
    envoi_b64_dec_init(&w.dec);
    w.sha = EVP_MD_CTX_new();
    EVP_DigestInit_ex(w.sha, EVP_sha256(), NULL);
    assert_int_equal(envoi_message_write(m, count_and_decode, &w), 0);
    assert_int_equal(w.state, 3);
    assert_int_equal(w.decoded, FILE_SIZE);
    size_t chars = (FILE_SIZE + 2) / 3 * 4;
    assert_int_equal(w.encoded_chars, chars);
    size_t body = chars + (chars - 1) / 76 * 2;
    assert_true(w.total > body && w.total - body < 4096);
    assert_true(w.largest <= 64 * 1024);
    assert_true(w.calls > FILE_SIZE / (64 * 1024));

    unsigned char a[32], b[32];
    unsigned int la = 0, lb = 0;
    EVP_DigestFinal_ex(want, a, &la);
    EVP_DigestFinal_ex(w.sha, b, &lb);
    assert_memory_equal(a, b, 32);
    EVP_MD_CTX_free(want);
    EVP_MD_CTX_free(w.sha);
    envoi_message_free(m);
    remove_tree(dir);
    free(f);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(large_file_attachment_streams_in_bounded_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
