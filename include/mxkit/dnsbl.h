/* dnsbl.h -- RFC 5782 DNSBL zones of trapped clients for mxkit trap dnsbl: entry names, TXT reasons, expiry, the zone text and its state (no I/O but the caller's FILE) */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mxkit/mail.h"

/*
 * The zone is its own state: every listed address has one comment line
 *
 *   ; entry ADDRESS FIRST LAST "TXT"
 *
 * before its records (FIRST: when it was first listed, LAST: its last
 * SKIPPED event, both ISO 8601 UTC; TXT the reason as published), and the
 * file starts with
 *
 *   ; mxkit trap dnsbl zone NAME serial N
 *
 * so that the next run keeps first-listed times, expires entries whose
 * last event is too old, and makes a serial that follows N. Zone and
 * state are one file, replaced by one rename: they cannot disagree.
 */

/* A TXT character-string holds at most 255 octets (RFC 1035 3.3). */
#define DNSBL_TXT_MAX	255
/* Text of a time, "2026-11-26T17:10:00Z" and its NUL. */
#define DNSBL_TIME_TEXT	21
/* An entry's owner relative to the zone: 32 nibbles and their dots. */
#define DNSBL_OWNER_MAX	64

/* The codes of RFC 5782 2.1: values within 127.0.0.0/8, never .1. */
#define DNSBL_CODE_SKIPPED	2

struct dnsbl_entry {
	struct mail_addr addr;	/* IPv4-mapped IPv6 already IPv4 */
	int64_t first;		/* first listed, seconds since the epoch */
	int64_t last;		/* last SKIPPED event */
	uint8_t code;		/* the A record is 127.0.0.code */
	size_t txtlen;
	char txt[DNSBL_TXT_MAX];	/* raw octets, not escaped */
};

/* The zone's apex records. Names are text, fully qualified or not. */
struct dnsbl_zone {
	const char *zone;	/* "skip.bl.example.org" */
	const char *ns;		/* the NS target */
	const char *hostmaster;	/* the SOA RNAME, as a domain name */
	uint32_t serial;
	uint32_t ttl;		/* of every record */
	uint32_t minimum;	/* SOA MINIMUM: negative caching, RFC 2308 */
	int64_t now;		/* written in the header comment */
};

/*
 * An address in text, IPv4 or IPv6, into *a; an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) becomes IPv4 (mail-dns-spec 4.3 item 7). Returns 0 or
 * MX_ESYNTAX.
 */
int dnsbl_addr_parse(const char *s, struct mail_addr *a);

/*
 * The owner of a's entry relative to the zone: the four octets reversed
 * for IPv4 (R-5782-1), the 32 lowercase nibbles lowest first for IPv6 as
 * in ip6.arpa (R-5782-2). Returns its length, or MX_EINVAL for a bad family.
 */
int dnsbl_owner(const struct mail_addr *a, char out[DNSBL_OWNER_MAX]);

/*
 * ISO 8601 times: "YYYY-MM-DDTHH:MM:SS" with optional fraction, then "Z"
 * or a "+HH:MM"/"-HH:MM" offset (a space for the T is accepted). Returns 0
 * and the seconds since the epoch in *t, or MX_ESYNTAX.
 */
int dnsbl_time_parse(const char *s, int64_t *t);
/* t as "2026-11-26T17:10:00Z" in UTC. */
const char *dnsbl_time_text(int64_t t, char out[DNSBL_TIME_TEXT]);

/*
 * The TXT reason of an entry: "listed by mxkit trap: skipped the
 * higher-priority MX at TIME", then "; helo HELO" and "; REASON" when they
 * are not empty. HELO and REASON come from the client and must not reach
 * a zone or an SMTP reply as they are: every octet outside printable
 * ASCII becomes '?', HELO is cut to 64 octets and the whole to 255.
 * Returns the length written to out (not NUL-terminated).
 */
size_t dnsbl_txt_make(char out[DNSBL_TXT_MAX], int64_t when,
    const char *helo, const char *reason);

/*
 * Spec 4.3's listing threshold: a SKIPPED client is listed after one
 * connection that reached MAIL FROM or RCPT TO (envelope evidence), else
 * after threshold connections (default DNSBL_THRESHOLD) within the
 * report's window. Returns 1 when the client is to be listed.
 */
#define DNSBL_THRESHOLD	2
int dnsbl_threshold_met(uint64_t connections, int envelope,
    unsigned threshold);

/*
 * Merges the previous zone's entries with this run's SKIPPED clients into
 * out (room for nprev + nnew entries), sorted (IPv4 first, then by
 * address) and without duplicates. For an address in both, the first time
 * is the previous one and the last time and TXT the newer. Entries whose
 * last event is at or before now - expire are dropped, as are addresses in
 * drop (clients this run calls ORDERLY, INCONCLUSIVE or ALLOWLISTED: the
 * newest report decides) and 127.0.0.0/8 (the test entries are fixed).
 * Returns the number of entries in out.
 */
size_t dnsbl_merge(const struct dnsbl_entry *prev, size_t nprev,
    const struct dnsbl_entry *fresh, size_t nfresh,
    const struct mail_addr *drop, size_t ndrop, int64_t now,
    int64_t expire, struct dnsbl_entry *out);

/*
 * RFC 1982: does serial a follow b (a > b in serial arithmetic)?
 */
int dnsbl_serial_follows(uint32_t a, uint32_t b);
/*
 * The serial of a new version: now (seconds since the epoch, mod 2^32) when
 * that follows prev or there is no prev (have_prev 0), else prev + 1.
 */
uint32_t dnsbl_serial_next(uint32_t prev, int have_prev, int64_t now);

/*
 * Parsing a previous zone written by dnsbl_zone_write, one line at a time
 * (line without its newline):
 * - dnsbl_state_header: the first line; 0 and *serial, or MX_ESYNTAX when
 *   it is not the header of a zone named zone (any case, with or without
 *   the final dot).
 * - dnsbl_state_entry: 1 and *e for an "; entry" line, 0 for any other
 *   line, MX_ESYNTAX for an "; entry" line that does not parse.
 */
int dnsbl_state_header(const char *line, size_t len, const char *zone,
    uint32_t *serial);
int dnsbl_state_entry(const char *line, size_t len, struct dnsbl_entry *e);

/*
 * Writes the zone as master file text to fp: the header comment, $ORIGIN
 * and $TTL, SOA and NS, the RFC 5782 5 test entries (127.0.0.2 and
 * ::ffff:7f00:2 listed, with a TXT; 127.0.0.1 and ::ffff:7f00:1 never),
 * then each entry's state comment, A 127.0.0.code and TXT. TXT text is
 * escaped (RFC 1035 5.1). Returns 0, MX_EINVAL for a zone name that does
 * not parse or an entry code outside 2-255, or MX_EIO when fp failed.
 */
int dnsbl_zone_write(FILE *fp, const struct dnsbl_zone *z,
    const struct dnsbl_entry *e, size_t n);
