/* dns.h -- DNS wire format: names, RR types and rdata, messages, EDNS0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct cur;
struct wcur;

/* RFC 1035 2.3.4: a label holds at most 63 octets, a name at most 255
 * octets in wire form (length bytes and the root label included). */
#define DNS_LABEL_MAX	63
#define DNS_NAME_MAX	255
/* Longest name in presentation form: 255 octets, every one escaped as \DDD. */
#define DNS_NAME_TEXT_MAX (DNS_NAME_MAX * 4 + 1)
/* Compression pointers followed while reading one name. A name has at most
 * 127 labels (255 octets, 2 per label), so an honest message never needs
 * more pointers than that. */
#define DNS_PTR_HOPS_MAX 127
/* RFC 1035 4.2.1 / RFC 6891: a message never exceeds 65535 octets. */
#define DNS_MSG_MAX	65535
#define DNS_HDR_LEN	12

/* Types (RFC 1035 3.2.2 and later registries) that mxkit names in code. */
enum {
	DNS_TYPE_A = 1, DNS_TYPE_NS = 2, DNS_TYPE_CNAME = 5, DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12, DNS_TYPE_HINFO = 13, DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16, DNS_TYPE_AAAA = 28, DNS_TYPE_SRV = 33,
	DNS_TYPE_NAPTR = 35, DNS_TYPE_DNAME = 39, DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43, DNS_TYPE_SSHFP = 44, DNS_TYPE_RRSIG = 46,
	DNS_TYPE_NSEC = 47, DNS_TYPE_DNSKEY = 48, DNS_TYPE_NSEC3 = 50,
	DNS_TYPE_NSEC3PARAM = 51, DNS_TYPE_TLSA = 52, DNS_TYPE_SVCB = 64,
	DNS_TYPE_HTTPS = 65, DNS_TYPE_SPF = 99, DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252, DNS_TYPE_ANY = 255, DNS_TYPE_CAA = 257,
};

enum {
	DNS_CLASS_IN = 1, DNS_CLASS_CH = 3, DNS_CLASS_HS = 4,
	DNS_CLASS_NONE = 254, DNS_CLASS_ANY = 255,
};

enum {
	DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9, DNS_RCODE_BADVERS = 16,
};

enum {
	DNS_OPCODE_QUERY = 0, DNS_OPCODE_NOTIFY = 4, DNS_OPCODE_UPDATE = 5,
};

/* Header flag bits (RFC 1035 4.1.1, RFC 4035 for AD/CD). */
#define DNS_FLAG_QR	0x8000u
#define DNS_FLAG_AA	0x0400u
#define DNS_FLAG_TC	0x0200u
#define DNS_FLAG_RD	0x0100u
#define DNS_FLAG_RA	0x0080u
#define DNS_FLAG_AD	0x0020u
#define DNS_FLAG_CD	0x0010u
#define DNS_OPCODE(flags)	(((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags)	((flags) & 0xfu)
/* EDNS0 flag (RFC 3225) in the OPT TTL field. */
#define DNS_EDNS_DO	0x8000u

/*
 * Domain names.
 *
 * mxkit keeps a name as (length, octets) in uncompressed wire form, the root
 * label included, never as a C string. Buffers that receive a name are
 * uint8_t[DNS_NAME_MAX].
 */

/* Flags for dns_name_from_text. */
#define DNS_NAME_RELATIVE_OK	0x1u	/* append origin to relative names */

/*
 * Converts a name in presentation form (s, n bytes; escapes \. \\ \DDD) into
 * wire form. "@" stands for the origin. A name without a final unescaped dot
 * is relative: when origin is given (wire form, originlen octets) it is
 * appended, otherwise the name is taken as absolute. *relative (if not NULL)
 * tells which it was. Returns 0, or MX_EEMPTY (empty label), MX_ELABEL,
 * MX_ENAMELEN, MX_ESYNTAX (bad escape).
 */
int dns_name_from_text(const char *s, size_t n, const uint8_t *origin,
    size_t originlen, uint8_t out[DNS_NAME_MAX], size_t *outlen,
    int *relative);

