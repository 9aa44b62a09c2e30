/* load.c -- load a master file into a zone store, parsing and storing on
 * two threads */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mxkit/err.h"
#include "mxkit/zone.h"
#include "util/dlock.h"

/*
 * Parsing (lexing, names, rdata) and storing (hashing, allocating, linking)
 * cost about the same on a big zone; overlapping them makes zone check and
 * server start-up faster. The parser thread packs records into batches, the
 * store thread adds them in the same order, so the result is exactly that
 * of a single-threaded load. NBATCH batches of BATCH_SIZE bound the memory
 * in flight. Diagnostics from both threads reach the caller's sink one at a
 * time, under a lock.
 */
#define BATCH_SIZE	(1u << 20)
#define NBATCH		4
/* Octets of zone text per owner name assumed by the up-front reserve. */
#define RESERVE_TEXT	64
/* How many records ahead the store thread prefetches hash slots: enough to
 * cover a memory latency with the work of adding records in between. */
#define PREFETCH_AHEAD	16

/* One record in a batch, followed by its file name (only when it differs
 * from the previous record's), its owner and its rdata. */
struct brec {
	uint32_t hash;			/* of the owner, hashed by the parser */
	uint32_t ttl, line;
	uint16_t type, rclass, rdlen, col, file_len;
	uint8_t owner_len;
};

struct batch {
	size_t used;
	int last;			/* the parse ended with this batch */
	uint8_t data[BATCH_SIZE];
};

struct queue {
	unsigned v[NBATCH];
	unsigned head, n;
};

struct loader {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *b[NBATCH];
	struct queue full, free;
	int stop;			/* store thread failed: its code */
	struct zone_store *z;
	struct mx_dlock dl;		/* the caller's sink, shared */
	struct mx_diag pd, sd;		/* per-thread sinks forwarding to it */
	unsigned cur;			/* the parser's batch, */
	int have_cur;			/* when it holds one */
	/* The file name last packed into cur, as a copy: the parser's
	 * w->file lives only during the accept call, and the name of an
	 * included file is freed when it ends, so the next include's name
	 * may come at the same address. Names are compared, not pointers. */
	uint8_t last_owner[DNS_NAME_MAX];	/* owner of the last record */
	size_t last_owner_len;			/* packed, and its hash */
	uint32_t last_hash;
	const char *last_file;		/* file of the last record packed in
					   the current batch (NULL: none) */
};

static void
q_push(struct queue *q, unsigned i)
{
	q->v[(q->head + q->n) % NBATCH] = i;
	q->n++;
}

static unsigned
q_pop(struct queue *q)
{
	unsigned i = q->v[q->head];

	q->head = (q->head + 1) % NBATCH;
	q->n--;
	return i;
}

/*
 * Hands the current batch to the store thread (marked last when the parse
 * is over) and, unless last, takes a free one. Returns 0, or the store
 * thread's error, after which pack takes no new batch and only the final
 * flush follows.
 */
static int
flush(struct loader *l, int last)
{
	int r;

	pthread_mutex_lock(&l->mu);
	if (!l->have_cur) {
		/* After a store error the parser holds no batch; the store
		 * thread keeps returning them, so one comes free. */
		while (l->free.n == 0)
			pthread_cond_wait(&l->cv, &l->mu);
		l->cur = q_pop(&l->free);
		l->b[l->cur]->used = 0;
		l->have_cur = 1;
	}
	l->b[l->cur]->last = last;
	q_push(&l->full, l->cur);
	l->have_cur = 0;
	pthread_cond_broadcast(&l->cv);
	if (!last) {
		/* Rather than wait idle for the store thread, make memory
		 * ready for it: the kernel zeroing pages is a good part of
		 * its work. */
		while (l->free.n == 0 && l->stop == 0) {
			int made;

			pthread_mutex_unlock(&l->mu);
			made = zone_store_prefill(l->z);
			pthread_mutex_lock(&l->mu);
			if (!made && l->free.n == 0 && l->stop == 0)
				pthread_cond_wait(&l->cv, &l->mu);
		}
		if (l->stop == 0) {
			l->cur = q_pop(&l->free);
			l->b[l->cur]->used = 0;
			l->have_cur = 1;
			l->last_file = NULL;
		}
	}
	r = l->stop;
	pthread_mutex_unlock(&l->mu);
	return r;
}

static int
pack(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct loader *l = ud;
	struct batch *b = l->b[l->cur];
	struct brec h;
	size_t flen = 0, need;
	int r;

	/* The parser keeps one pointer per file for the whole parse. */
	if (w->file != NULL && w->file != l->last_file)
		flen = strlen(w->file);
	need = sizeof(h) + flen + rr->owner_len + rr->rdlen;
	if (need > BATCH_SIZE - b->used) {
		if ((r = flush(l, 0)) != 0)
			return r;
		b = l->b[l->cur];
		if (w->file != NULL)
			flen = strlen(w->file);
		need = sizeof(h) + flen + rr->owner_len + rr->rdlen;
		if (need > BATCH_SIZE)
			return MX_ELIMIT;	/* a file name of a megabyte */
	}
	memset(&h, 0, sizeof(h));
	h.ttl = rr->ttl;
	h.line = w->line;
	h.col = (uint16_t)(w->col < 65535 ? w->col : 0);
	h.type = rr->type;
	h.rclass = rr->rclass;
	h.rdlen = (uint16_t)rr->rdlen;
	h.owner_len = (uint8_t)rr->owner_len;
	/* Records of one owner usually follow each other: hash it once. */
	if (rr->owner_len != l->last_owner_len ||
	    memcmp(rr->owner, l->last_owner, rr->owner_len) != 0) {
		memcpy(l->last_owner, rr->owner, rr->owner_len);
		l->last_owner_len = rr->owner_len;
		l->last_hash = dns_name_hash(rr->owner, rr->owner_len);
	}
	h.hash = l->last_hash;
	h.file_len = (uint16_t)flen;
	memcpy(b->data + b->used, &h, sizeof(h));
	b->used += sizeof(h);
	if (flen > 0) {
		memcpy(b->data + b->used, w->file, flen);
		b->used += flen;
		l->last_file = w->file;
	}
	memcpy(b->data + b->used, rr->owner, rr->owner_len);
	b->used += rr->owner_len;
	if (rr->rdlen > 0)
		memcpy(b->data + b->used, rr->rdata, rr->rdlen);
	b->used += rr->rdlen;
	return 0;
}

