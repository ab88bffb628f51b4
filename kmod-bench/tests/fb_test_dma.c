// SPDX-License-Identifier: GPL-2.0
/*
 * fb_test_dma: TEST ONLY. A software dmaengine provider with DMA_MEMCPY
 * channels, so that foliobench's DMA engine can be tested where no DMA
 * hardware exists (the QEMU guests of tests/vm). It copies with memcpy() in
 * a workqueue and completes descriptors the way a driver does. Never built
 * by the release Kbuild; its timings mean nothing.
 *
 * It turns DMA addresses back into kernel addresses with dma_to_phys(), so it
 * refuses to run behind an IOMMU.
 *
 * Parameters: nr_channels (1..4); fail_desc=N makes the Nth descriptor a
 * channel executes after it was allocated fail; stall_desc=N makes the Nth
 * hang until the client terminates the channel or release_stall is written
 * (exercises the client's timeout); skip_desc=N makes the Nth report
 * success without copying (a silently broken engine: exercises the client's
 * verify); errors counts the descriptors that ended failed or aborted,
 * stalls those that stalled.
 * A descriptor that would copy from or to a freed page logs "BUG:" instead
 * (the VM tests fail on it): a client freed memory its engine still owned.
 *
 * mode= picks whose behaviour the channels copy (read against the drivers):
 *   basic  in order; a failure aborts everything queued behind it, whose
 *          cookies then read DMA_ERROR; device_terminate_all; a callback
 *          only for descriptors that asked for an interrupt.
 *   dsa    drivers/dma/idxd/dma.c: DMA_COMPLETION_NO_ORDER, tx_status is
 *          DMA_OUT_OF_ORDER for every cookie, no device_terminate_all;
 *          the newest issued descriptor runs first, a stalled one
 *          does not hold up the rest, a failure is that descriptor's alone;
 *          a callback only for descriptors that asked for an interrupt.
 *   ioat   drivers/dma/ioat: a fixed ring of ring_size descriptors, prep
 *          returns NULL while it is full; in order; no device_terminate_all;
 *          every descriptor's callback runs; a failure aborts what is
 *          queued, and aborted cookies still read DMA_COMPLETE (only the
 *          callback result tells).
 *   ptdma  drivers/dma/amd/ptdma: in order, device_terminate_all, every
 *          descriptor's callback runs; a failure is that descriptor's alone
 *          and invisible: pt_handle_active_desc() completes its cookie and
 *          calls back with no result (= DMA_TRANS_NOERROR), so only the
 *          client's verify can catch it.
 * node=N puts the device on NUMA node N (default: none), for the client's
 * choice of channels near a node.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#define FBT_NAME	"fb_test_dma"
#define FBT_MAX_CHANS	4

static unsigned int nr_channels = 2;
module_param(nr_channels, uint, 0444);
MODULE_PARM_DESC(nr_channels, "DMA_MEMCPY channels (1..4, default 2)");

static unsigned int fail_desc;
module_param(fail_desc, uint, 0644);
MODULE_PARM_DESC(fail_desc,
		 "the Nth descriptor a channel executes fails and aborts the rest (0: never)");

static unsigned int stall_desc;
module_param(stall_desc, uint, 0644);
MODULE_PARM_DESC(stall_desc,
		 "the Nth descriptor a channel executes hangs until terminated (0: never)");

static unsigned int skip_desc;
module_param(skip_desc, uint, 0644);
MODULE_PARM_DESC(skip_desc,
		 "the Nth descriptor a channel executes completes without copying (0: never)");

enum { FBT_BASIC, FBT_DSA, FBT_IOAT, FBT_PTDMA };
static const char *const fbt_modes[] = { "basic", "dsa", "ioat", "ptdma" };
static int fbt_mode;
static char *mode = "basic";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "basic, dsa (idxd-like), ioat (I/OAT-like) or ptdma (PTDMA-like)");

static unsigned int ring_size = 8;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "mode ioat: descriptors per channel ring (1..4096, default 8)");

static int node = NUMA_NO_NODE;
module_param(node, int, 0444);
MODULE_PARM_DESC(node, "NUMA node of the device (default -1: none)");

static atomic_long_t fbt_errors = ATOMIC_LONG_INIT(0);
static int fbt_errors_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&fbt_errors));
}

static const struct kernel_param_ops fbt_errors_ops = {
	.get = fbt_errors_get,
};

module_param_cb(errors, &fbt_errors_ops, NULL, 0444);
MODULE_PARM_DESC(errors, "descriptors that ended failed or aborted, since load");

static atomic_t fbt_stalls = ATOMIC_INIT(0);
static int fbt_stalls_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&fbt_stalls));
}

static const struct kernel_param_ops fbt_stalls_ops = {
	.get = fbt_stalls_get,
};

module_param_cb(stalls, &fbt_stalls_ops, NULL, 0444);
MODULE_PARM_DESC(stalls, "descriptors that stalled (stall_desc), since load");

static int fbt_release_stall(const char *val, const struct kernel_param *kp);
static const struct kernel_param_ops fbt_release_ops = {
	.set = fbt_release_stall,
};

module_param_cb(release_stall, &fbt_release_ops, NULL, 0200);
MODULE_PARM_DESC(release_stall, "write 1: a stalled descriptor completes after all");

struct fbt_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	dma_addr_t dst;
	dma_addr_t src;
	size_t len;
};

struct fbt_chan {
	struct dma_chan chan;
	spinlock_t lock;		/* lists, cookies, executed, stalled */
	struct list_head prepared;	/* prepared, not submitted */
	struct list_head submitted;
	struct list_head issued;
	struct list_head aside;		/* dsa: stalled, the rest go on */
	struct work_struct work;
	unsigned int inflight;		/* ioat: ring slots taken */
	unsigned long executed;		/* descriptors started since alloc */
	dma_cookie_t err_first;		/* cookies that failed or were */
	dma_cookie_t err_last;		/* aborted: DMA_ERROR */
	bool stalled;
};