/*
 * Writes the presentation form of a wire name (absolute, with final dot;
 * the root is ".") into buf of size cap and NUL-terminates it. Characters
 * that are special in master files are escaped. Returns the length without
 * the NUL, MX_ESPACE if it does not fit, MX_EMALF if name is not a valid
 * uncompressed name of len octets.
 */
int dns_name_to_text(const uint8_t *name, size_t len, char *buf, size_t cap);

/*
 * Checks that name[0..maxlen) starts with a valid uncompressed wire name and
 * returns its length (1..255), or MX_ESHORT, MX_ENAMELEN, MX_ELABELTYPE (a
 * compression pointer or reserved label type: any length byte over 63).
 */
int dns_name_wire_len(const uint8_t *name, size_t maxlen);

/*
 * Reads a possibly compressed name at the cursor, which must span the whole
 * message (pointers are offsets from its start). Pointers must point
 * strictly before the label run that holds them, and at most
 * DNS_PTR_HOPS_MAX are followed. On success the cursor is past the name as
 * it sits in the message (past the first pointer), out holds the
 * uncompressed name and *outlen its length. On failure the cursor's err is
 * set to MX_ESHORT, MX_ENAMELEN, MX_EPTR, MX_EPTRLOOP or MX_ELABELTYPE (a
 * length byte of 64 or more is a label type, never a long label), and that
 * code is returned.
 */
int dns_name_from_wire(struct cur *c, uint8_t out[DNS_NAME_MAX],
    size_t *outlen);

/* Case-insensitive (ASCII only, RFC 4343) equality of two wire names. */
int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen);
/* Canonical order of RFC 4034 6.1: <0, 0, >0. */
int dns_name_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* True if name equals parent or lies below it. */
int dns_name_is_sub(const uint8_t *name, size_t len, const uint8_t *parent,
    size_t plen);
/* Number of labels, the root not counted ("." has 0). */
unsigned dns_name_labels(const uint8_t *name, size_t len);
/* Lowercases the ASCII letters of a wire name in place. */
void dns_name_lower(uint8_t *name, size_t len);
/* Case-insensitive hash of a wire name. */
uint32_t dns_name_hash(const uint8_t *name, size_t len);
/* Offset of the parent name (after the first label); len for the root. */
size_t dns_name_parent(const uint8_t *name, size_t len);

/*
 * Name compression for writers (RFC 1035 4.1.4). The table remembers where
 * earlier names and their suffixes start in the message; only offsets below
 * 0x4000 can be pointed to. A full table compresses less, never fails.
 */
#define DNS_COMPRESS_MAX 128
struct dns_compress {
	uint16_t off[DNS_COMPRESS_MAX];
	unsigned n;
};

void dns_compress_init(struct dns_compress *ct);
/*
 * Appends name to the message being written in w (w->p is the message
 * start). With ct, the longest suffix already in the message is replaced by
 * a pointer and the new suffixes are remembered; with ct NULL the name is
 * written whole. Errors are set on w (MX_ESPACE).
 */
void dns_name_write(struct wcur *w, const uint8_t *name, size_t len,
    struct dns_compress *ct);

/*
 * RR types: one descriptor table.
 *
 * Each known type lists its rdata fields; text <-> wire, decompression,
 * compression and canonical form are all driven by the fields. Unknown types
 * are handled as opaque rdata (RFC 3597).
 */
enum dns_field {
	DNS_F_END = 0,
	DNS_F_NAME_C,	/* name, compressed on write and read (RFC 1035 types) */
	DNS_F_NAME_D,	/* name, decompressed on read only (RFC 3597 4) */
	DNS_F_NAME,	/* name, never compressed */
	DNS_F_U8,
	DNS_F_U16,
	DNS_F_U32,
	DNS_F_PERIOD,	/* u32 that may be written with units (1h30m) */
	DNS_F_TYPE,	/* u16 RR type, written as a mnemonic */
	DNS_F_TIME,	/* u32 time, YYYYMMDDHHmmSS or seconds (RRSIG) */
	DNS_F_A,	/* 4 octets, dotted quad */
	DNS_F_AAAA,	/* 16 octets, RFC 4291 text */
	DNS_F_STR,	/* one character-string (u8 length + octets) */
	DNS_F_STRS,	/* one or more character-strings to the end */
	DNS_F_HEX,	/* octets to the end (at least one), in hex, may be
			   split in tokens */
	DNS_F_B64,	/* octets to the end, base64, may be split in tokens */
	DNS_F_SALT,	/* u8 length + octets, hex, "-" when empty (NSEC3) */
	DNS_F_B32,	/* u8 length + octets, base32hex (NSEC3 next owner) */
	DNS_F_BITMAP,	/* type bitmap to the end (RFC 4034 4.1.2) */
	DNS_F_TAG,	/* u8 length + octets, unquoted (CAA tag) */
	DNS_F_VALUE,	/* octets to the end, one character-string (CAA) */
};

