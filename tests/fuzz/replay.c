/* replay.c -- runs a fuzz target over files and folders without libFuzzer,
 * printing TAP, so that make check replays the corpora under any compiler */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct paths {
	char **v;
	size_t n, cap;
};

static void
paths_add(struct paths *ps, const char *dir, const char *name)
{
	size_t len;
	char *p;

	if (ps->n == ps->cap) {
		size_t cap = ps->cap == 0 ? 64 : ps->cap * 2;
		char **v = realloc(ps->v, cap * sizeof(*v));

		if (v == NULL) {
			perror("replay");
			exit(2);
		}
		ps->v = v;
		ps->cap = cap;
	}
	len = (dir != NULL ? strlen(dir) + 1 : 0) + strlen(name) + 1;
	if ((p = malloc(len)) == NULL) {
		perror("replay");
		exit(2);
	}
	if (dir != NULL)
		snprintf(p, len, "%s/%s", dir, name);
	else
		snprintf(p, len, "%s", name);
	ps->v[ps->n++] = p;
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds arg, or the regular files directly inside it (one level, hidden
 * files skipped) in name order, so that test numbers are stable.
 */
static void
paths_collect(struct paths *ps, const char *arg)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	size_t first = ps->n;

	if (stat(arg, &st) == -1 || !S_ISDIR(st.st_mode)) {
		paths_add(ps, NULL, arg);	/* errors show up when read */
		return;
	}
	if ((d = opendir(arg)) == NULL) {
		paths_add(ps, NULL, arg);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		paths_add(ps, arg, de->d_name);
		p = ps->v[ps->n - 1];
		if (stat(p, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(p);
			ps->n--;
		}
	}
	closedir(d);
	qsort(ps->v + first, ps->n - first, sizeof(*ps->v), path_cmp);
}

/*
 * Reads the whole file into a heap block of exactly its size (NULL for an
 * empty file), as libFuzzer does, so that ASan catches a one-octet
 * over-read. Returns 0 or an errno value.
 */
static int
file_read(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf = NULL;
	FILE *f;
	size_t n;
	int err = 0;

	*data = NULL;
	*size = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return errno;
	if (fstat(fileno(f), &st) == -1) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = EISDIR;
		goto out;
	}
	n = (size_t)st.st_size;
	if (n > 0) {
		if ((buf = malloc(n)) == NULL) {
			err = ENOMEM;
			goto out;
		}
		if (fread(buf, 1, n, f) != n) {
			err = EIO;
			free(buf);
			goto out;
		}
	}
	*data = buf;
	*size = n;
out:
	fclose(f);
	return err;
}

int
main(int argc, char **argv)
{
	struct paths ps = { NULL, 0, 0 };
	size_t i, size;
	uint8_t *data;
	int a, err, failed = 0;

	for (a = 1; a < argc; a++)
		paths_collect(&ps, argv[a]);
	printf("1..%zu\n", ps.n);
	fflush(stdout);
	for (i = 0; i < ps.n; i++) {
		if ((err = file_read(ps.v[i], &data, &size)) != 0) {
			printf("not ok %zu - %s # %s\n", i + 1, ps.v[i],
			    strerror(err));
			failed = 1;
		} else {
			/* A bug aborts here; prove then reports the plan
			 * unmet and the target's message is on stderr. */
			LLVMFuzzerTestOneInput(data, size);
			free(data);
			printf("ok %zu - %s\n", i + 1, ps.v[i]);
		}
		fflush(stdout);
		free(ps.v[i]);
	}
	free(ps.v);
	return failed;
}