struct fbt_dev {
	struct dma_device dd;
	struct fbt_chan chans[FBT_MAX_CHANS];
};

static struct workqueue_struct *fbt_wq;
static struct platform_device *fbt_pdev;
static struct fbt_dev *fbt;

static struct fbt_chan *to_fbt_chan(struct dma_chan *chan)
{
	return container_of(chan, struct fbt_chan, chan);
}

static struct fbt_desc *to_fbt_desc(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct fbt_desc, tx);
}

/* Frees a descriptor that ends; its ring slot is free again. */
static void fbt_free_desc(struct fbt_chan *c, struct fbt_desc *d)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->inflight--;
	spin_unlock_irqrestore(&c->lock, flags);
	kfree(d);
}

static void fbt_complete(struct fbt_chan *c, struct fbt_desc *d,
			 enum dmaengine_tx_result res)
{
	struct dmaengine_result r = { .result = res };
	bool all = fbt_mode == FBT_IOAT || fbt_mode == FBT_PTDMA;

	if (res != DMA_TRANS_NOERROR)
		atomic_long_inc(&fbt_errors);
	/* ioat and ptdma call every callback; idxd only interrupts if asked */
	if (all || (d->tx.flags & DMA_PREP_INTERRUPT)) {
		if (d->tx.callback_result)
			d->tx.callback_result(d->tx.callback_param, &r);
		else if (d->tx.callback)
			d->tx.callback(d->tx.callback_param);
	}
	fbt_free_desc(c, d);
}

/* Takes every queued descriptor off the channel; basic: cookies DMA_ERROR. */
static void fbt_kill_locked(struct fbt_chan *c, struct list_head *dead,
			    dma_cookie_t from)
{
	struct fbt_desc *d;

	list_splice_tail_init(&c->issued, dead);
	list_splice_tail_init(&c->submitted, dead);
	list_splice_tail_init(&c->aside, dead);
	d = list_first_entry_or_null(dead, struct fbt_desc, node);
	if (d && (from < DMA_MIN_COOKIE || d->tx.cookie < from))
		from = d->tx.cookie;
	if (from >= DMA_MIN_COOKIE) {
		c->err_first = from;
		c->err_last = c->chan.cookie;
	}
	c->stalled = false;
}

static int fbt_copy(struct fbt_desc *d)
{
	struct device *dev = d->tx.chan->device->dev;
	phys_addr_t src = dma_to_phys(dev, d->src);
	phys_addr_t dst = dma_to_phys(dev, d->dst);

	if (!d->len || !pfn_valid(PHYS_PFN(src)) ||
	    !pfn_valid(PHYS_PFN(src + d->len - 1)) ||
	    !pfn_valid(PHYS_PFN(dst)) || !pfn_valid(PHYS_PFN(dst + d->len - 1)))
		return -EFAULT;
	/* a client that freed memory its engine may still write: say so */
	if (!page_ref_count(pfn_to_page(PHYS_PFN(dst))) ||
	    !page_ref_count(pfn_to_page(PHYS_PFN(src)))) {
		pr_err("BUG: %s writes a freed page (pfn %#lx): the client freed memory before the engine ended\n",
		       dma_chan_name(d->tx.chan), (unsigned long)PHYS_PFN(dst));
		return -EFAULT;
	}
	memcpy(phys_to_virt(dst), phys_to_virt(src), d->len);
	return 0;
}

