/* err.c -- names and messages of the MX_E* codes */
#include "mxkit/err.h"

const char *
mx_strerror(int code)
{
	switch (code) {
#define MX_ERR_MSG(sym, val, name, msg) case (val): return (msg);
	MX_ERRORS(MX_ERR_MSG)
#undef MX_ERR_MSG
	}
	return "unknown error";
}

const char *
mx_errname(int code)
{
	switch (code) {
#define MX_ERR_NAME(sym, val, name, msg) case (val): return (name);
	MX_ERRORS(MX_ERR_NAME)
#undef MX_ERR_NAME
	}
	return "E?";
}