static void *
store_main(void *arg)
{
	struct loader *l = arg;
	char file[2][4096] = { "", "" };
	int last = 0, r = 0, fcur = 0;

	while (!last) {
		struct batch *b;
		unsigned i, ahead_n = 0, done_n = 0;
		size_t off = 0, ahead = 0;

		pthread_mutex_lock(&l->mu);
		while (l->full.n == 0)
			pthread_cond_wait(&l->cv, &l->mu);
		i = q_pop(&l->full);
		pthread_mutex_unlock(&l->mu);
		b = l->b[i];
		last = b->last;
		while (r == 0 && off < b->used) {
			struct brec h;
			struct zone_rr rr;
			struct mx_where w;

			/* Keep PREFETCH_AHEAD records' hash slots on the way. */
			while (ahead < b->used &&
			    ahead_n < done_n + PREFETCH_AHEAD) {
				memcpy(&h, b->data + ahead, sizeof(h));
				zone_store_prefetch(l->z, h.hash);
				ahead += sizeof(h) + h.file_len + h.owner_len +
				    h.rdlen;
				ahead_n++;
			}
			done_n++;
			memcpy(&h, b->data + off, sizeof(h));
			off += sizeof(h);
			if (h.file_len > 0) {
				size_t n = h.file_len < sizeof(file[0]) - 1 ?
				    h.file_len : sizeof(file[0]) - 1;

				/* Alternate buffers: a new name comes with a
				 * new pointer, as zone_store_add wants. */
				fcur ^= 1;
				memcpy(file[fcur], b->data + off, n);
				file[fcur][n] = '\0';
				off += h.file_len;
			}
			rr.owner = b->data + off;
			rr.owner_len = h.owner_len;
			off += h.owner_len;
			rr.rdata = b->data + off;
			rr.rdlen = h.rdlen;
			off += h.rdlen;
			rr.type = h.type;
			rr.rclass = h.rclass;
			rr.ttl = h.ttl;
			w.file = file[fcur][0] != '\0' ? file[fcur] : NULL;
			w.line = h.line;
			w.col = h.col;
			r = zone_store_add_hashed(l->z, &rr, h.hash, &w, &l->sd);
			if (r == MX_EINVAL)	/* out of zone: reported */
				r = 0;
		}
		pthread_mutex_lock(&l->mu);
		q_push(&l->free, i);
		if (r != 0 && l->stop == 0)
			l->stop = r;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
	}
	return NULL;
}

int
zone_load_file(struct zone_store *z, const struct zone_parse_opts *o)
{
	struct zone_parse_opts po = *o;
	struct loader *l;
	pthread_t t;
	struct stat st;
	unsigned i;
	int r, rs;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return MX_ENOMEM;
	for (i = 0; i < NBATCH; i++) {
		l->b[i] = malloc(sizeof(*l->b[i]));
		if (l->b[i] == NULL) {
			r = MX_ENOMEM;
			goto out;
		}
		if (i > 0)
			q_push(&l->free, i);
	}
	l->b[0]->used = 0;
	l->cur = 0;
	l->have_cur = 1;
	l->z = z;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	mx_dlock_init(&l->dl, o->diag);
	mx_dlock_sink(&l->dl, &l->pd);
	mx_dlock_sink(&l->dl, &l->sd);
	po.diag = &l->pd;
	po.accept = pack;
	po.ud = l;
	/* A zone file spends rarely less than 64 octets of text on an owner
	 * name and its records (the million-name benchmark zone spends 70):
	 * size the store's table for that many names up front. */
	if (stat(o->file, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size / RESERVE_TEXT > 1024 &&
	    zone_store_reserve(z, (size_t)st.st_size / RESERVE_TEXT) != 0) {
		r = MX_ENOMEM;
		goto destroy;
	}
	if (pthread_create(&t, NULL, store_main, l) != 0) {
		r = MX_ENOMEM;
		goto destroy;
	}
	r = zone_parse_file(&po);
	/* The last batch goes out even after a failed parse: the store
	 * thread ends on it. */
	flush(l, 1);
	pthread_join(t, NULL);
	rs = l->stop;
	if (r == 0 || r == MX_ESYNTAX)
		r = rs != 0 ? rs : r;
destroy:
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	mx_dlock_fini(&l->dl);
out:
	for (i = 0; i < NBATCH; i++)
		free(l->b[i]);
	free(l);
	return r;
}
