// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migrate backend: end-to-end move_pages(2) of an mTHP-backed buffer
 * from the cell's source node to its destination node.  One timed
 * iteration is one move src -> dst; the buffer is moved back untimed before
 * the next one (ping-pong), so every repetition moves the same memory.
 * Around each timed move it reads /proc/vmstat and the TLB-shootdown IPIs;
 * after it, asks move_pages where every page is.  With load, a second
 * thread reads and writes the buffer all along (seed 003's pmbench-style
 * load) and times each access.
 */
#include <errno.h>
#include <math.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "memory.h"
#include "migrate.h"
#include "results.h"
#include "util.h"
#include "workers.h"

#define PAGE 4096ULL
#define MIB (1024.0 * 1024.0)
#define QUERY_CHUNK 16384         /* pages per status query call */
#define LAT_CAP (1u << 20)        /* latency samples kept per phase */
#define IDLE_WINDOW_NS 100000000ULL

static struct fb_mthp_info mthp;
static bool mthp_probed;

/* Accessor phases: latencies are kept for idle and migrating only. */
enum { PH_IDLE, PH_MIGRATING, PH_OTHER };

/* Latencies of one phase: exact count/max/thresholds, a uniform subsample
 * (every stride-th) for the statistics. */
struct lat_rec {
	double *v;
	size_t n, stride, seen;
	uint64_t count, over_10us, over_1ms;
	double max;
};

struct mig_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	struct fb_migrate_params prm;
	struct fb_buffer buf;
	size_t npages, batch;
	void **pages;
	int *to_dst, *to_src, *status;
	int at;                          /* node the buffer is on */
	bool warmed, pinned;
	cpu_set_t saved_affinity;
	struct fb_folio_mix before, after;
	bool mix_before_ok;
	char mthp_note[320], alloc_note[320];
	int mthp_rc;
	/* timed moves */
	long long vm_total[FB_VM_COUNT];
	long long tlb_total;
	bool tlb_ok;
	double *tlb_per_mib, *moved_pages;
	size_t ntimed, cap;
	uint64_t not_landed, moves_checked;
	/* accessor */
	pthread_t acc;
	bool acc_running;
	atomic_int phase;
	atomic_bool stop;
	struct lat_rec lat[2];
	uint64_t accesses, writes;
	uint64_t migrating_ns;
};

static void lat_add(struct lat_rec *l, double ns)
{
	l->count++;
	if (ns > l->max)
		l->max = ns;
	l->over_10us += ns > 1e4;
	l->over_1ms += ns > 1e6;
	if (!l->v || l->seen++ % l->stride)
		return;
	if (l->n == LAT_CAP) {
		/* Full: keep every other sample and halve the rate. */
		for (size_t i = 0; i < LAT_CAP / 2; i++)
			l->v[i] = l->v[2 * i];
		l->n = LAT_CAP / 2;
		l->stride *= 2;
	}
	l->v[l->n++] = ns;
}

static void *accessor_main(void *arg)
{
	struct mig_ctx *m = arg;
	volatile uint64_t *base = m->buf.addr;
	uint64_t x = 0x2545f4914f6cdd1dULL, i = 0;

	while (!atomic_load_explicit(&m->stop, memory_order_relaxed)) {
		uint64_t t0, t1, v;
		size_t word;
		int ph;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* A random cache line of a random page; every other access
		 * writes back the value it read, so the data stays checkable. */
		word = (size_t)(x % m->npages) * (PAGE / 8) + (size_t)((x >> 40) % 64) * 8;
		t0 = fb_now_ns();
		v = base[word];
		if (i & 1)
			base[word] = v;
		t1 = fb_now_ns();
		i++;
		ph = atomic_load_explicit(&m->phase, memory_order_relaxed);
		if (ph != PH_OTHER)
			lat_add(&m->lat[ph], (double)(t1 - t0));
	}
	m->accesses = i;
	m->writes = i / 2;
	return NULL;
}

/* Move every page to the node in nodes[], batch pages per call.  Returns the
 * pages move_pages reported as not migrated, or -1 with errno. */
static long move_all(struct mig_ctx *m, int *nodes, size_t batch)
{
	long left = 0;

	for (size_t off = 0; off < m->npages; off += batch) {
		size_t cnt = m->npages - off < batch ? m->npages - off : batch;
		long rc = move_pages(0, (unsigned long)cnt, m->pages + off, nodes + off,
				     m->status + off, MPOL_MF_MOVE);

		if (rc < 0)
			return -1;
		left += rc;
	}
	return left;
}

