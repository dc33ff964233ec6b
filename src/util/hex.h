/* The value of one hexadecimal digit, as every %XX and =XX decoder needs it. */
#ifndef ENVOI_UTIL_HEX_H
#define ENVOI_UTIL_HEX_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
static inline int envoi_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#endif
