// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA engine, as DCBM (seed 001) does it: N dmaengine DMA_MEMCPY
 * channels, a contiguous block of folios per channel mapped as one
 * sg_table (or dma_map_page per folio), one memcpy descriptor per folio, a
 * timeout, and a CPU copy of every folio a channel did not copy.
 *
 * Completion is tracked per descriptor, as dmatest does: a callback result
 * for every descriptor that asks for an interrupt, tx_status for the others
 * (in-order channels only). DMA_OUT_OF_ORDER (Intel DSA: idxd answers it for
 * every cookie) says nothing, so on DMA_COMPLETION_NO_ORDER channels every
 * descriptor interrupts. Nothing is unmapped before every descriptor ended.
 *
 * A channel that times out is terminated; one that cannot be (idxd and ioat
 * have no device_terminate_all) may still write its destinations and call
 * back into this module, so its whole engine is quarantined: memory,
 * mappings, channels and callback targets stay alive, further DMA runs are
 * refused until the module is reloaded, and a module reference keeps it
 * loaded until a poll sees every descriptor ended; only then is it freed.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "foliobench.h"

/* well below the hung-task timeout (120 s), short enough to poll tx_status */
#define FBK_DMA_SLICE	max_t(long, HZ / 10, 1)

enum { FBK_D_PENDING, FBK_D_OK, FBK_D_FAILED };

struct fbk_dma_chan;

struct fbk_dma_desc {
	struct fbk_dma_chan *c;
	dma_cookie_t cookie;
	u8 state;			/* FBK_D_*; the callback writes it */
	bool armed;			/* interrupt and callback requested */
};

struct fbk_dma_chan {
	struct dma_chan *chan;		/* NULL: not held */
	struct device *dev;		/* maps memory for the channel */
	bool no_order;			/* DMA_COMPLETION_NO_ORDER */
	bool can_terminate;		/* device_terminate_all */
	u32 first, count;		/* folios [first, first + count) */
	u32 nmapped;			/* folios [0, nmapped) are mapped */
	u32 nsub;			/* descriptors [0, nsub) submitted */
	u32 resolved;			/* descriptors [0, resolved) ended */
	bool sg_mapped;
	struct fbk_dma_desc *d;		/* per folio */
	dma_addr_t *src_addr;		/* per folio, either mapping */
	dma_addr_t *dst_addr;
	struct sg_table src_sgt, dst_sgt;
	atomic_t ncb;			/* callbacks so far */
	wait_queue_head_t wq;
};

struct fbk_dma_engine {
	struct list_head qnode;		/* on fbk_dma_quarantine */
	struct fbk_run_ctx *ctx;		/* NULL once quarantined */
	struct foliobench_run *res;
	struct fbk_folios *fs;		/* ctx->fs, or qfs once quarantined */
	struct fbk_folios qfs;
	u32 map, request, irq;
	int near_nid;			/* NUMA_NO_NODE: any channel */
	u64 __user *phases;
	u32 warmup, it;
	unsigned long timeout;		/* jiffies */
	bool quarantined;
	u32 nr;
	struct fbk_dma_chan ch[];
};

/* Quarantined engines; DMA runs are refused once there was one. */
static LIST_HEAD(fbk_dma_quarantine);
static DEFINE_MUTEX(fbk_dma_qlock);
static bool fbk_dma_refuse;
static void fbk_dma_qpoll(struct work_struct *work);
static DECLARE_DELAYED_WORK(fbk_dma_qwork, fbk_dma_qpoll);

static bool fbk_dma_near(struct dma_chan *chan, void *param)
{
	return dev_to_node(chan->device->dev) == *(int *)param;
}

static struct dma_chan *fbk_dma_request(int nid)
{
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	if (nid == NUMA_NO_NODE)
		return dma_request_channel(mask, NULL, NULL);
	return dma_request_channel(mask, fbk_dma_near, &nid);
}

