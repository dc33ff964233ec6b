/* Fuzz the S/MIME reader: envoi_smime_open over arbitrary input, with a
 * fixed key and certificate of ours (EC P-256, made once for the fuzzer)
 * as trust and for decryption. Whatever the input, the call returns a code,
 * and on success the output and the report are consistent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envoi.h"

static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmOplQ4Gr3us2O4bV\n"
                              "uDzs6Sz1JOVyd+n2qfzT1fcT6pChRANCAARMKiv+PVr76MiCxO6AUQHj49T8JDOp\n"
                              "92eySd+BsVVJax2gYCyyvH2S8nCyfuqiuvrhIZxKCSxnFG/mB469mquW\n"
                              "-----END PRIVATE KEY-----\n";

static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIB3zCCAYagAwIBAgIUc1fSLaf/wPU5hR9QYQjOXPt7fO4wCgYIKoZIzj0EAwIw\n"
                               "NjETMBEGA1UEAwwKZW52b2kgZnV6ejEfMB0GCSqGSIb3DQEJARYQZnV6ekBleGFt\n"
                               "cGxlLm9yZzAgFw0yNjExMjIwNzQ4MDZaGA8yMTI2MTAyOTA3NDgwNlowNjETMBEG\n"
                               "A1UEAwwKZW52b2kgZnV6ejEfMB0GCSqGSIb3DQEJARYQZnV6ekBleGFtcGxlLm9y\n"
                               "ZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEwqK/49WvvoyILE7oBRAePj1Pwk\n"
                               "M6n3Z7JJ34GxVUlrHaBgLLK8fZLycLJ+6qK6+uEhnEoJLGcUb+YHjr2aq5ajcDBu\n"
                               "MB0GA1UdDgQWBBR9ZMpsn2VlLk3aQoqxX1O3ZIQoLzAfBgNVHSMEGDAWgBR9ZMps\n"
                               "n2VlLk3aQoqxX1O3ZIQoLzAPBgNVHRMBAf8EBTADAQH/MBsGA1UdEQQUMBKBEGZ1\n"
                               "enpAZXhhbXBsZS5vcmcwCgYIKoZIzj0EAwIDRwAwRAIgOT+AkuJ09QsILisrC0Ql\n"
                               "/pTITZjrbVSH8fJIS715y0wCIFNyKpJKD6FrfyqZ1lxEbbRK9UyjjATXO9oGfSdD\n"
                               "5Ops\n"
                               "-----END CERTIFICATE-----\n";

static envoi_smime *reader;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
    if (chmod(path, 0600) != 0)
        abort();
}

static void set_up(void)
{
    char dir[] = "/tmp/envoi-fuzz-smime.XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char key[64], cert[64];
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    write_file(key, key_pem);
    write_file(cert, cert_pem);
    envoi_init();
    reader = envoi_smime_new();
    if (!reader || envoi_smime_set_signer_files(reader, cert, key) != 0 ||
        envoi_smime_set_ca_file(reader, cert) != 0)
        abort();
    unlink(key);
    unlink(cert);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!reader)
        set_up();
    char *out = NULL;
    size_t len = 0;
    envoi_smime_report rep;
    int rc = envoi_smime_open(reader, data, size, &out, &len, &rep);
    if (rc == 0) {
        if (!out || strlen(out) > len || !rep.reason)
            abort();
        if (rep.decrypted && !rep.encrypted)
            abort();
        if (rep.signature > ENVOI_SMIME_BAD)
            abort();
        envoi_smime_report_clear(&rep);
    } else if (rc == ENVOI_ECONFIG) {
        if (out || !rep.encrypted || rep.decrypted)
            abort();
        envoi_smime_report_clear(&rep);
    } else if (out) {
        abort();
    }
    free(out);
    return 0;
}
