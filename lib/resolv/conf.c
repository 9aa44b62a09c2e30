/* conf.c -- resolver configuration: resolv.conf(5), server addresses, status names */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mxkit/err.h"
#include "mxkit/resolv.h"

/* resolv.conf(5): timeout and attempts are capped at 30 and 5 by glibc;
 * ndots at 15. */
#define CONF_TIMEOUT_CAP	30
#define CONF_ATTEMPTS_CAP	5
#define CONF_NDOTS_CAP		15
/* A resolv.conf larger than this is not a resolv.conf. */
#define CONF_FILE_MAX		(64 * 1024)

static const struct {
	const char *name, *text;
	int temp;
} statuses[] = {
#define RESOLV_ST_ROW(sym, name, temp, msg) { name, msg, temp },
	RESOLV_STATUSES(RESOLV_ST_ROW)
#undef RESOLV_ST_ROW
};

const char *
resolv_status_name(int st)
{
	if (st < 0 || st >= RESOLV_NSTATUS)
		return "?";
	return statuses[st].name;
}

const char *
resolv_status_text(int st)
{
	if (st < 0 || st >= RESOLV_NSTATUS)
		return "unknown status";
	return statuses[st].text;
}

int
resolv_status_temp(int st)
{
	if (st < 0 || st >= RESOLV_NSTATUS)
		return 1;
	return statuses[st].temp;
}

void
resolv_conf_init(struct resolv_conf *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->timeout_ms = 5000;
	rc->attempts = 2;
	rc->ndots = 1;
}

int
resolv_server_parse(struct resolv_server *s, const char *text, uint16_t defport)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	size_t n;
	unsigned long p = defport;
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->sa;

	memset(s, 0, sizeof(*s));
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (end == NULL)
			return MX_EINVAL;
		n = (size_t)(end - text - 1);
		if (n >= sizeof(host))
			return MX_EINVAL;
		memcpy(host, text + 1, n);
		host[n] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return MX_EINVAL;
	} else {
		end = strchr(text, ':');
		/* One colon: IPv4 with a port. Several: a bare IPv6 address. */
		if (end != NULL && strchr(end + 1, ':') == NULL) {
			n = (size_t)(end - text);
			port = end + 1;
		} else
			n = strlen(text);
		if (n >= sizeof(host))
			return MX_EINVAL;
		memcpy(host, text, n);
		host[n] = '\0';
	}
	if (port != NULL) {
		char *e;

		if (*port < '0' || *port > '9')
			return MX_EINVAL;
		errno = 0;
		p = strtoul(port, &e, 10);
		if (*e != '\0' || errno != 0 || p == 0 || p > 65535)
			return MX_EINVAL;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		s->salen = sizeof(*sin);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		s->salen = sizeof(*sin6);
		return 0;
	}
	return MX_EINVAL;
}

int
resolv_conf_add_server(struct resolv_conf *rc, const struct resolv_server *s)
{
	if (rc->nserver >= RESOLV_SERVERS_MAX)
		return MX_ELIMIT;
	rc->server[rc->nserver++] = *s;
	return 0;
}

const char *
resolv_server_text(const struct resolv_server *s, char buf[64])
{
	char a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&s->sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&s->sa;

	if (s->sa.ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, 64, "%s#%u", a, ntohs(sin->sin_port));
	} else if (s->sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, 64, "%s#%u", a, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, 64, "?");
	return buf;
}

/* Next blank-separated word of line[*i..n); 0 when there is none. */
static size_t
conf_word(const char *line, size_t n, size_t *i, const char **w)
{
	size_t s;

	while (*i < n && (line[*i] == ' ' || line[*i] == '\t'))
		(*i)++;
	s = *i;
	while (*i < n && line[*i] != ' ' && line[*i] != '\t')
		(*i)++;
	*w = line + s;
	return *i - s;
}

static int
conf_word_is(const char *w, size_t n, const char *kw)
{
	return n == strlen(kw) && memcmp(w, kw, n) == 0;
}

/* "timeout:3" style option value, capped; 0 when malformed. */
static int
conf_option_num(const char *w, size_t n, size_t plen, unsigned cap,
    unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (n <= plen)
		return 0;
	for (i = plen; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return 0;
		if (v < 1000)
			v = v * 10 + (unsigned)(w[i] - '0');
	}
	*out = v > cap ? cap : v;
	return 1;
}