static const char *fbk_dma_driver(struct dma_chan *chan)
{
	struct device *dev = chan->device->dev;

	return dev->driver ? dev->driver->name : "?";
}

static void fbk_dma_name(struct foliobench_dma_chan_info *info,
			struct dma_chan *chan)
{
	struct dma_device *dd = chan->device;

	strscpy(info->chan, dma_chan_name(chan), sizeof(info->chan));
	strscpy(info->dev, dev_name(dd->dev), sizeof(info->dev));
	strscpy(info->driver, fbk_dma_driver(chan), sizeof(info->driver));
	info->node = dev_to_node(dd->dev);
	info->flags = 0;
	if (dma_has_cap(DMA_COMPLETION_NO_ORDER, dd->cap_mask))
		info->flags |= FOLIOBENCH_DMA_CHAN_F_NO_ORDER;
	if (dd->device_terminate_all)
		info->flags |= FOLIOBENCH_DMA_CHAN_F_TERMINATE;
}

/* INFO: names of the DMA_MEMCPY channels free now (all taken, then freed). */
int fbk_dma_list(struct foliobench_dma_chan_info *info, unsigned int max,
		bool *more)
{
	struct dma_chan *chans[FOLIOBENCH_MAX_DMA_CHANS + 1];
	unsigned int n = 0, i;

	*more = false;
	max = min_t(unsigned int, max, FOLIOBENCH_MAX_DMA_CHANS);
	while (n <= max) {
		chans[n] = fbk_dma_request(NUMA_NO_NODE);
		if (!chans[n])
			break;
		n++;
	}
	if (n > max) {
		*more = true;
		n = max + 1;
	}
	for (i = 0; i < n; i++) {
		if (i < max)
			fbk_dma_name(&info[i], chans[i]);
		dma_release_channel(chans[i]);
	}
	return min(n, max);
}

static int fbk_dma_bad(struct foliobench_run *r, u32 field, const char *name,
		      u64 val)
{
	r->bad_field = field;
	pr_warn_ratelimited("foliobench: RUN: invalid %s=%llu\n", name, val);
	return -EINVAL;
}

/* RUN checks of the DMA engine beyond the ranges of fb_run.c (dma_phases, quarantine). */
int fbk_dma_validate(struct foliobench_run *r)
{
	bool dma = r->engine == FOLIOBENCH_ENGINE_DMA;

	/* the ranges of dma_map, dma_request, dma_near, dma_irq: fb_run.c */
	if (!dma && r->dma_phases)
		return fbk_dma_bad(r, FOLIOBENCH_FIELD_DMA_PHASES, "dma_phases",
				  1);
	if (r->dma_phases &&
	    !access_ok(u64_to_user_ptr(r->dma_phases),
		       (size_t)r->iterations * FOLIOBENCH_DMA_NR_PHASES *
		       sizeof(u64))) {
		r->bad_field = FOLIOBENCH_FIELD_DMA_PHASES;
		return -EFAULT;
	}
	if (dma && READ_ONCE(fbk_dma_refuse)) {
		r->flags |= FOLIOBENCH_RUN_F_DMA_QUARANTINED;
		pr_warn_ratelimited("foliobench: RUN: DMA refused: a channel was quarantined after a timeout or a kill; reload the module\n");
		return -EBUSY;
	}
	return 0;
}

static void fbk_dma_release(struct fbk_dma_engine *e)
{
	u32 i;

	for (i = 0; i < e->nr; i++) {
		if (e->ch[i].chan)
			dma_release_channel(e->ch[i].chan);
		e->ch[i].chan = NULL;
	}
}