/* The failure of one descriptor: what else it takes down depends on mode. */
static void fbt_fail(struct fbt_chan *c, struct fbt_desc *d, unsigned long n)
{
	struct fbt_desc *x, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	if (fbt_mode == FBT_DSA) {
		pr_info("%s: descriptor %lu fails\n", dma_chan_name(&c->chan), n);
		fbt_complete(c, d, DMA_TRANS_WRITE_FAILED);
		return;
	}
	if (fbt_mode == FBT_PTDMA) {
		pr_info("%s: descriptor %lu fails, reported as done (as ptdma does)\n",
			dma_chan_name(&c->chan), n);
		atomic_long_inc(&fbt_errors);
		spin_lock_irqsave(&c->lock, flags);
		c->chan.completed_cookie = d->tx.cookie;
		spin_unlock_irqrestore(&c->lock, flags);
		fbt_complete(c, d, DMA_TRANS_NOERROR);
		return;
	}
	pr_info("%s: descriptor %lu fails, the rest are aborted\n",
		dma_chan_name(&c->chan), n);
	spin_lock_irqsave(&c->lock, flags);
	if (fbt_mode == FBT_IOAT) {
		/* ioat_abort_descs(): the cookies complete, the results say */
		list_splice_tail_init(&c->issued, &dead);
		list_splice_tail_init(&c->submitted, &dead);
		c->chan.completed_cookie = c->chan.cookie;
	} else {
		fbt_kill_locked(c, &dead, d->tx.cookie);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	fbt_complete(c, d, DMA_TRANS_WRITE_FAILED);
	list_for_each_entry_safe(x, tmp, &dead, node) {
		list_del(&x->node);
		fbt_complete(c, x, DMA_TRANS_ABORTED);
	}
}

static void fbt_work(struct work_struct *work)
{
	struct fbt_chan *c = container_of(work, struct fbt_chan, work);
	struct fbt_desc *d;
	unsigned long flags, n;

	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		if (c->stalled || list_empty(&c->issued)) {
			spin_unlock_irqrestore(&c->lock, flags);
			return;
		}
		/* dsa: newest first, so the last interrupt comes first */
		if (fbt_mode == FBT_DSA)
			d = list_last_entry(&c->issued, struct fbt_desc, node);
		else
			d = list_first_entry(&c->issued, struct fbt_desc, node);
		n = ++c->executed;
		if (n == READ_ONCE(stall_desc)) {
			if (fbt_mode == FBT_DSA) {
				/* one engine hangs, the others go on */
				list_move_tail(&d->node, &c->aside);
			} else {
				/* stays on issued until terminate or release */
				c->stalled = true;
			}
			spin_unlock_irqrestore(&c->lock, flags);
			atomic_inc(&fbt_stalls);
			pr_info("%s: descriptor %lu stalls (stall_desc)\n",
				dma_chan_name(&c->chan), n);
			continue;
		}
		list_del(&d->node);
		spin_unlock_irqrestore(&c->lock, flags);

		if (n == READ_ONCE(fail_desc) ||
		    (n != READ_ONCE(skip_desc) && fbt_copy(d))) {
			fbt_fail(c, d, n);
			continue;
		}

		if (n == READ_ONCE(skip_desc))
			pr_info("%s: descriptor %lu completes without copying\n",
				dma_chan_name(&c->chan), n);
		spin_lock_irqsave(&c->lock, flags);
		if (fbt_mode != FBT_DSA)
			c->chan.completed_cookie = d->tx.cookie;
		spin_unlock_irqrestore(&c->lock, flags);
		fbt_complete(c, d, DMA_TRANS_NOERROR);
		cond_resched();
	}
}

static int fbt_release_stall(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	unsigned int i;

	if (!fbt)
		return -ENODEV;
	for (i = 0; i < nr_channels; i++) {
		struct fbt_chan *c = &fbt->chans[i];

		spin_lock_irqsave(&c->lock, flags);
		list_splice_init(&c->aside, &c->issued);
		c->stalled = false;
		spin_unlock_irqrestore(&c->lock, flags);
		queue_work(fbt_wq, &c->work);
	}
	pr_info("stalled descriptors released\n");
	return 0;
}