/* Ask where every page is; count those on node, describe the first that is not. */
static int where(struct mig_ctx *m, int node, size_t *on, char *why, size_t whylen)
{
	*on = 0;
	why[0] = '\0';
	for (size_t off = 0; off < m->npages; off += QUERY_CHUNK) {
		size_t cnt = m->npages - off < QUERY_CHUNK ? m->npages - off : QUERY_CHUNK;

		if (move_pages(0, (unsigned long)cnt, m->pages + off, NULL, m->status + off, 0))
			return snprintf(why, whylen, "move_pages status query: %s", strerror(errno)), -1;
		for (size_t i = off; i < off + cnt; i++) {
			if (m->status[i] == node) {
				(*on)++;
			} else if (!why[0]) {
				if (m->status[i] < 0)
					snprintf(why, whylen, "page at offset 0x%zx: %s", i * (size_t)PAGE,
						 strerror(-m->status[i]));
				else
					snprintf(why, whylen, "page at offset 0x%zx is on node %d", i * (size_t)PAGE,
						 m->status[i]);
			}
		}
	}
	return 0;
}

/* Bring the buffer back to the source node, untimed; a page the first call
 * left behind (busy under load) gets two more tries. */
static int move_back(struct mig_ctx *m, char *err, size_t errlen)
{
	char why[128];
	size_t on = 0;

	for (int tries = 0; tries < 3; tries++) {
		uint64_t t0 = fb_now_ns();

		atomic_store(&m->phase, PH_MIGRATING);
		/* Untimed: one call, whatever the cell's batch size. */
		long rc = move_all(m, m->to_src, m->npages);
		atomic_store(&m->phase, PH_OTHER);
		m->migrating_ns += fb_now_ns() - t0;

		if (rc < 0)
			return snprintf(err, errlen, "move_pages to node %d: %s", m->c->src_node,
					strerror(errno)), -1;
		if (where(m, m->c->src_node, &on, why, sizeof(why)))
			return snprintf(err, errlen, "%s", why), -1;
		if (on == m->npages) {
			m->at = m->c->src_node;
			return 0;
		}
	}
	snprintf(err, errlen, "moving back: %zu of %zu pages stay off node %d (%s)",
		 m->npages - on, m->npages, m->c->src_node, why);
	return -1;
}

static int grow(struct mig_ctx *m)
{
	if (m->ntimed < m->cap)
		return 0;
	size_t cap = m->cap ? m->cap * 2 : 64;
	double *a = realloc(m->tlb_per_mib, cap * sizeof(*a));

	if (!a)
		return -1;
	m->tlb_per_mib = a;
	a = realloc(m->moved_pages, cap * sizeof(*a));
	if (!a)
		return -1;
	m->moved_pages = a;
	m->cap = cap;
	return 0;
}

/* One cycle: back to the source if needed, then the (timed) move to dst. */
static int cycle(struct mig_ctx *m, bool timed, double *ns, char *err, size_t errlen)
{
	const struct fb_cell *c = m->c;
	struct fb_vmstat v0, v1;
	long long t0ipi = -1, t1ipi = -1;
	uint64_t t0, t1;
	char why[128];
	size_t on;
	long rc;
	int saved;

	if (m->at != c->src_node && move_back(m, err, errlen))
		return -1;
	if (timed && grow(m))
		return snprintf(err, errlen, "out of memory"), -1;
	/* the counters only for timed moves: /proc/interrupts is long */
	if (timed) {
		fb_vmstat_read(&v0);
		t0ipi = fb_tlb_shootdowns_read();
	}
	atomic_store(&m->phase, PH_MIGRATING);
	t0 = fb_now_ns();
	rc = move_all(m, m->to_dst, m->batch);
	t1 = fb_now_ns();
	atomic_store(&m->phase, PH_OTHER);
	saved = errno; /* the reads below may change it */
	if (timed) {
		t1ipi = fb_tlb_shootdowns_read();
		fb_vmstat_read(&v1);
	}
	m->migrating_ns += t1 - t0;
	if (rc < 0)
		return snprintf(err, errlen, "move_pages to node %d: %s", c->dst_node,
				strerror(saved)), -1;
	m->at = c->dst_node;
	if (where(m, c->dst_node, &on, why, sizeof(why)))
		return snprintf(err, errlen, "%s", why), -1;
	m->moves_checked++;
	if (on < m->npages) {
		/* Without load nothing should hold a page: a real failure.  Under
		 * load a busy page may stay behind; that is counted. */
		if (!m->prm.load)
			return snprintf(err, errlen, "after a move to node %d, %zu of %zu pages are "
					"elsewhere (%s)", c->dst_node, m->npages - on, m->npages, why), -1;
		m->not_landed += m->npages - on;
	}
	if (!timed)
		return 0;
	*ns = (double)(t1 - t0);
	/* a counter missing once is missing for the cell */
	for (int k = 0; k < FB_VM_COUNT; k++)
		if (m->vm_total[k] >= 0 && v0.v[k] >= 0 && v1.v[k] >= 0)
			m->vm_total[k] += v1.v[k] - v0.v[k];
		else
			m->vm_total[k] = -1;
	m->tlb_ok = (m->ntimed == 0 || m->tlb_ok) && t0ipi >= 0 && t1ipi >= 0;
	if (m->tlb_ok) {
		m->tlb_total += t1ipi - t0ipi;
		m->tlb_per_mib[m->ntimed] = (double)(t1ipi - t0ipi) / ((double)on * PAGE / MIB);
	}
	m->moved_pages[m->ntimed++] = (double)on;
	return 0;
}