/* Requests every channel (near e->near_nid if set); -ENODEV if one lacks. */
static int fbk_dma_request_all(struct fbk_dma_engine *e, u32 *found)
{
	u32 i;

	for (i = 0; i < e->nr; i++) {
		struct fbk_dma_chan *c = &e->ch[i];
		struct dma_device *dd;

		c->chan = fbk_dma_request(e->near_nid);
		if (!c->chan) {
			*found = i;
			fbk_dma_release(e);
			return -ENODEV;
		}
		dd = c->chan->device;
		c->dev = dmaengine_get_dma_device(c->chan);
		c->no_order = dma_has_cap(DMA_COMPLETION_NO_ORDER, dd->cap_mask);
		c->can_terminate = !!dd->device_terminate_all;
	}
	*found = e->nr;
	return 0;
}

static void fbk_dma_free(struct fbk_dma_engine *e)
{
	u32 i;

	fbk_dma_release(e);
	for (i = 0; i < e->nr; i++) {
		struct fbk_dma_chan *c = &e->ch[i];

		sg_free_table(&c->src_sgt);
		sg_free_table(&c->dst_sgt);
		kvfree(c->d);
		kvfree(c->src_addr);
		kvfree(c->dst_addr);
	}
	if (e->fs == &e->qfs)
		fbk_folios_free(&e->qfs);
	kfree(e);
}

static void fbk_dma_unmap(struct fbk_dma_engine *e, struct fbk_dma_chan *c)
{
	size_t size = e->fs->size;
	u32 k;

	if (c->sg_mapped) {
		dma_unmap_sgtable(c->dev, &c->dst_sgt, DMA_FROM_DEVICE, 0);
		dma_unmap_sgtable(c->dev, &c->src_sgt, DMA_TO_DEVICE, 0);
		c->sg_mapped = false;
	} else {
		for (k = 0; k < c->nmapped; k++) {
			dma_unmap_page(c->dev, c->dst_addr[k], size,
				       DMA_FROM_DEVICE);
			dma_unmap_page(c->dev, c->src_addr[k], size,
				       DMA_TO_DEVICE);
		}
	}
	c->nmapped = 0;
}

/* Has descriptor @k ended (the engine no longer touches its folios)? */
static bool fbk_dma_ended(struct fbk_dma_chan *c, u32 k)
{
	struct fbk_dma_desc *d = &c->d[k];
	enum dma_status st;

	if (READ_ONCE(d->state) != FBK_D_PENDING)
		return true;
	/* an armed descriptor ends with its callback, which must not outlive us */
	if (d->armed || c->no_order)
		return false;
	st = dmaengine_tx_status(c->chan, d->cookie, NULL);
	if (st == DMA_COMPLETE)
		d->state = FBK_D_OK;
	else if (st == DMA_ERROR)
		d->state = FBK_D_FAILED;
	return d->state != FBK_D_PENDING;
}

/* Advances c->resolved; true when every submitted descriptor ended. */
static bool fbk_dma_scan(struct fbk_dma_chan *c)
{
	while (c->resolved < c->nsub && fbk_dma_ended(c, c->resolved))
		c->resolved++;
	return c->resolved == c->nsub;
}

static void fbk_dma_callback(void *param, const struct dmaengine_result *res)
{
	struct fbk_dma_desc *d = param;
	struct fbk_dma_chan *c = d->c;

	WRITE_ONCE(d->state, !res || res->result == DMA_TRANS_NOERROR ?
		   FBK_D_OK : FBK_D_FAILED);
	atomic_inc(&c->ncb);
	wake_up(&c->wq);
}

/*
 * Sleeps until a callback comes or @slice passes; 0, -ETIMEDOUT past
 * @deadline, -EINTR on a fatal signal.
 */
static int fbk_dma_sleep(struct fbk_dma_chan *c, int seen, unsigned long deadline,
			long slice)
{
	long left = (long)(deadline - jiffies);

	if (fatal_signal_pending(current))
		return -EINTR;
	if (left <= 0)
		return -ETIMEDOUT;
	wait_event_killable_timeout(c->wq, atomic_read(&c->ncb) != seen,
				    min(left, slice));
	return 0;
}

