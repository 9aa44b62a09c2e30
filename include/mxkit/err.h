/* err.h -- mxkit error codes: 0 is success, every failure a negative MX_E* */
#pragma once

/*
 * Library functions return 0 (or a count) on success and a negative code on
 * failure. Codes below -1000 are DNS/format specific; the others map to errno
 * values so that I/O failures keep their meaning. mx_strerror() gives a short
 * lowercase message, mx_errname() the stable upper-case name used by tests
 * and JSON output.
 */
#define MX_ERRORS(X) \
	X(MX_OK,        0,     "OK",        "success") \
	X(MX_ENOMEM,   -12,    "ENOMEM",    "out of memory") \
	X(MX_EINVAL,   -22,    "EINVAL",    "invalid argument") \
	X(MX_EIO,      -5,     "EIO",       "input/output error") \
	X(MX_ENOENT,   -2,     "ENOENT",    "no such file or directory") \
	X(MX_EEXIST,   -17,    "EEXIST",    "file exists") \
	X(MX_ESHORT,   -1001,  "ESHORT",    "input ends too soon") \
	X(MX_ESPACE,   -1002,  "ESPACE",    "output does not fit") \
	X(MX_EMALF,    -1003,  "EMALF",     "malformed data") \
	X(MX_ELABEL,   -1004,  "ELABEL",    "label longer than 63 octets") \
	X(MX_ENAMELEN, -1005,  "ENAMELEN",  "name longer than 255 octets") \
	X(MX_EPTR,     -1006,  "EPTR",      "bad compression pointer") \
	X(MX_EPTRLOOP, -1007,  "EPTRLOOP",  "too many compression pointers") \
	X(MX_ELABELTYPE, -1008, "ELABELTYPE", "unknown label type") \
	X(MX_EHEADER,  -1009,  "EHEADER",   "message shorter than its header") \
	X(MX_ECOUNT,   -1010,  "ECOUNT",    "section count exceeds the message") \
	X(MX_ERDLEN,   -1011,  "ERDLEN",    "rdata does not match its RDLENGTH") \
	X(MX_ETRAIL,   -1012,  "ETRAIL",    "trailing bytes after the last record") \
	X(MX_EOPTPLACE, -1013, "EOPTPLACE", "OPT record outside the additional section") \
	X(MX_EOPTMULTI, -1014, "EOPTMULTI", "more than one OPT record") \
	X(MX_EOPTOWNER, -1015, "EOPTOWNER", "OPT record owner is not the root") \
	X(MX_EQDCOUNT, -1016,  "EQDCOUNT",  "question count is not one") \
	X(MX_ESYNTAX,  -1017,  "ESYNTAX",   "syntax error") \
	X(MX_ERANGE,   -1018,  "ERANGE",    "number out of range") \
	X(MX_ETYPE,    -1019,  "ETYPE",     "unknown record type") \
	X(MX_ECLASS,   -1020,  "ECLASS",    "unknown class") \
	X(MX_EEMPTY,   -1021,  "EEMPTY",    "empty label") \
	X(MX_ETOOMANY, -1022,  "ETOOMANY",  "too many errors") \
	X(MX_ELIMIT,   -1023,  "ELIMIT",    "limit exceeded")

enum mx_err {
#define MX_ERR_ENUM(sym, val, name, msg) sym = (val),
	MX_ERRORS(MX_ERR_ENUM)
#undef MX_ERR_ENUM
};

/* Short lowercase description of code; "unknown error" for unknown codes. */
const char *mx_strerror(int code);
/* Stable name without the MX_ prefix ("EMALF"); "E?" for unknown codes. */
const char *mx_errname(int code);
