// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA engine, as DCBM (seed 001) does it: N dmaengine DMA_MEMCPY
 * channels, a contiguous block of folios per channel, one memcpy descriptor
 * per folio, an interrupt only on the last descriptor of each channel, a
 * timeout, and a CPU copy of every folio a channel did not complete.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "foliobench.h"

struct fb_dma_chan {
	struct dma_chan *chan;
	struct device *dev;		/* maps memory for the channel */
	u32 first, count;		/* folios [first, first + count) */
	dma_cookie_t *cookies;		/* per folio; < DMA_MIN_COOKIE: none */
	dma_addr_t *src_addr;		/* per folio; DMA_MAPPING_ERROR: none */
	dma_addr_t *dst_addr;
	struct completion done;
	enum dmaengine_tx_result result;
	bool armed;			/* the last descriptor will interrupt */
};

struct fb_dma_engine {
	struct fb_run_ctx *ctx;
	unsigned long timeout;		/* jiffies */
	u32 nr;
	struct fb_dma_chan ch[];
};

static struct dma_chan *fb_dma_request(void)
{
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_chan_by_mask(&mask);
	return IS_ERR(chan) ? NULL : chan;
}

static void fb_dma_name(struct foliobench_dma_chan_info *info,
			struct dma_chan *chan)
{
	strscpy(info->chan, dma_chan_name(chan), sizeof(info->chan));
	strscpy(info->dev, dev_name(chan->device->dev), sizeof(info->dev));
}

/* INFO: names of the DMA_MEMCPY channels free now (all taken, then freed). */
int fb_dma_list(struct foliobench_dma_chan_info *info, unsigned int max,
		bool *more)
{
	struct dma_chan *chans[FOLIOBENCH_MAX_DMA_CHANS + 1];
	unsigned int n = 0, i;

	*more = false;
	max = min_t(unsigned int, max, FOLIOBENCH_MAX_DMA_CHANS);
	while (n <= max) {
		chans[n] = fb_dma_request();
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
			fb_dma_name(&info[i], chans[i]);
		dma_release_channel(chans[i]);
	}
	return min(n, max);
}

void fb_dma_teardown(struct fb_dma_engine *e)
{
	u32 i;

	if (!e)
		return;
	for (i = 0; i < e->nr; i++) {
		struct fb_dma_chan *c = &e->ch[i];

		dmaengine_terminate_sync(c->chan);
		dma_release_channel(c->chan);
		kvfree(c->cookies);
		kvfree(c->src_addr);
		kvfree(c->dst_addr);
	}
	kfree(e);
}

int fb_dma_setup(struct fb_run_ctx *ctx, const struct foliobench_run *r,
		 struct fb_dma_engine **out, struct foliobench_run *res)
{
	u32 n = min(r->nr_dma_chans, ctx->fs.nr), i, first = 0;
	u32 ms = r->dma_timeout_ms ?: FOLIOBENCH_DMA_TIMEOUT_MS;
	struct fb_dma_engine *e;