#ifdef FBK_HAVE_SG_SET_FOLIO
#define fbk_sg_set_folio sg_set_folio
#else
/* what sg_set_folio() (not in 6.1) does: the folio's pages in one entry */
static void fbk_sg_set_folio(struct scatterlist *sg, struct folio *folio,
			    size_t len, size_t offset)
{
	sg_set_page(sg, folio_page(folio, 0), len, offset);
}
#endif

/* Maps one direction of a channel's block as one sg_table; per-folio addrs. */
static int fbk_dma_map_sg(struct fbk_dma_chan *c, struct sg_table *sgt,
			 struct folio **folios, size_t size,
			 enum dma_data_direction dir, dma_addr_t *addr)
{
	struct scatterlist *sg;
	u32 k, j = 0;
	size_t off;
	int ret;

	for_each_sgtable_sg(sgt, sg, k)
		fbk_sg_set_folio(sg, folios[c->first + k], size, 0);
	ret = dma_map_sgtable(c->dev, sgt, dir, 0);
	if (ret)
		return ret;
	/* an IOMMU may merge entries: each still holds whole folios */
	for_each_sgtable_dma_sg(sgt, sg, k)
		for (off = 0; off < sg_dma_len(sg) && j < c->count;
		     off += size)
			addr[j++] = sg_dma_address(sg) + off;
	if (j == c->count)
		return 0;
	dma_unmap_sgtable(c->dev, sgt, dir, 0);
	return -EIO;
}

static void fbk_dma_map(struct fbk_dma_engine *e, struct fbk_dma_chan *c)
{
	struct fbk_folios *fs = e->fs;
	dma_addr_t a;
	u32 k;

	if (e->map == FOLIOBENCH_DMA_MAP_SGTABLE) {
		if (fbk_dma_map_sg(c, &c->src_sgt, fs->src, fs->size,
				  DMA_TO_DEVICE, c->src_addr))
			return;
		if (fbk_dma_map_sg(c, &c->dst_sgt, fs->dst, fs->size,
				  DMA_FROM_DEVICE, c->dst_addr)) {
			dma_unmap_sgtable(c->dev, &c->src_sgt, DMA_TO_DEVICE, 0);
			return;
		}
		c->sg_mapped = true;
		c->nmapped = c->count;
		return;
	}
	/* per folio: stops at the first that cannot be mapped (CPU copies it) */
	for (k = 0; k < c->count; k++) {
		a = dma_map_page(c->dev, folio_page(fs->src[c->first + k], 0), 0,
				 fs->size, DMA_TO_DEVICE);
		if (dma_mapping_error(c->dev, a))
			break;
		c->src_addr[k] = a;
		a = dma_map_page(c->dev, folio_page(fs->dst[c->first + k], 0), 0,
				 fs->size, DMA_FROM_DEVICE);
		if (dma_mapping_error(c->dev, a)) {
			dma_unmap_page(c->dev, c->src_addr[k], fs->size,
				       DMA_TO_DEVICE);
			break;
		}
		c->dst_addr[k] = a;
		c->nmapped = k + 1;
		cond_resched();
	}
}

/*
 * One descriptor per mapped folio. A full ring (I/OAT: prep returns NULL)
 * is waited out and the prep retried. With nothing in flight the ring may
 * still hold the slots of descriptors whose callbacks already ran (ioat's
 * cleanup calls them before it moves the tail), so a few ticks more; a NULL
 * after those is a real refusal and leaves the rest to the CPU.
 * 0, -ETIMEDOUT or -EINTR.
 */
