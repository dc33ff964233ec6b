/* Reading the answer section of a DNS reply, bounded: the records of one
 * type owned by the name asked for or by the end of its CNAME chain. */
#ifndef ENVOI_CHECK_DNS_ANSWER_H
#define ENVOI_CHECK_DNS_ANSWER_H

#include <arpa/nameser.h>
#include <stdbool.h>
#include <stddef.h>

/* Called for each matching record, with its rdata already checked to lie
 * inside the message. Return false to stop. */
typedef bool (*dns_record_fn)(void *ctx, const ns_msg *msg, const ns_rr *rr);

/* Walk msg (len bytes) for records of type owned by name or its CNAME
 * chain's end (at most 8 links). The number of records handed to fn, or -1
 * when the message is malformed. */
int dns_answer_each(const unsigned char *msg, size_t len, const char *name, int type,
                    dns_record_fn fn, void *ctx);

/* The domain name at rdata + offset of rr, uncompressed into out (size n),
 * without the trailing dot ("" for the root). The bytes of rdata it took,
 * or -1 when malformed or outside rdata. */
int dns_answer_name(const ns_msg *msg, const ns_rr *rr, size_t offset, char *out, size_t n);

/* Copy name into out (size n) without its trailing dot; false when too long. */
bool dns_name_copy(char *out, size_t n, const char *name);

#endif
