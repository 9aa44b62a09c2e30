/* text.h -- presentation-form helpers shared by names and rdata (internal) */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Reads one character of presentation text at s[*i] (n bytes in all),
 * resolving the escapes of RFC 1035 5.1: \X is X itself, \DDD the octet of
 * decimal DDD (000-255). Advances *i past it and stores the octet in *c.
 * Returns 0, or MX_ESYNTAX for a lone final backslash or a bad \DDD.
 */
int dns_text_char(const char *s, size_t n, size_t *i, uint8_t *c);