#define FBK_DMA_IDLE_PREP_TRIES	10
static int fbk_dma_submit(struct fbk_dma_engine *e, struct fbk_dma_chan *c,
			 unsigned long deadline)
{
	size_t size = e->fs->size;
	int ret = 0, idle;
	u32 k;

	for (k = 0; k < c->nmapped; k++) {
		struct fbk_dma_desc *d = &c->d[k];
		struct dma_async_tx_descriptor *tx;
		unsigned long flags = DMA_CTRL_ACK;
		dma_cookie_t cookie;

		d->armed = e->irq == FOLIOBENCH_DMA_IRQ_EACH ||
			   k == c->nmapped - 1;
		if (d->armed)
			flags |= DMA_PREP_INTERRUPT;
		for (idle = 0;;) {
			int seen = atomic_read(&c->ncb);

			tx = dmaengine_prep_dma_memcpy(c->chan, c->dst_addr[k],
						       c->src_addr[k], size,
						       flags);
			if (tx)
				break;
			dma_async_issue_pending(c->chan);
			if (fbk_dma_scan(c) && ++idle > FBK_DMA_IDLE_PREP_TRIES)
				break;
			e->res->dma_prep_retries++;
			ret = fbk_dma_sleep(c, seen, deadline, 1);
			if (ret)
				break;
		}
		if (!tx)
			break;
		if (d->armed) {
			tx->callback_result = fbk_dma_callback;
			tx->callback_param = d;
		}
		cookie = dmaengine_submit(tx);
		if (dma_submit_error(cookie))
			break;
		d->cookie = cookie;
		c->nsub = k + 1;
	}
	dma_async_issue_pending(c->chan);
	return ret;
}

/* Waits until every submitted descriptor ended: 0, -ETIMEDOUT or -EINTR. */
static int fbk_dma_wait(struct fbk_dma_chan *c, unsigned long deadline)
{
	int ret;

	for (;;) {
		int seen = atomic_read(&c->ncb);

		if (fbk_dma_scan(c))
			return 0;
		ret = fbk_dma_sleep(c, seen, deadline, FBK_DMA_SLICE);
		if (ret)
			return ret;
	}
}

/*
 * Keeps everything the engine may still write or call back into: the
 * folios leave ctx (fbk_run frees nothing), the engine goes on the
 * quarantine list at teardown, and this module stays loaded until it ended.
 */
static void fbk_dma_quarantine_engine(struct fbk_dma_engine *e,
				     struct fbk_dma_chan *c, int why)
{
	e->qfs = e->ctx->fs;
	memset(&e->ctx->fs, 0, sizeof(e->ctx->fs));
	e->fs = &e->qfs;
	e->quarantined = true;
	e->res->flags |= FOLIOBENCH_RUN_F_DMA_QUARANTINED;
	WRITE_ONCE(fbk_dma_refuse, true);
	__module_get(THIS_MODULE);
	pr_err("foliobench: %s (%s) %s and cannot be terminated (no device_terminate_all): quarantined %u folio pairs (%zu KiB each) and %u channel(s) until the engine finishes; DMA runs are refused until the module is reloaded, which waits for that\n",
	       dma_chan_name(c->chan), fbk_dma_driver(c->chan),
	       why == -EINTR ? "was interrupted by a fatal signal" : "timed out",
	       e->qfs.nr, e->qfs.size >> 10, e->nr);
}

/* Ends a channel that did not finish: terminated, or the engine quarantined. */
static int fbk_dma_stop(struct fbk_dma_engine *e, struct fbk_dma_chan *c, int why)
{
	u32 k;

	if (why == -ETIMEDOUT)
		e->ctx->dma_timeout = true;
	if (why == -EINTR)
		e->res->flags |= FOLIOBENCH_RUN_F_INTERRUPTED;
	if (c->can_terminate && !dmaengine_terminate_sync(c->chan)) {
		/* nothing runs or calls back now; the CPU copies the rest */
		for (k = c->resolved; k < c->nsub; k++)
			if (READ_ONCE(c->d[k].state) == FBK_D_PENDING)
				c->d[k].state = FBK_D_FAILED;
		c->resolved = c->nsub;
		pr_warn_ratelimited("foliobench: %s %s, terminated; the CPU copies what it did not\n",
				    dma_chan_name(c->chan),
				    why == -EINTR ? "interrupted" : "timed out");
		return why == -EINTR ? why : 0;
	}
	if (!e->quarantined)
		fbk_dma_quarantine_engine(e, c, why);
	return why == -EINTR ? why : -ETIMEDOUT;
}