/* Descriptor flags. */
#define DNS_RT_CANON_LOWER 0x1u	/* names lowercased in canonical form
				   (RFC 4034 6.2 item 3, RFC 6840 5.1) */
#define DNS_RT_META	0x2u	/* meta/pseudo type: never in zone data */
#define DNS_RT_SINGLE	0x4u	/* at most one RR of this type at a name */
#define DNS_RT_OPAQUE	0x8u	/* known mnemonic, rdata only in generic form (RFC 3597) */

#define DNS_FIELDS_MAX 10
struct dns_rrtype {
	uint16_t code;
	uint8_t flags;
	const char *name;
	uint8_t field[DNS_FIELDS_MAX];	/* enum dns_field, DNS_F_END ends */
};

/* The descriptor of a type, or NULL when mxkit does not know it. */
const struct dns_rrtype *dns_rrtype_find(uint16_t code);
/*
 * Parses a type mnemonic ("MX", case-insensitive) or RFC 3597 "TYPE123".
 * Returns 0 and sets *code, or MX_ETYPE.
 */
int dns_type_from_text(const char *s, size_t n, uint16_t *code);
/* Writes "MX" or "TYPE65534"; buf holds at least 16 bytes. Returns buf. */
const char *dns_type_to_text(uint16_t code, char buf[16]);
/* Parses "IN", "CH", "HS", "CLASS123" (case-insensitive); 0 or MX_ECLASS. */
int dns_class_from_text(const char *s, size_t n, uint16_t *code);
/* Writes "IN" or "CLASS4711"; buf holds at least 16 bytes. Returns buf. */
const char *dns_class_to_text(uint16_t code, char buf[16]);
/*
 * Parses a TTL or period: seconds ("3600") or units ("1h30m", "2w"; s, m,
 * h, d, w in any case). Returns 0, MX_ESYNTAX or MX_ERANGE (over 2^32-1).
 */
int dns_period_from_text(const char *s, size_t n, uint32_t *out);
/* Looks up an rcode name ("NXDOMAIN"); "RCODE23" for others. */
const char *dns_rcode_to_text(unsigned rcode, char buf[16]);

/*
 * Rdata in presentation form comes as tokens: the lexer of the master-file
 * parser hands them over, already split on blanks and parentheses, quotes
 * removed (DNS_TOK_QUOTED set) and escapes still in place.
 */
#define DNS_TOK_QUOTED	0x1u
struct dns_tok {
	const char *p;
	uint32_t len;
	uint32_t flags;
	uint32_t line, col;	/* for messages: where the token starts */
};

/*
 * Converts the rdata tokens of one record of the given type into
 * uncompressed wire form in out (cap bytes; 65535 holds any rdata). Names
 * are completed with origin. Generic rdata ("\# len hex", RFC 3597 5) is
 * accepted for every type, and is the only form for unknown types. Returns
 * 0 and sets *outlen, or an error with *badtok set to the index of the token
 * at fault (ntok when a token is missing):
 *   MX_ESYNTAX   malformed field          MX_ERANGE   number out of range
 *   MX_ETYPE     unknown type mnemonic    MX_ESPACE   rdata over cap
 *   MX_ELABEL/MX_ENAMELEN/MX_EEMPTY       bad name
 *   MX_EMALF     too many or too few tokens, or \# length mismatch
 */
