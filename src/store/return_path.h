/* The envelope sender a delivered message records in its Return-Path header
 * (added at final delivery, RFC 5321 section 4.4), for the "From " line of
 * an mbox. */
#ifndef ENVOI_STORE_RETURN_PATH_H
#define ENVOI_STORE_RETURN_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the address of the first Return-Path field of the message's header
 * block (without angle brackets) into out, NUL-terminated. False, with out
 * empty, when there is none, when it is the null sender "<>", or when the
 * address would not fit in cap bytes or holds white space or control
 * characters (it could not stand in a "From " line). */
bool store_return_path(const char *message, size_t len, char *out, size_t cap);

#endif