static dma_cookie_t fbt_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct fbt_chan *c = to_fbt_chan(tx->chan);
	struct fbt_desc *d = to_fbt_desc(tx);
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&c->lock, flags);
	cookie = c->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	c->chan.cookie = cookie;
	tx->cookie = cookie;
	list_move_tail(&d->node, &c->submitted);
	spin_unlock_irqrestore(&c->lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
fbt_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		size_t len, unsigned long flags)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	unsigned long irqflags;
	struct fbt_desc *d;

	d = kzalloc(sizeof(*d), GFP_NOWAIT);
	if (!d)
		return NULL;
	dma_async_tx_descriptor_init(&d->tx, chan);
	d->tx.flags = flags;
	d->tx.tx_submit = fbt_tx_submit;
	d->dst = dst;
	d->src = src;
	d->len = len;
	spin_lock_irqsave(&c->lock, irqflags);
	if (fbt_mode == FBT_IOAT && c->inflight >= ring_size) {
		/* ioat_check_space_lock(): the ring is full */
		spin_unlock_irqrestore(&c->lock, irqflags);
		kfree(d);
		return NULL;
	}
	c->inflight++;
	list_add_tail(&d->node, &c->prepared);
	spin_unlock_irqrestore(&c->lock, irqflags);
	return &d->tx;
}

static void fbt_issue_pending(struct dma_chan *chan)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_splice_tail_init(&c->submitted, &c->issued);
	spin_unlock_irqrestore(&c->lock, flags);
	queue_work(fbt_wq, &c->work);
}

static enum dma_status fbt_tx_status(struct dma_chan *chan,
				     dma_cookie_t cookie,
				     struct dma_tx_state *state)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	enum dma_status st;
	unsigned long flags;

	if (fbt_mode == FBT_DSA)
		return DMA_OUT_OF_ORDER;	/* idxd_dma_tx_status() */
	spin_lock_irqsave(&c->lock, flags);
	if (c->err_first && cookie >= c->err_first && cookie <= c->err_last)
		st = DMA_ERROR;
	else
		st = dma_async_is_complete(cookie, chan->completed_cookie,
					   chan->cookie);
	dma_set_tx_state(state, chan->completed_cookie, chan->cookie, 0);
	spin_unlock_irqrestore(&c->lock, flags);
	return st;
}

/* Drops every queued descriptor without a callback (dmaengine's rule). */
static void fbt_drop_all(struct fbt_chan *c)
{
	struct fbt_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&c->lock, flags);
	fbt_kill_locked(c, &dead, -EINVAL);
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(d, tmp, &dead, node) {
		list_del(&d->node);
		fbt_free_desc(c, d);
	}
}

static int fbt_terminate_all(struct dma_chan *chan)
{
	fbt_drop_all(to_fbt_chan(chan));
	return 0;
}

static void fbt_synchronize(struct dma_chan *chan)
{
	flush_work(&to_fbt_chan(chan)->work);
}

static int fbt_alloc_chan_resources(struct dma_chan *chan)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
	c->executed = 0;
	c->err_first = 0;
	c->err_last = 0;
	c->stalled = false;
	spin_unlock_irqrestore(&c->lock, flags);
	return 0;
}

/*
 * A client releases the channel (one that releases a busy channel has a
 * bug). Modes that can terminate drop what is queued; dsa and ioat cannot
 * take back what the hardware holds: it still runs (and writes) when the
 * stall is released, only the callbacks are gone.
 */
static void fbt_free_chan_resources(struct dma_chan *chan)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	struct fbt_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	if (chan->device->device_terminate_all) {
		fbt_drop_all(c);
	} else {
		spin_lock_irqsave(&c->lock, flags);
		list_splice_tail_init(&c->submitted, &c->issued);
		list_splice_tail_init(&c->aside, &c->issued);
		list_for_each_entry(d, &c->issued, node) {
			d->tx.callback = NULL;
			d->tx.callback_result = NULL;
		}
		spin_unlock_irqrestore(&c->lock, flags);
	}
	flush_work(&c->work);
	spin_lock_irqsave(&c->lock, flags);
	list_splice_init(&c->prepared, &dead);
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(d, tmp, &dead, node) {
		list_del(&d->node);
		fbt_free_desc(c, d);
	}
}