/* The CPU copies every folio whose descriptor did not succeed. */
static int fbk_dma_fallback(struct fbk_dma_engine *e, struct fbk_dma_chan *c)
{
	struct fbk_folios *fs = e->fs;
	int ret;
	u32 k;

	for (k = 0; k < c->count; k++) {
		u32 i = c->first + k;

		if (k < c->nsub && c->d[k].state == FBK_D_OK)
			continue;
		ret = e->ctx->fn->copy(fs->dst[i], fs->src[i]);
		if (ret)
			return ret;
		e->ctx->dma_fallbacks++;
		cond_resched();
	}
	return 0;
}

static void fbk_dma_reset(struct fbk_dma_chan *c)
{
	u32 k;

	c->nmapped = 0;
	c->nsub = 0;
	c->resolved = 0;
	c->sg_mapped = false;
	atomic_set(&c->ncb, 0);
	for (k = 0; k < c->count; k++) {
		c->d[k].c = c;
		c->d[k].cookie = -EINVAL;
		c->d[k].state = FBK_D_PENDING;
		c->d[k].armed = false;
	}
}

/*
 * One sample: from the channel request (REQUEST_BATCH) or the first mapping
 * until every folio is copied. The phases are consecutive intervals of it.
 */
int fbk_dma_iteration(struct fbk_dma_engine *e, u64 *ns)
{
	u64 t[FOLIOBENCH_DMA_NR_PHASES + 1], ph[FOLIOBENCH_DMA_NR_PHASES];
	unsigned long deadline;
	int ret = 0, err;
	u32 i, found;

	for (i = 0; i < e->nr; i++)
		fbk_dma_reset(&e->ch[i]);
	t[0] = ktime_get_ns();
	if (e->request == FOLIOBENCH_DMA_REQUEST_BATCH) {
		ret = fbk_dma_request_all(e, &found);
		if (ret) {
			pr_warn_ratelimited("foliobench: only %u of %u DMA_MEMCPY channels free for this batch\n",
					    found, e->nr);
			return ret;
		}
		for (i = 0; i < e->nr; i++) {
			/* setup checked other channels; these may differ */
			if (e->irq == FOLIOBENCH_DMA_IRQ_LAST && e->ch[i].no_order) {
				pr_warn_ratelimited("foliobench: dma_irq=last: this batch got %s, which completes out of order\n",
						    dma_chan_name(e->ch[i].chan));
				fbk_dma_release(e);
				return -EOPNOTSUPP;
			}
		}
	}
	/* REQUEST_ONCE: the request was paid at setup (dma_request_ns) */
	t[1] = e->request == FOLIOBENCH_DMA_REQUEST_BATCH ? ktime_get_ns() : t[0];
	for (i = 0; i < e->nr; i++)
		fbk_dma_map(e, &e->ch[i]);
	t[2] = ktime_get_ns();
	deadline = jiffies + e->timeout;
	for (i = 0; i < e->nr; i++) {
		err = fbk_dma_submit(e, &e->ch[i], deadline);
		if (err)
			err = fbk_dma_stop(e, &e->ch[i], err);
		if (err && !ret)
			ret = err;
		if (ret)
			break;		/* the channels not submitted have nsub 0 */
	}
	t[3] = ktime_get_ns();
	for (i = 0; i < e->nr; i++) {
		struct fbk_dma_chan *c = &e->ch[i];

		if (e->quarantined)
			break;		/* it keeps every channel as it is */
		if (c->resolved == c->nsub)
			continue;
		/* after a fatal signal the rest are stopped at once */
		err = ret ? ret : fbk_dma_wait(c, deadline);
		if (err)
			err = fbk_dma_stop(e, c, err);
		if (err && !ret)
			ret = err;
	}
	t[4] = ktime_get_ns();
	if (e->quarantined)
		return ret;	/* nothing may be unmapped or reused */
	for (i = 0; i < e->nr; i++)
		fbk_dma_unmap(e, &e->ch[i]);
	if (e->request == FOLIOBENCH_DMA_REQUEST_BATCH)
		fbk_dma_release(e);
	t[5] = ktime_get_ns();
	for (i = 0; i < e->nr && !ret; i++)
		ret = fbk_dma_fallback(e, &e->ch[i]);
	t[6] = ktime_get_ns();
	*ns = t[6] - t[0];

	if (!ret && e->phases && e->it >= e->warmup) {
		for (i = 0; i < FOLIOBENCH_DMA_NR_PHASES; i++)
			ph[i] = t[i + 1] - t[i];
		if (copy_to_user(e->phases + (u64)(e->it - e->warmup) *
				 FOLIOBENCH_DMA_NR_PHASES, ph, sizeof(ph)))
			ret = -EFAULT;
	}
	e->it++;
	return ret;
}