int dns_rdata_from_text(uint16_t type, const struct dns_tok *tok, size_t ntok,
    const uint8_t *origin, size_t originlen, uint8_t *out, size_t cap,
    size_t *outlen, size_t *badtok);

/*
 * Writes the presentation form of uncompressed rdata into buf (cap bytes,
 * NUL-terminated). Rdata that does not decode as its type's fields is
 * written in the generic form. Flags: DNS_TEXT_GENERIC forces "\# len hex";
 * DNS_TEXT_SPLIT cuts hex and base64 fields (digests, keys, signatures,
 * generic rdata; not salts) into words of 56 characters, as BIND's dig and
 * host print them. Returns the length, or MX_ESPACE.
 */
#define DNS_TEXT_GENERIC 0x1u
#define DNS_TEXT_SPLIT	0x2u
int dns_rdata_to_text(uint16_t type, const uint8_t *rd, size_t len, char *buf,
    size_t cap, unsigned flags);

/*
 * Checks that rd[0..len) is valid uncompressed rdata for type: every field
 * present and well formed and nothing left over. Unknown types always pass.
 * Returns 0 or MX_EMALF / the name error.
 */
int dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len);

/*
 * Reads rdlen octets of rdata at the cursor (spanning the whole message),
 * decompressing the names the type allows, into out (cap bytes). Requires
 * the fields to consume exactly rdlen octets (MX_ERDLEN otherwise; a field
 * whose content is bad gives MX_EMALF). Returns 0 and sets *outlen, or the
 * error (also set on c).
 */
int dns_rdata_from_wire(uint16_t type, struct cur *c, size_t rdlen,
    uint8_t *out, size_t cap, size_t *outlen);

/*
 * Validates rdlen octets of rdata at the cursor exactly as
 * dns_rdata_from_wire does (same checks, same errors, cursor past the rdata
 * on success) but writes nothing, so that dns_msg_parse can check every RR
 * without a 64 KiB scratch buffer per call. Returns 0 or the error (also
 * set on c).
 */
int dns_rdata_skip_wire(uint16_t type, struct cur *c, size_t rdlen);

/*
 * Appends uncompressed rdata to a message, compressing DNS_F_NAME_C names
 * when ct is given. The caller writes RDLENGTH around it. Errors on w.
 */
void dns_rdata_write(struct wcur *w, uint16_t type, const uint8_t *rd,
    size_t len, struct dns_compress *ct);

/*
 * Compares two rdata of one type in canonical form (RFC 4034 6.2/6.3: names
 * lowercased for the types that say so, then octet order). Used to sort and
 * deduplicate RRsets. Returns <0, 0, >0.
 */
int dns_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen);

/*
 * Finds field number idx (0-based) in uncompressed rdata and returns its
 * offset and length, so that callers can reach an MX exchange or an SOA
 * serial without knowing the layout. Returns 0, MX_ENOENT (no such field
 * or unknown type) or MX_EMALF.
 */
int dns_rdata_field(uint16_t type, const uint8_t *rd, size_t len,
    unsigned idx, size_t *off, size_t *flen);

/*
 * Messages.
 */