static const struct fb_mthp_info *mthp_info(void)
{
	if (!mthp_probed) {
		fb_mthp_probe(NULL, &mthp);
		mthp_probed = true;
	}
	return &mthp;
}

static void free_ctx(struct mig_ctx *m)
{
	if (m->acc_running) {
		atomic_store(&m->stop, true);
		pthread_join(m->acc, NULL);
		m->acc_running = false;
	}
	if (m->pinned)
		sched_setaffinity(0, sizeof(m->saved_affinity), &m->saved_affinity);
	fb_buffer_free(&m->buf);
	free(m->pages);
	free(m->to_dst);
	free(m->to_src);
	free(m->status);
	free(m->tlb_per_mib);
	free(m->moved_pages);
	free(m->lat[0].v);
	free(m->lat[1].v);
	free(m);
}

static void *mig_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			 struct fb_result *r, char *err, size_t errlen)
{
	struct mig_ctx *m = calloc(1, sizeof(*m));
	uint64_t bytes = fb_cell_bytes(c);
	enum fb_backing back = c->folio_size > PAGE ? FB_BACK_THP : FB_BACK_4K;
	char mix[48], e2[FB_ERRLEN];
	struct utsname u;
	int rc;

	if (!m)
		return snprintf(err, errlen, "out of memory"), NULL;
	m->c = c;
	m->o = o;
	if (c->params)
		m->prm = *(const struct fb_migrate_params *)c->params;
	else
		m->prm = (struct fb_migrate_params){ .batch_all = true, .accessor_cpu = -1 };
	m->npages = (size_t)(bytes / PAGE);
	m->batch = m->prm.batch_all || !m->prm.batch_pages || m->prm.batch_pages > m->npages
		   ? m->npages : (size_t)m->prm.batch_pages;
	atomic_init(&m->phase, PH_OTHER);
	atomic_init(&m->stop, false);

	m->mthp_rc = fb_mthp_apply(mthp_info(), c->folio_size, m->mthp_note, sizeof(m->mthp_note));
	sched_getaffinity(0, sizeof(m->saved_affinity), &m->saved_affinity);
	/* The copy runs on the CPU that calls move_pages: pin it. */
	if (fb_pin_self(c->cpus[0])) {
		snprintf(err, errlen, "cannot pin to cpu %d", c->cpus[0]);
		goto fail;
	}
	m->pinned = true;
	if (fb_buffer_alloc(&m->buf, bytes, c->src_node, back, c->folio_size, e2, sizeof(e2))) {
		/* THP switched off and not ours to switch on: the system allows 4K. */
		if (back != FB_BACK_THP || strncmp(e2, "thp:", 4)) {
			snprintf(err, errlen, "%s", e2);
			goto fail;
		}
		if (fb_buffer_alloc(&m->buf, bytes, c->src_node, FB_BACK_4K, PAGE, err, errlen))
			goto fail;
		snprintf(m->alloc_note, sizeof(m->alloc_note), "%s: 4K pages instead", e2);
	}
	if (fb_buffer_check_node(&m->buf, err, errlen))
		goto fail;
	fb_mig_pattern_fill(m->buf.addr, bytes);
	m->at = c->src_node;

	m->mix_before_ok = !fb_folio_mix_read(m->buf.addr, bytes, &m->before, e2, sizeof(e2));
	if (!m->mix_before_ok) {
		/* Without root only smaps' PMD-mapped THP share is visible. */
		memset(&m->before, 0, sizeof(m->before));
		m->before.npages = m->npages;
		m->before.pages[9] = (uint64_t)(m->buf.thp_fraction * (double)m->npages) / 512 * 512;
		m->before.folios[9] = m->before.pages[9] / 512;
		m->before.unknown = m->npages - m->before.pages[9];
		m->before.source = "smaps";
	}

	m->pages = malloc(m->npages * sizeof(*m->pages));
	m->to_dst = malloc(m->npages * sizeof(*m->to_dst));
	m->to_src = malloc(m->npages * sizeof(*m->to_src));
	m->status = malloc(m->npages * sizeof(*m->status));
	if (!m->pages || !m->to_dst || !m->to_src || !m->status) {
		snprintf(err, errlen, "out of memory for %zu page pointers", m->npages);
		goto fail;
	}
	for (size_t i = 0; i < m->npages; i++) {
		m->pages[i] = (char *)m->buf.addr + i * PAGE;
		m->to_dst[i] = c->dst_node;
		m->to_src[i] = c->src_node;
	}

	snprintf(r->backing_src, sizeof(r->backing_src), "%s", fb_folio_mix_str(&m->before, mix, sizeof(mix)));
	uname(&u);
	snprintf(r->implementation, sizeof(r->implementation), "move_pages(2), kernel %s", u.release);
	r->extra = fb_extra_cpus_used(c, 1);

	if (m->prm.load) {
		for (int k = 0; k < 2; k++) {
			m->lat[k].v = malloc(LAT_CAP * sizeof(double));
			m->lat[k].stride = 1;
			if (!m->lat[k].v) {
				snprintf(err, errlen, "out of memory for latency samples");
				goto fail;
			}
		}
		rc = fb_thread_create_on(&m->acc, m->prm.accessor_cpu, accessor_main, m);
		if (rc) {
			snprintf(err, errlen, "cannot start the accessor thread on cpu %d: %s",
				 m->prm.accessor_cpu, strerror(rc));
			goto fail;
		}
		m->acc_running = true;
		/* The accessor's latency without migration, to compare with. */
		atomic_store(&m->phase, PH_IDLE);
		struct timespec ts = { 0, (long)IDLE_WINDOW_NS };

		nanosleep(&ts, NULL);
		atomic_store(&m->phase, PH_OTHER);
	}
	return m;
fail:
	free_ctx(m);
	return NULL;
}

