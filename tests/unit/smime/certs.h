/* S/MIME unit tests: the certificates of tests/peers/smime_certs.sh,
 * made once per test program in a temporary directory. */
#ifndef ENVOI_TEST_SMIME_CERTS_H
#define ENVOI_TEST_SMIME_CERTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char certs_dir[256];
static char certs_tmp[64];

/* The path of a file of the certificate directory (static buffer, 4 slots). */
static const char *cert_path(const char *name)
{
    static char slots[4][512];
    static int next;
    char *p = slots[next++ % 4];
    snprintf(p, sizeof slots[0], "%s/%s", certs_dir, name);
    return p;
}

static int make_certs(void **state)
{
    (void)state;
    const char *peers = getenv("ENVOI_PEERS");
    char tmpl[] = "/tmp/envoi-smime-unit.XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(certs_tmp, sizeof certs_tmp, "%s", tmpl);
    snprintf(certs_dir, sizeof certs_dir, "%s/certs", tmpl);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/smime_certs.sh' '%s'", peers ? peers : "tests/peers",
             certs_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int remove_certs(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", certs_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
