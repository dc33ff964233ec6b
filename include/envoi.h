/* envoi — email for applications: the umbrella header. */
#ifndef ENVOI_H
#define ENVOI_H

#include "envoi/check.h"
#include "envoi/dkim.h"
#include "envoi/error.h"
#include "envoi/imap.h"
#include "envoi/mailto.h"
#include "envoi/message.h"
#include "envoi/oauth.h"
#include "envoi/parse.h"
#include "envoi/pop3.h"
#include "envoi/smime.h"
#include "envoi/smtp.h"
#include "envoi/spool.h"
#include "envoi/store.h"
#include "envoi/tls.h"
#include "envoi/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Initialize the library once per process, before any other call (sets up
 * OpenSSL). Returns 0 or a negative ENVOI_E... code. Safe to call again. */
int envoi_init(void);

#ifdef __cplusplus
}
#endif
#endif