static int mig_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r,
		       char *err, size_t errlen)
{
	struct mig_ctx *m = ctx;
	unsigned i;

	if (!m->warmed) {
		for (i = 0; i < m->o->warmup && !fb_interrupted; i++)
			if (cycle(m, false, NULL, err, errlen))
				goto fail;
		m->warmed = true;
	}
	for (i = 0; i < n && !fb_interrupted; i++)
		if (cycle(m, true, &ns[i], err, errlen))
			goto fail;
	return (int)i;
fail:
	r->status = FB_EXIT_FAIL;
	return -1;
}


static json_object *latency_json(const struct lat_rec *l)
{
	json_object *o = fb_values_stats_json(l->v, l->n, "ns");

	json_object_object_add(o, "accesses", json_object_new_int64((int64_t)l->count));
	json_object_object_add(o, "sampled", json_object_new_int64((int64_t)l->n));
	json_object_object_add(o, "max_exact", fb_json_number(l->count ? l->max : NAN));
	json_object_object_add(o, "over_10us", json_object_new_int64((int64_t)l->over_10us));
	json_object_object_add(o, "over_1ms", json_object_new_int64((int64_t)l->over_1ms));
	return o;
}

static void add_metrics(struct mig_ctx *m, struct fb_result *r)
{
	const struct fb_cell *c = m->c;
	json_object *met = json_object_new_object(), *ctr = json_object_new_object();
	json_object *mix = json_object_new_object(), *mt = json_object_new_object();
	uint64_t folios = fb_folio_mix_nfolios(&m->before);
	double *pps = malloc((m->ntimed ? m->ntimed : 1) * sizeof(double));
	double *fps = malloc((m->ntimed ? m->ntimed : 1) * sizeof(double));
	size_t nrate = pps && fps ? m->ntimed : 0; /* out of memory: no rates */
	double moved_mib = 0;
	char sz[16];

	/* Unknown pages (no root) are counted in folios of the requested size. */
	if (m->before.unknown)
		folios += m->before.unknown * PAGE / c->folio_size;
	for (size_t i = 0; i < m->ntimed; i++)
		moved_mib += m->moved_pages[i] * PAGE / MIB;
	for (size_t i = 0; i < nrate; i++) {
		pps[i] = m->moved_pages[i] / (r->samples_ns[i] * 1e-9);
		fps[i] = (double)folios * (m->moved_pages[i] / (double)m->npages) /
			 (r->samples_ns[i] * 1e-9);
	}
	json_object_object_add(met, "pages_per_move", json_object_new_int64((int64_t)m->npages));
	json_object_object_add(met, "folios_per_move", json_object_new_int64((int64_t)folios));
	json_object_object_add(met, "timed_moves", json_object_new_int64((int64_t)m->ntimed));
	json_object_object_add(met, "migrated_mib", fb_json_number(moved_mib));
	json_object_object_add(met, "pages_per_s", fb_values_stats_json(pps, nrate, "pages/s"));
	json_object_object_add(met, "folios_per_s", fb_values_stats_json(fps, nrate, "folios/s"));
	json_object_object_add(met, "tlb_ipis_per_mib", m->tlb_ok ?
			       fb_values_stats_json(m->tlb_per_mib, m->ntimed, "IPIs/MiB") : NULL);
	/* Counters: system-wide deltas over the timed moves only. */
	for (int k = 0; k < FB_VM_COUNT; k++) {
		json_object *e = NULL;

		if (m->vm_total[k] >= 0 && m->ntimed) {
			e = json_object_new_object();
			json_object_object_add(e, "total", json_object_new_int64(m->vm_total[k]));
			json_object_object_add(e, "per_mib", fb_json_number((double)m->vm_total[k] / moved_mib));
		}
		json_object_object_add(ctr, fb_vmstat_names[k], e);
	}
	if (m->tlb_ok && m->ntimed) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "total", json_object_new_int64(m->tlb_total));
		json_object_object_add(e, "per_mib", fb_json_number((double)m->tlb_total / moved_mib));
		json_object_object_add(ctr, "tlb_shootdowns", e);
	} else {
		json_object_object_add(ctr, "tlb_shootdowns", NULL);
	}
	json_object_object_add(met, "counters", ctr);
	json_object_object_add(met, "counters_scope",
			       json_object_new_string("system-wide deltas of /proc/vmstat and the TLB line "
						      "of /proc/interrupts around the timed moves"));

	json_object_object_add(mix, "requested", json_object_new_string(fb_size_str(c->folio_size, sz, sizeof(sz))));
	json_object_object_add(mix, "before", fb_folio_mix_json(&m->before));
	json_object_object_add(mix, "after", m->after.npages ? fb_folio_mix_json(&m->after) : NULL);
	json_object_object_add(met, "folio_mix", mix);

	json_object_object_add(met, "placement_checks", json_object_new_int64((int64_t)m->moves_checked));
	json_object_object_add(met, "pages_not_landed", json_object_new_int64((int64_t)m->not_landed));

	if (m->prm.load) {
		json_object *acc = json_object_new_object();

		json_object_object_add(acc, "cpu", json_object_new_int(m->prm.accessor_cpu));
		json_object_object_add(acc, "accesses", json_object_new_int64((int64_t)m->accesses));
		json_object_object_add(acc, "writes", json_object_new_int64((int64_t)m->writes));
		json_object_object_add(acc, "latency_idle_ns", latency_json(&m->lat[PH_IDLE]));
		json_object_object_add(acc, "latency_migrating_ns", latency_json(&m->lat[PH_MIGRATING]));
		json_object_object_add(acc, "accesses_per_s_migrating",
				       fb_json_number(m->migrating_ns ? m->lat[PH_MIGRATING].count / (m->migrating_ns * 1e-9) : NAN));
		json_object_object_add(acc, "how", json_object_new_string(
			"random 8-byte reads, every other one written back, each timed with "
			"CLOCK_MONOTONIC_RAW (the clock reads are included)"));
		json_object_object_add(met, "accessor", acc);
	}
	json_object_object_add(r->extra, "metrics", met);

	json_object_object_add(mt, "requested", json_object_new_string(fb_size_str(c->folio_size, sz, sizeof(sz))));
	json_object_object_add(mt, "note", json_object_new_string(m->mthp_note));
	json_object_object_add(mt, "changed_for_run", json_object_new_boolean(m->mthp_rc == 0 &&
		strstr(m->mthp_note, "set for the run") != NULL));
	json_object_object_add(mt, "settings", fb_mthp_changes_json());
	if (m->alloc_note[0])
		json_object_object_add(mt, "fallback", json_object_new_string(m->alloc_note));
	json_object_object_add(r->extra, "mthp", mt);
	if (m->prm.batch_all)
		json_object_object_add(r->extra, "batch", json_object_new_string("all"));
	else
		json_object_object_add(r->extra, "batch", json_object_new_int64((int64_t)m->batch));
	json_object_object_add(r->extra, "move_pages_calls_per_move",
			       json_object_new_int64((int64_t)((m->npages + m->batch - 1) / m->batch)));
	free(pps);
	free(fps);
}

