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
 * channel executes after it was allocated fail, and every descriptor queued
 * behind it is aborted (as a halted hardware channel would); stall_desc=N
 * makes the Nth never complete until the client terminates the channel
 * (exercises the client's timeout); skip_desc=N makes the Nth report success
 * without copying (a silently broken engine: exercises the client's verify).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
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
	struct work_struct work;
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

static void fbt_complete(struct fbt_desc *d, enum dmaengine_tx_result res)
{
	struct dmaengine_result r = { .result = res };

	/* an interrupt only for descriptors that asked for one */
	if (d->tx.flags & DMA_PREP_INTERRUPT) {
		if (d->tx.callback_result)
			d->tx.callback_result(d->tx.callback_param, &r);
		else if (d->tx.callback)
			d->tx.callback(d->tx.callback_param);
	}
	kfree(d);
}

/* Takes every queued descriptor off the channel and marks its cookie failed. */
static void fbt_kill_locked(struct fbt_chan *c, struct list_head *dead,
			    dma_cookie_t from)
{
	struct fbt_desc *d;

	list_splice_tail_init(&c->issued, dead);
	list_splice_tail_init(&c->submitted, dead);
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
	memcpy(phys_to_virt(dst), phys_to_virt(src), d->len);
	return 0;
}

static void fbt_work(struct work_struct *work)
{
	struct fbt_chan *c = container_of(work, struct fbt_chan, work);
	struct fbt_desc *d, *tmp;
	unsigned long flags, n;
	LIST_HEAD(dead);

	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		d = c->stalled ? NULL :
			list_first_entry_or_null(&c->issued, struct fbt_desc,
						 node);
		if (!d) {
			spin_unlock_irqrestore(&c->lock, flags);
			return;
		}
		n = ++c->executed;
		if (n == READ_ONCE(stall_desc)) {
			/* stays first on issued until terminate_all */
			c->stalled = true;
			spin_unlock_irqrestore(&c->lock, flags);
			pr_info("%s: descriptor %lu stalls (stall_desc)\n",
				dma_chan_name(&c->chan), n);
			return;
		}
		list_del(&d->node);
		spin_unlock_irqrestore(&c->lock, flags);

		if (n == READ_ONCE(fail_desc) ||
		    (n != READ_ONCE(skip_desc) && fbt_copy(d))) {
			pr_info("%s: descriptor %lu fails, the rest are aborted\n",
				dma_chan_name(&c->chan), n);
			spin_lock_irqsave(&c->lock, flags);
			fbt_kill_locked(c, &dead, d->tx.cookie);
			spin_unlock_irqrestore(&c->lock, flags);
			fbt_complete(d, DMA_TRANS_WRITE_FAILED);
			list_for_each_entry_safe(d, tmp, &dead, node) {
				list_del(&d->node);
				fbt_complete(d, DMA_TRANS_ABORTED);
			}
			continue;
		}

		if (n == READ_ONCE(skip_desc))
			pr_info("%s: descriptor %lu completes without copying\n",
				dma_chan_name(&c->chan), n);
		spin_lock_irqsave(&c->lock, flags);
		c->chan.completed_cookie = d->tx.cookie;
		spin_unlock_irqrestore(&c->lock, flags);
		fbt_complete(d, DMA_TRANS_NOERROR);
		cond_resched();
	}
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
static int fbt_terminate_all(struct dma_chan *chan)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	struct fbt_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&c->lock, flags);
	fbt_kill_locked(c, &dead, -EINVAL);
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(d, tmp, &dead, node) {
		list_del(&d->node);
		kfree(d);
	}
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

static void fbt_free_chan_resources(struct dma_chan *chan)
{
	struct fbt_chan *c = to_fbt_chan(chan);
	struct fbt_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	fbt_terminate_all(chan);
	fbt_synchronize(chan);
	spin_lock_irqsave(&c->lock, flags);
	list_splice_init(&c->prepared, &dead);
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(d, tmp, &dead, node) {
		list_del(&d->node);
		kfree(d);
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

	fbt = kzalloc(sizeof(*fbt), GFP_KERNEL);
	if (!fbt)
		return -ENOMEM;
	dd = &fbt->dd;
	dma_cap_set(DMA_MEMCPY, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dd->dev = &pdev->dev;
	dd->copy_align = DMAENGINE_ALIGN_1_BYTE;
	dd->device_alloc_chan_resources = fbt_alloc_chan_resources;
	dd->device_free_chan_resources = fbt_free_chan_resources;
	dd->device_prep_dma_memcpy = fbt_prep_memcpy;
	dd->device_issue_pending = fbt_issue_pending;
	dd->device_tx_status = fbt_tx_status;
	dd->device_terminate_all = fbt_terminate_all;
	dd->device_synchronize = fbt_synchronize;
	INIT_LIST_HEAD(&dd->channels);
	for (i = 0; i < nr_channels; i++) {
		struct fbt_chan *c = &fbt->chans[i];

		c->chan.device = dd;
		spin_lock_init(&c->lock);
		INIT_LIST_HEAD(&c->prepared);
		INIT_LIST_HEAD(&c->submitted);
		INIT_LIST_HEAD(&c->issued);
		INIT_WORK(&c->work, fbt_work);
		list_add_tail(&c->chan.device_node, &dd->channels);
	}

	ret = dma_async_device_register(dd);
	if (ret) {
		kfree(fbt);
		fbt = NULL;
		return ret;
	}
	dev_info(&pdev->dev, "TEST ONLY software DMA_MEMCPY provider, %u channels\n",
		 nr_channels);
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
	/* no client holds a channel: each holds a reference on this module */
	dma_async_device_unregister(&fbt->dd);
	platform_device_unregister(fbt_pdev);
	platform_driver_unregister(&fbt_driver);
	destroy_workqueue(fbt_wq);
	kfree(fbt);
}

module_init(fbt_init);
module_exit(fbt_exit);

MODULE_DESCRIPTION("TEST ONLY: software dmaengine DMA_MEMCPY provider for foliobench's VM tests");
MODULE_LICENSE("GPL");
