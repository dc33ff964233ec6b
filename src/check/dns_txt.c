/* A name's TXT records (DKIM key records), each record's character-strings
 * joined; no such name and no record told apart from failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/dns_answer.h"
#include "check/dns_query.h"

typedef struct txt_collect {
    check_txt_list *out;
    bool malformed;
    bool nomem;
} txt_collect;

/* Join the <length><bytes> strings of rdata into one malloc'd string. */
static char *join_strings(const unsigned char *rd, size_t rdlen, size_t *len, bool *malformed)
{
    char *text = malloc(rdlen + 1);
    if (!text)
        return NULL;
    size_t pos = 0, n = 0;
    while (pos < rdlen) {
        size_t part = rd[pos++];
        if (part > rdlen - pos) {
            *malformed = true;
            free(text);
            return NULL;
        }
        memcpy(text + n, rd + pos, part);
        n += part;
        pos += part;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

static bool add_txt(void *ctx, const ns_msg *msg, const ns_rr *rr)
{
    (void)msg;
    txt_collect *c = ctx;
    check_txt_list *out = c->out;
    if (out->count >= CHECK_DNS_MAX_TXT)
        return false;
    size_t len = 0;
    char *text = join_strings(ns_rr_rdata(*rr), ns_rr_rdlen(*rr), &len, &c->malformed);
    if (!text) {
        c->nomem = !c->malformed;
        return false;
    }
    out->records[out->count] = text;
    out->lens[out->count++] = len;
    return true;
}

/* Read the answer's records into out. 0 or ENVOI_ENOMEM. */
static int read_txt(const dns_reply *reply, const char *name, check_txt_list *out)
{
    txt_collect c = {.out = out};
    int n = dns_answer_each(reply->msg, reply->len, name, ns_t_txt, add_txt, &c);
    if (c.nomem) {
        check_txt_list_free(out);
        snprintf(out->why, sizeof out->why, "out of memory");
        return ENVOI_ENOMEM;
    }
    if (n < 0 || c.malformed) {
        check_txt_list_free(out);
        snprintf(out->why, sizeof out->why, "the DNS reply for %s TXT is malformed", name);
    } else if (out->count == 0) {
        out->outcome = CHECK_TXT_NONE; /* only a CNAME to a name without TXT */
        snprintf(out->why, sizeof out->why, "%s has no TXT record", name);
    } else {
        out->outcome = CHECK_TXT_FOUND;
    }
    return 0;
}

int check_dns_txt(const check_resolver *r, const char *name, check_txt_list *out)
{
    if (!out)
        return ENVOI_EINVAL;
    memset(out, 0, sizeof *out);
    out->outcome = CHECK_TXT_FAILED;
    size_t len = name ? strlen(name) : 0;
    if (!r || len == 0 || len >= CHECK_DNS_NAME_SIZE - 1) {
        snprintf(out->why, sizeof out->why, "no valid name to look up");
        return ENVOI_EINVAL;
    }
    dns_reply reply;
    int rc = dns_ask(r, name, ns_t_txt, &reply);
    if (rc != 0 || reply.status == DNS_FAILED) {
        snprintf(out->why, sizeof out->why, "%s", reply.why);
    } else if (reply.status == DNS_NXDOMAIN) {
        out->outcome = CHECK_TXT_NONE;
        out->nxdomain = true;
        snprintf(out->why, sizeof out->why, "%s does not exist (NXDOMAIN)", name);
    } else if (reply.status == DNS_NODATA) {
        out->outcome = CHECK_TXT_NONE;
        snprintf(out->why, sizeof out->why, "%s has no TXT record", name);
    } else {
        rc = read_txt(&reply, name, out);
    }
    dns_reply_free(&reply);
    return rc;
}

void check_txt_list_free(check_txt_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->records[i]);
    list->count = 0;
}