/* Frees quarantined engines whose every descriptor has ended. */
static void fbk_dma_qpoll(struct work_struct *work)
{
	struct fbk_dma_engine *e, *tmp;
	bool more;
	u32 i;

	mutex_lock(&fbk_dma_qlock);
	list_for_each_entry_safe(e, tmp, &fbk_dma_quarantine, qnode) {
		bool ended = true;

		for (i = 0; i < e->nr; i++)
			ended &= fbk_dma_scan(&e->ch[i]);
		if (!ended)
			continue;
		list_del(&e->qnode);
		for (i = 0; i < e->nr; i++)
			fbk_dma_unmap(e, &e->ch[i]);
		pr_info("foliobench: the quarantined DMA engine finished; its %u folio pairs and channels are released (DMA runs stay refused until the module is reloaded)\n",
			e->qfs.nr);
		fbk_dma_free(e);
		/* fbk_dma_exit() flushes this work before the module goes */
		module_put(THIS_MODULE);
	}
	more = !list_empty(&fbk_dma_quarantine);
	mutex_unlock(&fbk_dma_qlock);
	if (more)
		schedule_delayed_work(&fbk_dma_qwork, HZ);
}

void fbk_dma_teardown(struct fbk_dma_engine *e)
{
	if (!e)
		return;
	if (e->quarantined) {
		e->ctx = NULL;		/* both end with the ioctl */
		e->res = NULL;
		mutex_lock(&fbk_dma_qlock);
		list_add_tail(&e->qnode, &fbk_dma_quarantine);
		mutex_unlock(&fbk_dma_qlock);
		schedule_delayed_work(&fbk_dma_qwork, HZ);
		return;
	}
	fbk_dma_free(e);
}

/* Module exit: a quarantined engine holds a module reference, so none left. */
void fbk_dma_exit(void)
{
	cancel_delayed_work_sync(&fbk_dma_qwork);
	WARN_ON_ONCE(!list_empty(&fbk_dma_quarantine));
}

static int fbk_dma_alloc_chan(struct fbk_dma_engine *e, struct fbk_dma_chan *c)
{
	c->d = kvcalloc(c->count, sizeof(*c->d), GFP_KERNEL);
	c->src_addr = kvmalloc_array(c->count, sizeof(*c->src_addr),
				     GFP_KERNEL);
	c->dst_addr = kvmalloc_array(c->count, sizeof(*c->dst_addr),
				     GFP_KERNEL);
	if (!c->d || !c->src_addr || !c->dst_addr)
		return -ENOMEM;
	init_waitqueue_head(&c->wq);
	if (e->map != FOLIOBENCH_DMA_MAP_SGTABLE)
		return 0;
	/* the tables are built once; each iteration maps and unmaps them */
	if (sg_alloc_table(&c->src_sgt, c->count, GFP_KERNEL) ||
	    sg_alloc_table(&c->dst_sgt, c->count, GFP_KERNEL))
		return -ENOMEM;
	return 0;
}

