/* Finding the public key of a signature: a key record given to the
 * verifier, else the TXT record of selector._domainkey.domain in DNS; no
 * key (permerror) told apart from a lookup that failed (temperror). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dkim/verify.h"

/* Read record as a key; a bad one is a permerror naming where it came from. */
static int read_record(const char *record, size_t len, const char *name, envoi_dkim_status *st,
                       dkim_keyrec *key)
{
    char why[DKIM_TAGS_WHY_SIZE];
    int rc = dkim_keyrec_parse(record, len, key, why);
    if (rc == ENVOI_EFORMAT)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "the key record of %s is unusable: %s", name,
                            why);
    return rc;
}

static const dkim_given_key *find_given(const envoi_dkim_verifier *v, const dkim_sig *sig)
{
    for (size_t i = 0; i < v->key_count; i++)
        if (strcasecmp(v->keys[i].domain, sig->domain) == 0 &&
            strcasecmp(v->keys[i].selector, sig->selector) == 0)
            return &v->keys[i];
    return NULL;
}

/* The first TXT record that reads as a key; else the first one's fault. */
static int read_records(const check_txt_list *txt, const char *name, envoi_dkim_status *st,
                        dkim_keyrec *key)
{
    char first_why[DKIM_TAGS_WHY_SIZE] = "";
    for (size_t i = 0; i < txt->count; i++) {
        char why[DKIM_TAGS_WHY_SIZE];
        int rc = dkim_keyrec_parse(txt->records[i], txt->lens[i], key, why);
        if (rc != ENVOI_EFORMAT)
            return rc;
        if (!first_why[0])
            memcpy(first_why, why, sizeof why);
    }
    return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "the key record of %s is unusable: %s", name,
                        first_why);
}

static int look_up(envoi_dkim_verifier *v, const char *name, envoi_dkim_status *st,
                   dkim_keyrec *key)
{
    check_txt_list txt;
    int rc = check_dns_txt(&v->resolver, name, &txt);
    if (rc == ENVOI_ENOMEM)
        return rc;
    if (rc != 0)
        rc = dkim_verdict(st, ENVOI_DKIM_PERMERROR, "no key for %s (not a valid DNS name)", name);
    else if (txt.outcome == CHECK_TXT_FAILED)
        rc = dkim_verdict(st, ENVOI_DKIM_TEMPERROR, "the key could not be fetched: %s", txt.why);
    else if (txt.outcome == CHECK_TXT_NONE)
        rc = dkim_verdict(st, ENVOI_DKIM_PERMERROR, "no key for %s (%s)", name,
                          txt.nxdomain ? "NXDOMAIN" : "no TXT record");
    else
        rc = read_records(&txt, name, st, key);
    check_txt_list_free(&txt);
    return rc;
}

int dkim_key_fetch(envoi_dkim_verifier *v, const dkim_sig *sig, envoi_dkim_status *st,
                   dkim_keyrec *key)
{
    memset(key, 0, sizeof *key);
    envoi_buf name = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&name, "%s._domainkey.%s", sig->selector, sig->domain) < 0)
        return ENVOI_ENOMEM;
    const dkim_given_key *given = find_given(v, sig);
    int rc;
    if (given)
        rc = read_record(given->record, strlen(given->record), name.data, st, key);
    else if (v->offline)
        rc = dkim_verdict(st, ENVOI_DKIM_PERMERROR, "no key for %s (none given)", name.data);
    else
        rc = look_up(v, name.data, st, key);
    envoi_buf_free(&name);
    return rc;
}