static int fbt_probe(struct platform_device *pdev)
{
	struct dma_device *dd;
	unsigned int i;
	int ret;

	if (device_iommu_mapped(&pdev->dev))
		return -ENODEV;
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	set_dev_node(&pdev->dev, node);

	fbt = kzalloc(sizeof(*fbt), GFP_KERNEL);
	if (!fbt)
		return -ENOMEM;
	dd = &fbt->dd;
	dma_cap_set(DMA_MEMCPY, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	if (fbt_mode == FBT_DSA)
		dma_cap_set(DMA_COMPLETION_NO_ORDER, dd->cap_mask);
	dd->dev = &pdev->dev;
	dd->copy_align = DMAENGINE_ALIGN_1_BYTE;
	dd->device_alloc_chan_resources = fbt_alloc_chan_resources;
	dd->device_free_chan_resources = fbt_free_chan_resources;
	dd->device_prep_dma_memcpy = fbt_prep_memcpy;
	dd->device_issue_pending = fbt_issue_pending;
	dd->device_tx_status = fbt_tx_status;
	/* neither idxd nor ioat can terminate a channel */
	if (fbt_mode == FBT_BASIC || fbt_mode == FBT_PTDMA) {
		dd->device_terminate_all = fbt_terminate_all;
		dd->device_synchronize = fbt_synchronize;
	}
	INIT_LIST_HEAD(&dd->channels);
	for (i = 0; i < nr_channels; i++) {
		struct fbt_chan *c = &fbt->chans[i];

		c->chan.device = dd;
		spin_lock_init(&c->lock);
		INIT_LIST_HEAD(&c->prepared);
		INIT_LIST_HEAD(&c->submitted);
		INIT_LIST_HEAD(&c->issued);
		INIT_LIST_HEAD(&c->aside);
		INIT_WORK(&c->work, fbt_work);
		list_add_tail(&c->chan.device_node, &dd->channels);
	}

	ret = dma_async_device_register(dd);
	if (ret) {
		kfree(fbt);
		fbt = NULL;
		return ret;
	}
	dev_info(&pdev->dev, "TEST ONLY software DMA_MEMCPY provider, %u channels, mode %s, node %d\n",
		 nr_channels, fbt_modes[fbt_mode], node);
	return 0;
}

static struct platform_driver fbt_driver = {
	.probe = fbt_probe,
	.driver = {
		.name = FBT_NAME,
	},
};

static int __init fbt_init(void)
{
	int ret;

	if (nr_channels < 1 || nr_channels > FBT_MAX_CHANS) {
		pr_err("nr_channels=%u is not in 1..%d\n", nr_channels,
		       FBT_MAX_CHANS);
		return -EINVAL;
	}
	fbt_mode = match_string(fbt_modes, ARRAY_SIZE(fbt_modes), mode);
	if (fbt_mode < 0) {
		pr_err("mode=%s is not basic, dsa, ioat or ptdma\n", mode);
		return -EINVAL;
	}
	if (ring_size < 1 || ring_size > 4096) {
		pr_err("ring_size=%u is not in 1..4096\n", ring_size);
		return -EINVAL;
	}
	if (node != NUMA_NO_NODE && (node < 0 || node >= MAX_NUMNODES ||
				     !node_online(node))) {
		pr_err("node=%d is not an online node or -1\n", node);
		return -EINVAL;
	}
	fbt_wq = alloc_workqueue(FBT_NAME, WQ_UNBOUND, 0);
	if (!fbt_wq)
		return -ENOMEM;
	ret = platform_driver_register(&fbt_driver);
	if (ret)
		goto err_wq;
	fbt_pdev = platform_device_register_simple(FBT_NAME, PLATFORM_DEVID_NONE,
						   NULL, 0);
	if (IS_ERR(fbt_pdev)) {
		ret = PTR_ERR(fbt_pdev);
		goto err_drv;
	}
	if (!fbt) {		/* probe failed */
		ret = -ENODEV;
		goto err_pdev;
	}
	return 0;

err_pdev:
	platform_device_unregister(fbt_pdev);
err_drv:
	platform_driver_unregister(&fbt_driver);
err_wq:
	destroy_workqueue(fbt_wq);
	return ret;
}

static void __exit fbt_exit(void)
{
	unsigned int i;

	/* no client holds a channel: each holds a reference on this module */
	dma_async_device_unregister(&fbt->dd);
	for (i = 0; i < nr_channels; i++) {
		/* what a client left on a channel that cannot be terminated */
		fbt_drop_all(&fbt->chans[i]);
		flush_work(&fbt->chans[i].work);
	}
	platform_device_unregister(fbt_pdev);
	platform_driver_unregister(&fbt_driver);
	destroy_workqueue(fbt_wq);
	kfree(fbt);
}

module_init(fbt_init);
module_exit(fbt_exit);

MODULE_DESCRIPTION("TEST ONLY: software dmaengine DMA_MEMCPY provider for foliobench's VM tests");
MODULE_LICENSE("GPL");