static int mig_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct mig_ctx *m = ctx;
	char mix[48], e2[FB_ERRLEN];
	int rc = 0;

	if (m->acc_running) {
		atomic_store(&m->stop, true);
		pthread_join(m->acc, NULL);
		m->acc_running = false;
	}
	if (r->n && m->ntimed == r->n) {
		size_t bad = fb_mig_pattern_check(m->buf.addr, fb_cell_bytes(m->c));

		r->verified = bad == fb_cell_bytes(m->c);
		if (!r->verified) {
			if (err)
				snprintf(err, errlen, "data differs from what was written at byte %zu of %llu",
					 bad, (unsigned long long)fb_cell_bytes(m->c));
			rc = -1;
		}
		if (!fb_folio_mix_read(m->buf.addr, fb_cell_bytes(m->c), &m->after, e2, sizeof(e2)))
			snprintf(r->backing_dst, sizeof(r->backing_dst), "%s",
				 fb_folio_mix_str(&m->after, mix, sizeof(mix)));
		else
			snprintf(r->backing_dst, sizeof(r->backing_dst), "? (needs root)");
		add_metrics(m, r);
	}
	free_ctx(m);
	return rc;
}

static int mig_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	int with_memory = 0;

	for (int node = 0; numa_available() >= 0 && node <= numa_max_node(); node++)
		if (!fb_node_check(node, NULL, 0))
			with_memory++;
	if (with_memory < 2) {
		snprintf(err, errlen, "needs two NUMA nodes with memory; this machine has %s",
			 with_memory == 1 ? "one" : "none");
		return FB_EXIT_SKIP;
	}
	for (size_t i = 0; i < n; i++) {
		char e2[FB_ERRLEN];

		if (fb_node_check(cells[i].src_node, e2, sizeof(e2)) ||
		    fb_node_check(cells[i].dst_node, e2, sizeof(e2))) {
			snprintf(err, errlen, "%s", e2);
			return FB_EXIT_USAGE;
		}
	}
	return FB_EXIT_OK;
}

