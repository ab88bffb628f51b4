// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stores backend: runs cells whose primitive is a store kernel
 * (stores.c) and whose folio_size is the record, over worker threads that
 * each write a contiguous share from a template kept in their cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "evict.h"
#include "memory.h"
#include "results.h"
#include "stores.h"
#include "util.h"
#include "workers.h"

struct st_share {
	uint64_t *tmpl;          /* this worker's template: it stays in its cache */
	size_t first, nrec;      /* its records */
};

struct st_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	const struct fb_store_method *k;
	struct fb_buffer buf;
	size_t words;
	struct fb_sweep sweep;
	int nworkers;
	struct st_share *w;
	struct fb_workers team;
	bool warmed;
	double *per_pass;        /* [pass * events + event]: counts of each timed pass */
	size_t npass;
};

static void st_write_share(void *arg, int index)
{
	struct st_ctx *u = arg;
	const struct st_share *w = &u->w[index];

	if (w->nrec)
		u->k->run((char *)u->buf.addr + w->first * u->words * 8, w->tmpl, u->words, w->nrec,
			  w->first);
}

static void st_free(struct st_ctx *u)
{
	if (u->w)
		for (int i = 0; i < u->nworkers; i++)
			free(u->w[i].tmpl);
	free(u->w);
	fb_sweep_free(&u->sweep);
	if (u->buf.addr)
		fb_buffer_free(&u->buf);
	free(u->per_pass);
	free(u);
}

static void *st_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			struct fb_result *r, char *err, size_t errlen)
{
	const struct fb_store_method *k = fb_store_method_find(c->primitive);
	struct st_ctx *u;
	const char *why = NULL;

	if (!k || !fb_store_method_usable(k, fb_this_cpu(), c->folio_size, &why)) {
		snprintf(err, errlen, "store kernel %s: %s", c->primitive, k ? why : "not built");
		r->status = FB_EXIT_SKIP;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return snprintf(err, errlen, "out of memory"), NULL;
	u->c = c;
	u->o = o;
	u->k = k;
	u->words = c->folio_size / 8;
	u->nworkers = c->threads;
	/* the memmap is mapped with 2M pages (vmemmap), so THP where allowed */
	if (fb_buffer_alloc(&u->buf, fb_cell_bytes(c), c->dst_node, c->backing, 2ULL << 20,
			    err, errlen) ||
	    fb_buffer_check_node(&u->buf, err, errlen))
		goto fail;
	snprintf(r->backing_src, sizeof(r->backing_src), "template (cached)");
	snprintf(r->backing_dst, sizeof(r->backing_dst), "%s", u->buf.backing);
	snprintf(r->implementation, sizeof(r->implementation), "userspace store kernel %s", k->name);
	if (c->evict == FB_EVICT_SWEEP && fb_sweep_init(&u->sweep, o->llc_bytes)) {
		snprintf(err, errlen, "--evict sweep: cannot allocate the sweep buffer");
		goto fail;
	}
	if (fb_store_kernel_bind(k, err, errlen))
		goto fail;
	u->w = calloc((size_t)u->nworkers, sizeof(*u->w));
	if (!u->w) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < u->nworkers; i++) {
		struct st_share *w = &u->w[i];
		size_t n = c->folio_count;

		w->first = n * (size_t)i / (size_t)u->nworkers;
		w->nrec = n * (size_t)(i + 1) / (size_t)u->nworkers - w->first;
		/* 64-byte aligned: movdir64b reads its source whole */
		if (posix_memalign((void **)&w->tmpl, 64, u->words * 8)) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		fb_stores_template(w->tmpl, u->words);
	}
	if (fb_workers_start(&u->team, u->nworkers, c->cpus, o->counters, st_write_share, u,
			     err, errlen))
		goto fail;
	r->extra = fb_extra_cpus_used(c, u->nworkers);
	json_object_object_add(r->extra, "record_size", json_object_new_int64((int64_t)c->folio_size));
	json_object_object_add(r->extra, "records", json_object_new_int64((int64_t)c->folio_count));
	return u;
fail:
	st_free(u);
	return NULL;
}

/* The records are the only buffer (the template stays cached): "both"
 * flushes them. */
static void st_evict(struct st_ctx *u)
{
	fb_evict_before(u->c->evict, NULL, u->buf.addr, u->buf.len, &u->sweep);
}

/* One pass over the whole range by every worker; ns of it. */
static double st_pass(struct st_ctx *u)
{
	st_evict(u);
	return fb_workers_pass(&u->team);
}

static int st_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r,
		      char *err, size_t errlen)
{
	struct st_ctx *u = ctx;
	size_t nev = u->o->counters ? u->o->counters->n : 0;
	unsigned i;

	if (!u->warmed) {
		for (i = 0; i < u->o->warmup && !fb_interrupted; i++)
			st_pass(u);
		u->warmed = true;
		u->team.counting = true;
	}
	if (nev) {
		/* room for this batch's counts, allocated before its passes */
		double *p = realloc(u->per_pass, (u->npass + n) * nev * sizeof(*p));

		if (!p)
			return snprintf(err, errlen, "out of memory for counter values"), -1;
		u->per_pass = p;
	}
	for (i = 0; i < n && !fb_interrupted; i++) {
		ns[i] = st_pass(u);
		/* per pass, summed over the workers: a spread, not just a total */
		if (nev)
			fb_workers_pass_counts(&u->team, u->per_pass + u->npass++ * nev);
	}
	return (int)i;
}

static int st_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct st_ctx *u = ctx;
	int rc = 0;

	r->counters_valid = fb_workers_stop(&u->team, r->counter_totals);
	if (r->counters_valid) {
		json_object *per = json_object_new_object();
		size_t nev = u->o->counters->n;

		for (size_t e = 0; e < nev; e++) {
			json_object *a = json_object_new_array();

			for (size_t p = 0; p < u->npass; p++)
				json_object_array_add(a, json_object_new_double(u->per_pass[p * nev + e]));
			json_object_object_add(per, u->o->counters->name[e], a);
		}
		json_object_object_add(r->extra, "counters_per_iteration", per);
	}
	if (u->c->verify && r->n) {
		uint64_t *want = malloc(u->words * 8);
		const uint64_t *got = u->buf.addr;

		if (!want) {
			if (err)
				snprintf(err, errlen, "verify: out of memory");
			st_free(u);
			return -1;
		}
		r->verified = 1;
		fb_stores_template(want, u->words);
		for (size_t i = 0; i < u->c->folio_count && r->verified; i++) {
			want[0] = i;
			if (memcmp(got + i * u->words, want, u->words * 8)) {
				r->verified = 0;
				if (err)
					snprintf(err, errlen, "verify: record %zu of %llu differs from the template",
						 i, (unsigned long long)u->c->folio_count);
				rc = -1;
			}
		}
		free(want);
	}
	st_free(u);
	return rc;
}

static int st_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	return FB_EXIT_OK;
}

const struct fb_backend fb_backend_stores = {
	.name = "stores",
	.probe = st_probe,
	.prepare = st_prepare,
	.iterate = st_iterate,
	.finish = st_finish,
	.describe = NULL,
	.shutdown = NULL,
};