static int
conf_line(struct resolv_conf *rc, const char *line, size_t n,
    unsigned *nconf_ns, int *search_seen)
{
	size_t i = 0, wn;
	const char *w;
	char buf[DNS_NAME_TEXT_MAX];
	struct resolv_server s;
	unsigned v;

	wn = conf_word(line, n, &i, &w);
	if (wn == 0 || w[0] == '#' || w[0] == ';')
		return 0;
	if (conf_word_is(w, wn, "nameserver")) {
		wn = conf_word(line, n, &i, &w);
		if (wn == 0 || wn >= sizeof(buf))
			return -1;
		memcpy(buf, w, wn);
		buf[wn] = '\0';
		/* resolv.conf gives bare addresses: no port, no brackets
		 * (glibc refuses "192.0.2.1:53"). A scoped link-local
		 * server ("fe80::1%eth0") is skipped: without its scope it
		 * could not be reached. */
		if (strchr(buf, '[') != NULL || strchr(buf, '%') != NULL ||
		    (strchr(buf, '.') != NULL && strchr(buf, ':') != NULL) ||
		    resolv_server_parse(&s, buf, 53) != 0)
			return -1;
		if (*nconf_ns >= RESOLV_CONF_NS_MAX)
			return 0;
		(*nconf_ns)++;
		return resolv_conf_add_server(rc, &s) == 0 ? 0 : -1;
	}
	if (conf_word_is(w, wn, "search") || conf_word_is(w, wn, "domain")) {
		int single = conf_word_is(w, wn, "domain");
		int bad = 0;

		/* The last search or domain line wins (resolv.conf(5)). */
		rc->nsearch = 0;
		*search_seen = 1;
		while ((wn = conf_word(line, n, &i, &w)) != 0) {
			uint8_t *dst = rc->search[rc->nsearch];
			size_t len;

			if (rc->nsearch >= RESOLV_SEARCH_MAX)
				break;
			if (dns_name_from_text(w, wn, NULL, 0, dst, &len,
			    NULL) != 0 || len <= 1) {
				bad = 1;
				continue;
			}
			rc->search_len[rc->nsearch++] = len;
			if (single)
				break;
		}
		return bad ? -1 : 0;
	}
	if (conf_word_is(w, wn, "options")) {
		while ((wn = conf_word(line, n, &i, &w)) != 0) {
			if (wn > 8 && memcmp(w, "timeout:", 8) == 0) {
				if (!conf_option_num(w, wn, 8,
				    CONF_TIMEOUT_CAP, &v))
					return -1;
				rc->timeout_ms = (v == 0 ? 1 : v) * 1000;
			} else if (wn > 9 && memcmp(w, "attempts:", 9) == 0) {
				if (!conf_option_num(w, wn, 9,
				    CONF_ATTEMPTS_CAP, &v))
					return -1;
				rc->attempts = v == 0 ? 1 : v;
			} else if (wn > 6 && memcmp(w, "ndots:", 6) == 0) {
				if (!conf_option_num(w, wn, 6,
				    CONF_NDOTS_CAP, &v))
					return -1;
				rc->ndots = v;
			} else if (conf_word_is(w, wn, "rotate"))
				rc->flags |= RESOLV_CONF_ROTATE;
			else if (conf_word_is(w, wn, "use-vc") ||
			    conf_word_is(w, wn, "usevc"))
				rc->flags |= RESOLV_CONF_TCP;
			/* edns0, trust-ad, inet6...: EDNS is always on,
			 * the others do not apply to a stub of our kind. */
		}
		return 0;
	}
	return 0;
}

int
resolv_conf_parse(struct resolv_conf *rc, const char *text, size_t len,
    unsigned *bad)
{
	size_t i = 0, s;
	unsigned nbad = 0, nconf_ns = 0;
	int search_seen = 0;

	while (i < len) {
		s = i;
		while (i < len && text[i] != '\n')
			i++;
		if (conf_line(rc, text + s, i - s, &nconf_ns,
		    &search_seen) != 0)
			nbad++;
		if (i < len)
			i++;
	}
	if (bad != NULL)
		*bad = nbad;
	return 0;
}

int
resolv_conf_load(struct resolv_conf *rc, const char *path)
{
	char *buf;
	ssize_t r;
	size_t len = 0;
	int fd;
	struct resolv_server s;

	if (path == NULL)
		path = "/etc/resolv.conf";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return MX_EIO;
	if (fd >= 0) {
		buf = malloc(CONF_FILE_MAX);
		if (buf == NULL) {
			close(fd);
			return MX_ENOMEM;
		}
		while (len < CONF_FILE_MAX) {
			r = read(fd, buf + len, CONF_FILE_MAX - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				free(buf);
				close(fd);
				return MX_EIO;
			}
			if (r == 0)
				break;
			len += (size_t)r;
		}
		close(fd);
		resolv_conf_parse(rc, buf, len, NULL);
		free(buf);
	}
	/* The libc's default: a server on this host. */
	if (rc->nserver == 0) {
		if (resolv_server_parse(&s, "127.0.0.1", 53) == 0)
			resolv_conf_add_server(rc, &s);
		if (resolv_server_parse(&s, "::1", 53) == 0)
			resolv_conf_add_server(rc, &s);
	}
	return 0;
}
