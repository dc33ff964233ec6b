/* Built against an installed envoi (pkg-config or find_package): composes a message with the
 * public API and prints it on stdout (versions on stderr), for the install test to check. */
#include <envoi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print what failed with the code's name; returns 1 for main's exit status. */
static int report(const char *what, int rc)
{
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, envoi_err_name(rc), envoi_strerror(rc));
    return 1;
}

/* Fill msg with addresses, a UTF-8 subject, a text body and a small attachment. */
static int compose(envoi_message *msg)
{
    static const char text[] = "Hello from a program built against the installed envoi.\n";
    static const unsigned char data[] = {0x00, 0x01, 0x02, 0xfe, 0xff, 'e', 'n', 'v', 'o', 'i'};
    int rc;

    if ((rc = envoi_message_set_from(msg, "Sender <sender@example.org>")) < 0)
        return report("set_from", rc);
    if ((rc = envoi_message_add_to(msg, "Receiver <rcpt@example.org>")) < 0)
        return report("add_to", rc);
    if ((rc = envoi_message_set_subject(msg, "Grüße aus envoi ✓")) < 0)
        return report("set_subject", rc);
    if ((rc = envoi_message_set_text(msg, text, strlen(text))) < 0)
        return report("set_text", rc);
    if ((rc = envoi_message_attach_data(msg, data, sizeof data, "data.bin",
                                        "application/octet-stream")) < 0)
        return report("attach_data", rc);
    return 0;
}

int main(void)
{
    envoi_message *msg;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if ((rc = envoi_init()) < 0)
        return report("envoi_init", rc);
    fprintf(stderr, "envoi headers %s, library %s\n", ENVOI_VERSION_STRING, envoi_version());
    msg = envoi_message_new();
    if (msg == NULL)
        return report("envoi_message_new", ENVOI_ENOMEM);
    if (compose(msg) != 0) {
        envoi_message_free(msg);
        return 1;
    }
    rc = envoi_message_to_string(msg, &out, &len);
    envoi_message_free(msg);
    if (rc < 0)
        return report("envoi_message_to_string", rc);
    fwrite(out, 1, len, stdout);
    free(out);
    return 0;
}
