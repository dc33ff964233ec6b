/* Fuzz the DKIM verifier: any message, verified with fixed keys for
 * example.com (selectors rsa, ed and a revoked one) and DNS never asked;
 * every status it hands back is complete and of a known result. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/verify.h"
#include "envoi/dkim.h"

/* The keys of tests/unit/dkim/data (rsa.txt, ed.txt), which signed the seeds. */
static const char RSA_KEY[] =
    "v=DKIM1; k=rsa; "
    "p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAn1cYAykNLE+140R/"
    "pKqQpmrTunoff1MKWoN7paY6aJLk4fuqaZLl3tRjvp8DBgzVHGT//"
    "pDeUbOup0hmKTXrmbLKhyj7qucqclut97s3HO+aYKA/fY3xcq7f8JwTkOf9LMgaQa8ybuSfnTBjJ/"
    "qK5EP+EZMidl8BxejMhu5iFEpI9rVRBwZjcjjOpwAInH6w+77fkoMn2XsCUfy1N6J4DU4e5B/"
    "RU8Fxqnm9Tq0ZwMFRgvUR3zqSgHsZamF4IbYknJ9dQx1vuOztU2U77bjixGM392GrCXYd1Cbln/"
    "YTIEwIh9tiDAW0HNKEiIbJDZ+1vjgdClDs6Dew0xVfe+185QIDAQAB";
static const char ED_KEY[] = "v=DKIM1; k=ed25519; p=nlSQyCX9CASe4wbsTmdm4ZYNGjfex4L4wSt14B1nIao=";

static envoi_dkim_verifier *make_verifier(void)
{
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    if (!v || envoi_dkim_verifier_add_key(v, "example.com", "rsa", RSA_KEY) != 0 ||
        envoi_dkim_verifier_add_key(v, "example.com", "ed", ED_KEY) != 0 ||
        envoi_dkim_verifier_add_key(v, "example.com", "revoked", "v=DKIM1; p=") != 0 ||
        envoi_dkim_verifier_set_time(v, 1700000000) != 0)
        abort();
    v->offline = true;
    return v;
}

static void check_status(const envoi_dkim_status *st)
{
    if (st->result > ENVOI_DKIM_PERMERROR || !st->reason)
        abort();
    if ((st->result == ENVOI_DKIM_PASS) != (st->reason[0] == '\0'))
        abort();
    if (st->result == ENVOI_DKIM_PASS && (!st->domain || !st->selector || !st->identity))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static envoi_dkim_verifier *v;
    if (!v)
        v = make_verifier();
    envoi_dkim_status *st = NULL;
    size_t n = 0;
    if (envoi_dkim_verify(v, data, size, &st, &n) != 0)
        return 0;
    if (n > 16 || (n == 0) != (st == NULL))
        abort();
    for (size_t i = 0; i < n; i++)
        check_status(&st[i]);
    envoi_dkim_status_free(st, n);
    return 0;
}