static void fbk_dma_describe(struct fbk_dma_engine *e, struct foliobench_run *r,
			    const struct fbk_func *fn)
{
	struct foliobench_dma_chan_info *ci = &r->dma[0];

	snprintf(r->func_name, sizeof(r->func_name), "dma:%s", ci->driver);
	snprintf(r->func_desc, sizeof(r->func_desc),
		 "dmaengine memcpy on %s, %s, irq %s; CPU fallback %s%s",
		 ci->dev, e->map == FOLIOBENCH_DMA_MAP_SGTABLE ? "sg_table" :
		 "dma_map_page", e->irq == FOLIOBENCH_DMA_IRQ_EACH ? "each" :
		 "last", fn->name, fn->batched ? " batched" : "");
	r->dma_map_used = e->map;
	r->dma_irq_used = e->irq;
}

int fbk_dma_setup(struct fbk_run_ctx *ctx, const struct foliobench_run *r,
		 struct fbk_dma_engine **out, struct foliobench_run *res)
{
	u32 n = min(r->nr_dma_chans, ctx->fs.nr), i, first = 0, found;
	u32 ms = r->dma_timeout_ms ?: FOLIOBENCH_DMA_TIMEOUT_MS;
	struct fbk_dma_engine *e;
	u64 t0;
	int ret;

	e = kzalloc(struct_size(e, ch, n), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->ctx = ctx;
	e->res = res;
	e->fs = &ctx->fs;
	e->map = r->dma_map;
	e->request = r->dma_request;
	e->irq = r->dma_irq;
	e->near_nid = r->dma_near == FOLIOBENCH_DMA_NEAR_SRC ? r->src_node :
		      r->dma_near == FOLIOBENCH_DMA_NEAR_DST ? r->dst_node :
		      NUMA_NO_NODE;
	e->phases = u64_to_user_ptr(r->dma_phases);
	e->warmup = r->warmup;
	e->timeout = msecs_to_jiffies(ms);
	e->nr = n;
	for (i = 0; i < n; i++) {
		struct fbk_dma_chan *c = &e->ch[i];

		c->first = first;
		c->count = ctx->fs.nr / n + (i < ctx->fs.nr % n);
		first += c->count;
		ret = fbk_dma_alloc_chan(e, c);
		if (ret)
			goto err;
	}

	t0 = ktime_get_ns();
	ret = fbk_dma_request_all(e, &found);
	res->dma_request_ns = ktime_get_ns() - t0;
	res->dma_chans_used = found;
	if (ret) {
		if (e->near_nid == NUMA_NO_NODE)
			pr_warn_ratelimited("foliobench: asked for %u DMA_MEMCPY channels, found %u\n",
					    n, found);
		else
			pr_warn_ratelimited("foliobench: asked for %u DMA_MEMCPY channels on node %d, found %u\n",
					    n, e->near_nid, found);
		goto err;
	}
	for (i = 0; i < n; i++) {
		fbk_dma_name(&res->dma[i], e->ch[i].chan);
		if (e->irq == FOLIOBENCH_DMA_IRQ_LAST && e->ch[i].no_order) {
			pr_warn_ratelimited("foliobench: RUN: dma_irq=last needs in-order channels; %s completes out of order\n",
					    dma_chan_name(e->ch[i].chan));
			res->bad_field = FOLIOBENCH_FIELD_DMA_IRQ;
			ret = -EOPNOTSUPP;
			goto err;
		}
	}
	fbk_dma_describe(e, res, ctx->fn);
	if (e->request == FOLIOBENCH_DMA_REQUEST_BATCH) {
		/* each iteration requests its own, timed */
		fbk_dma_release(e);
		res->dma_request_ns = 0;
	}
	*out = e;
	return 0;
err:
	fbk_dma_free(e);
	return ret;
}
