/* "envoi smime": sign, encrypt, sign-encrypt, verify and decrypt S/MIME
 * messages with certificates and keys from PEM or PKCS#12 files. */
#ifndef ENVOI_CLI_SMIME_H
#define ENVOI_CLI_SMIME_H

#include <stdio.h>

/* Run "envoi smime"; argv[0] is "smime". The message (or --json) goes to
 * out, messages to errout. Returns the exit status. */
int cli_smime_main(int argc, char **argv, FILE *out, FILE *errout);
void cli_help_smime(FILE *out);

#endif
