/* The public suffix list (libpsl, with the system's list when it is newer
 * than the built-in one): a domain's top-level domain must be listed, and
 * the domain must be below a public suffix, not one itself. */
#include "check/syntax.h"

#include <libpsl.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl_list; /* written once, then only read */

static void load_psl(void)
{
    psl_list = psl_latest(NULL);
    if (!psl_list)
        psl_list = psl_builtin();
}

/* A private-section suffix (github.io, dyndns.org) is an organization's own
 * domain and may receive mail; an ICANN one (com, co.uk) never names a
 * mailbox's domain: only these are refused. */
bool check_syntax_psl(const char *domain, envoi_check_report *r)
{
    pthread_once(&psl_once, load_psl);
    if (!psl_list) {
        r->result = ENVOI_ADDR_ERROR;
        return check_syntax_refuse(r, "the public suffix list could not be loaded");
    }
    const char *dot = strrchr(domain, '.');
    const char *tld = dot ? dot + 1 : domain;
    if (!psl_is_public_suffix2(psl_list, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
        return check_syntax_refuse(r, "the top-level domain .%s is not in the public suffix list",
                                   tld);
    if (psl_is_public_suffix2(psl_list, domain, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)) {
        if (!dot)
            return check_syntax_refuse(r,
                                       "the domain %s is a top-level domain, not a mail "
                                       "domain",
                                       domain);
        return check_syntax_refuse(r,
                                   "the domain %s is a public suffix, under which domains "
                                   "are registered, not a mail domain",
                                   domain);
    }
    return true;
}