	e = kzalloc(struct_size(e, ch, n), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->ctx = ctx;
	e->timeout = msecs_to_jiffies(ms);

	for (i = 0; i < n; i++) {
		struct fb_dma_chan *c = &e->ch[i];

		c->chan = fb_dma_request();
		if (!c->chan)
			break;
		e->nr = i + 1;
		fb_dma_name(&res->dma[i], c->chan);
		c->dev = dmaengine_get_dma_device(c->chan);
		init_completion(&c->done);
		c->first = first;
		c->count = ctx->fs.nr / n + (i < ctx->fs.nr % n);
		first += c->count;
		c->cookies = kvmalloc_array(c->count, sizeof(*c->cookies),
					    GFP_KERNEL);
		c->src_addr = kvmalloc_array(c->count, sizeof(*c->src_addr),
					     GFP_KERNEL);
		c->dst_addr = kvmalloc_array(c->count, sizeof(*c->dst_addr),
					     GFP_KERNEL);
		if (!c->cookies || !c->src_addr || !c->dst_addr) {
			fb_dma_teardown(e);
			return -ENOMEM;
		}
	}
	res->dma_chans_used = e->nr;
	if (e->nr < n) {
		pr_warn_ratelimited("foliobench: asked for %u DMA_MEMCPY channels, found %u\n",
				    n, e->nr);
		fb_dma_teardown(e);
		return -ENODEV;
	}
	*out = e;
	return 0;
}

static void fb_dma_callback(void *param, const struct dmaengine_result *res)
{
	struct fb_dma_chan *c = param;

	c->result = res ? res->result : DMA_TRANS_NOERROR;
	complete(&c->done);
}

/*
 * Maps and submits one descriptor per folio; only the last asks for an
 * interrupt. Stops at the first folio that cannot be mapped or prepared:
 * that one and the rest are left to the CPU.
 */
static void fb_dma_submit(struct fb_dma_engine *e, struct fb_dma_chan *c)
{
	struct fb_folios *fs = &e->ctx->fs;
	u32 k;

	c->armed = false;
	c->result = DMA_TRANS_NOERROR;
	reinit_completion(&c->done);
	for (k = 0; k < c->count; k++) {
		c->cookies[k] = -EINVAL;
		c->src_addr[k] = DMA_MAPPING_ERROR;
		c->dst_addr[k] = DMA_MAPPING_ERROR;
	}

	for (k = 0; k < c->count; k++) {
		struct dma_async_tx_descriptor *tx;
		bool last = k == c->count - 1;
		u32 i = c->first + k;
		dma_addr_t a;
		dma_cookie_t cookie;

		a = dma_map_page(c->dev, folio_page(fs->src[i], 0), 0, fs->size,
				 DMA_TO_DEVICE);
		if (dma_mapping_error(c->dev, a))
			break;
		c->src_addr[k] = a;
		a = dma_map_page(c->dev, folio_page(fs->dst[i], 0), 0, fs->size,
				 DMA_FROM_DEVICE);
		if (dma_mapping_error(c->dev, a))
			break;
		c->dst_addr[k] = a;

		tx = dmaengine_prep_dma_memcpy(c->chan, c->dst_addr[k],
					       c->src_addr[k], fs->size,
					       last ? DMA_PREP_INTERRUPT | DMA_CTRL_ACK :
					       DMA_CTRL_ACK);
		if (!tx)
			break;
		if (last) {
			tx->callback_result = fb_dma_callback;
			tx->callback_param = c;
		}
		cookie = dmaengine_submit(tx);
		if (dma_submit_error(cookie))
			break;
		c->cookies[k] = cookie;
		c->armed = last;
		cond_resched();
	}
	dma_async_issue_pending(c->chan);
}

/* Waits for a channel until @deadline; on timeout or error stops it. */
static void fb_dma_wait(struct fb_dma_engine *e, struct fb_dma_chan *c,
			unsigned long deadline)
{
	dma_cookie_t last = -EINVAL;
	bool timed_out = false;
	long left;
	u32 k;

	for (k = 0; k < c->count && c->cookies[k] >= DMA_MIN_COOKIE; k++)
		last = c->cookies[k];
	if (last < DMA_MIN_COOKIE)
		return;

	if (c->armed) {
		left = max_t(long, (long)(deadline - jiffies), 1);
		timed_out = !wait_for_completion_timeout(&c->done, left);
	} else {
		/* no interrupt coming: poll the last submitted descriptor */
		while (dmaengine_tx_status(c->chan, last, NULL) == DMA_IN_PROGRESS) {
			if (time_after(jiffies, deadline)) {
				timed_out = true;
				break;
			}
			usleep_range(20, 50);
		}
	}

	if (timed_out) {
		e->ctx->dma_timeout = true;
		pr_warn_ratelimited("foliobench: %s timed out, the CPU copies what it did not\n",
				    dma_chan_name(c->chan));
	}
	if (timed_out || c->result != DMA_TRANS_NOERROR)
		dmaengine_terminate_sync(c->chan);
}

/*
 * Unmaps everything; the CPU copies every folio whose descriptor did not
 * complete (after a CPU copy error only the unmapping goes on).
 */
static int fb_dma_finish(struct fb_dma_engine *e, struct fb_dma_chan *c)
{
	struct fb_folios *fs = &e->ctx->fs;
	int ret = 0;
	u32 k;

	for (k = 0; k < c->count; k++) {
		u32 i = c->first + k;
		bool done;

		done = c->cookies[k] >= DMA_MIN_COOKIE &&
		       dmaengine_tx_status(c->chan, c->cookies[k], NULL) ==
		       DMA_COMPLETE;
		if (c->dst_addr[k] != DMA_MAPPING_ERROR)
			dma_unmap_page(c->dev, c->dst_addr[k], fs->size,
				       DMA_FROM_DEVICE);
		if (c->src_addr[k] != DMA_MAPPING_ERROR)
			dma_unmap_page(c->dev, c->src_addr[k], fs->size,
				       DMA_TO_DEVICE);
		if (!done && !ret) {
			ret = e->ctx->fn->copy(fs->dst[i], fs->src[i]);
			if (!ret)
				e->ctx->dma_fallbacks++;
		}
		cond_resched();
	}
	return ret;
}

/* One sample: from the first mapping until every channel's folios are copied. */
int fb_dma_iteration(struct fb_dma_engine *e, u64 *ns)
{
	unsigned long deadline;
	int ret = 0, err;
	u64 t0, t1;
	u32 i;

	t0 = ktime_get_ns();
	for (i = 0; i < e->nr; i++)
		fb_dma_submit(e, &e->ch[i]);
	deadline = jiffies + e->timeout;
	for (i = 0; i < e->nr; i++)
		fb_dma_wait(e, &e->ch[i], deadline);
	for (i = 0; i < e->nr; i++) {
		err = fb_dma_finish(e, &e->ch[i]);
		if (err && !ret)
			ret = err;
	}
	t1 = ktime_get_ns();
	*ns = t1 - t0;
	return ret;
}