struct dns_hdr {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

enum dns_section {
	DNS_SEC_QUESTION = 0, DNS_SEC_ANSWER = 1, DNS_SEC_AUTHORITY = 2,
	DNS_SEC_ADDITIONAL = 3,
};

/* EDNS0 (RFC 6891) as found in, or to be written to, a message. */
struct dns_edns {
	int present;
	uint16_t udp_size;
	uint8_t ext_rcode;	/* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	uint16_t flags;		/* DNS_EDNS_DO */
	const uint8_t *opts;	/* options, opaque; points into the message */
	uint16_t optlen;
};

/* Where one RR sits in a parsed message; names and rdata stay compressed. */
struct dns_msg_rr {
	uint8_t section;
	uint16_t owner_off;	/* offset of the owner name in the message */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdata_off, rdlen;
};

/*
 * A parsed message: a read-only view of the caller's bytes plus an index of
 * its records in a caller array. Valid as long as the bytes are.
 */
struct dns_msg {
	const uint8_t *pkt;
	size_t len;
	struct dns_hdr hdr;
	uint8_t qname[DNS_NAME_MAX];	/* question name, as sent (case kept) */
	size_t qname_len;		/* 0 when there is no question */
	uint16_t qtype, qclass;
	struct dns_edns edns;
	unsigned rcode;			/* 12-bit rcode, EDNS bits included */
	struct dns_msg_rr *rr;		/* answer, authority, additional; OPT not included */
	size_t nrr, rr_cap;
	size_t opt_off;			/* offset of the OPT RR, 0 if none */
};

/* Flags for dns_msg_parse. */
#define DNS_MSG_NO_RDATA_CHECK 0x1u /* skip per-type rdata validation */

/*
 * Parses and validates a whole message: header, at most one question,
 * every RR's owner, fixed fields and rdata (decoded by type, names
 * decompressed, consumed == RDLENGTH), OPT rules (only in additional, only
 * one, owner root) and no trailing bytes. Counts from the header are trusted
 * only as far as the bytes go. Up to rr_cap records are indexed in rr; more
 * records give MX_ESPACE (a message of 65535 octets holds at most 5957 RRs
 * of 11 octets, so rr_cap >= 5958 never fails). Returns 0 or:
 *   MX_EHEADER, MX_ECOUNT, MX_ESHORT, MX_ERDLEN, MX_ETRAIL, MX_EOPTPLACE,
 *   MX_EOPTMULTI, MX_EOPTOWNER, MX_EQDCOUNT (more than one question),
 *   name errors (MX_EPTR, MX_EPTRLOOP, MX_ELABEL, ...), MX_EMALF.
 * On error, m->hdr is valid if at least 12 bytes were given, so that a
 * server can still answer FORMERR with the query's ID.
 */
int dns_msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len,
    struct dns_msg_rr *rr, size_t rr_cap, unsigned flags);

/* The owner of rr, decompressed into out. Returns 0 or a name error. */
int dns_msg_rr_owner(const struct dns_msg *m, const struct dns_msg_rr *rr,
    uint8_t out[DNS_NAME_MAX], size_t *outlen);
/* The rdata of rr, decompressed into out (cap bytes). 0 or an error. */
int dns_msg_rr_rdata(const struct dns_msg *m, const struct dns_msg_rr *rr,
    uint8_t *out, size_t cap, size_t *outlen);

/*
 * Building a message into a caller buffer. Records are added section by
 * section, in order. When one does not fit, dns_msgw_rr returns MX_ESPACE
 * and the message is left exactly as before that record, so that a server
 * can stop adding (or set TC) and still send what it has.
 */
struct dns_msgw {
	uint8_t *buf;
	size_t cap, len;
	struct dns_compress ct;
	uint16_t count[4];
	int section;
};

void dns_msgw_init(struct dns_msgw *mw, uint8_t *buf, size_t cap,
    uint16_t id, uint16_t flags);
int dns_msgw_question(struct dns_msgw *mw, const uint8_t *name, size_t len,
    uint16_t qtype, uint16_t qclass);
int dns_msgw_rr(struct dns_msgw *mw, enum dns_section sec,
    const uint8_t *owner, size_t ownerlen, uint16_t type, uint16_t rclass,
    uint32_t ttl, const uint8_t *rd, size_t rdlen);
/*
 * As dns_msgw_rr for an owner and rdata already known to be valid (a zone
 * store checked them when it loaded them): skips validating them again,
 * which the server would otherwise do for every record it sends.
 */
int dns_msgw_rr_trusted(struct dns_msgw *mw, enum dns_section sec,
    const uint8_t *owner, size_t ownerlen, uint16_t type, uint16_t rclass,
    uint32_t ttl, const uint8_t *rd, size_t rdlen);
/* Adds the OPT RR (additional section, owner root). */
int dns_msgw_opt(struct dns_msgw *mw, const struct dns_edns *e);
/* Sets header bits; rcode may be 12 bits, the upper 8 go to OPT if present. */
void dns_msgw_flags(struct dns_msgw *mw, uint16_t flags);
/* Writes the counts into the header and returns the message length. */
size_t dns_msgw_finish(struct dns_msgw *mw);