static json_object *mig_describe(void)
{
	const struct fb_mthp_info *mi = mthp_info();
	json_object *o = json_object_new_object(), *t = json_object_new_object();
	char buf[256];
	char *nb = fb_read_text("/proc/sys/kernel/numa_balancing");

	json_object_object_add(t, "sysfs", json_object_new_string(mi->thp ? mi->root : "absent"));
	json_object_object_add(t, "per_size", json_object_new_boolean(mi->per_size));
	json_object_object_add(t, "global_enabled", json_object_new_string(mi->global));
	json_object_object_add(t, "pmd_size", json_object_new_int64((int64_t)mi->pmd_size));
	json_object_object_add(t, "offered", json_object_new_string(fb_mthp_offered_str(mi, buf, sizeof(buf))));
	json_object_object_add(o, "mthp", t);
	if (nb)
		nb[strcspn(nb, "\n")] = '\0';
	json_object_object_add(o, "numa_balancing", nb ? json_object_new_string(nb) : NULL);
	json_object_object_add(o, "privileged", json_object_new_boolean(geteuid() == 0));
	json_object_object_add(o, "tlb_ipis", json_object_new_boolean(fb_tlb_shootdowns_read() >= 0));
	free(nb);
	return o;
}

static void mig_shutdown(void)
{
	fb_mthp_restore();
}

const struct fb_backend fb_backend_migrate = {
	.name = "migrate",
	.probe = mig_probe,
	.prepare = mig_prepare,
	.iterate = mig_iterate,
	.finish = mig_finish,
	.describe = mig_describe,
	.shutdown = mig_shutdown,
};
