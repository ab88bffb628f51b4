// SPDX-License-Identifier: GPL-2.0
/*
 * foliobench: measures the kernel's folio_copy()/folio_mc_copy() per page
 * against the batched copies the RFC proposes, on kernel workers or
 * dmaengine channels. /dev/foliobench takes two ioctls (INFO, RUN) on the
 * structs of uapi/foliobench_uapi.h; a RUN returns raw nanoseconds per
 * iteration and computes no statistics.
 *
 * This file is the plumbing: module parameters, the character device, the
 * versioned copy-in/out of both ioctls and INFO; RUN's checks and its run
 * loop are fb_run.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include "foliobench.h"

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

/* one RUN or INFO at a time */
static DEFINE_MUTEX(fbk_lock);
struct workqueue_struct *fbk_wq;

unsigned int fbk_cap_pct = 50;

static int fbk_cap_pct_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v < 1 || v > 100)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops fbk_cap_pct_ops = {
	.set = fbk_cap_pct_set,
	.get = param_get_uint,
};

module_param_cb(cap_pct, &fbk_cap_pct_ops, &fbk_cap_pct, 0644);
MODULE_PARM_DESC(cap_pct,
		 "a run may take at most this percentage of a node's free memory (1..100, default 50)");

#ifdef FBK_FAULT_INJECT
/* the test build only (fb_test_foliobench.ko, kmod-bench/tests/Kbuild) */
int fbk_fail_folio_index = -1;
module_param_named(fail_folio_index, fbk_fail_folio_index, int, 0644);
MODULE_PARM_DESC(fail_folio_index,
		 "TEST ONLY: the list copy (folios_mc_copy) treats its batch copy of this folio index as failed, to exercise the per-folio fallback; -1 (default) off");
#else
const int fbk_fail_folio_index = -1;	/* no fault injection in a release */
#endif

static int fbk_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

/*
 * The first 8 bytes of every struct: on a mismatch they are overwritten
 * with the module's abi_version and struct_size.
 */
struct fbk_header {
	u32 abi_version;
	u32 struct_size;
};

static int fbk_get_args(void __user *uarg, void *karg, u32 size,
		       const char *what)
{
	struct fbk_header h;
	int ret;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	if (h.abi_version == FOLIOBENCH_ABI_VERSION && h.struct_size == size)
		return copy_from_user(karg, uarg, size) ? -EFAULT : 0;

	if (h.abi_version != FOLIOBENCH_ABI_VERSION) {
		pr_warn_ratelimited("%s: invalid abi_version=%u (module has %u)\n",
				    what, h.abi_version, FOLIOBENCH_ABI_VERSION);
		ret = -EPROTO;
	} else {
		pr_warn_ratelimited("%s: invalid struct_size=%u (module has %u)\n",
				    what, h.struct_size, size);
		ret = -EINVAL;
	}
	h.abi_version = FOLIOBENCH_ABI_VERSION;
	h.struct_size = size;
	if (copy_to_user(uarg, &h, sizeof(h)))
		return -EFAULT;
	return ret;
}

/* ---- INFO ---- */

static void fbk_func_info(struct foliobench_func_info *fi,
			 const struct fbk_func *fn)
{
	strscpy(fi->name, fn->name, sizeof(fi->name));
	strscpy(fi->desc, fn->desc, sizeof(fi->desc));
	fi->func = fn->func;
	fi->batched = fn->batched;
	fi->batch_impl = fn->batch_impl;
	fi->impl = fn->impl;
	fi->inner_impl = fn->inner_impl;
}

static int fbk_info(struct foliobench_info *in)
{
	u32 __user *llc = u64_to_user_ptr(in->llc_ids);
	unsigned int i, cpu;
	bool more;

	if (in->reserved_in) {
		pr_warn_ratelimited("INFO: invalid reserved_in=%u\n",
				    in->reserved_in);
		return -EINVAL;
	}
	if (!in->llc_ids && in->llc_ids_len) {
		pr_warn_ratelimited("INFO: invalid llc_ids_len=%u without llc_ids\n",
				    in->llc_ids_len);
		return -EINVAL;
	}

	strscpy(in->release, utsname()->release, sizeof(in->release));
	BUILD_BUG_ON(ARRAY_SIZE(in->funcs) < 6);
	in->nr_funcs = min_t(u32, fbk_nr_funcs, ARRAY_SIZE(in->funcs));
	for (i = 0; i < in->nr_funcs; i++)
		fbk_func_info(&in->funcs[i], &fbk_funcs[i]);

	in->nr_online_cpus = num_online_cpus();
	in->nr_cpu_ids = nr_cpu_ids;
	in->nr_online_nodes = num_online_nodes();
	in->max_order = FBK_MAX_ORDER;
	in->page_size = PAGE_SIZE;
	in->cap_pct = fbk_cap_pct;
	in->fail_folio_index = READ_ONCE(fbk_fail_folio_index);
	in->kernel_patches = fbk_kernel_patches();
	if (fbk_can_evict())
		in->flags |= FOLIOBENCH_INFO_F_EVICT;
#ifdef CONFIG_X86
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR))
		in->flags |= FOLIOBENCH_INFO_F_HYPERVISOR;
#endif
	if (in->fail_folio_index >= 0)
		in->flags |= FOLIOBENCH_INFO_F_FAULT_INJECT;

	for (cpu = 0; cpu < nr_cpu_ids && cpu < in->llc_ids_len; cpu++) {
		u32 id = cpu_online(cpu) ? fbk_llc_id(cpu) : FOLIOBENCH_LLC_NONE;

		if (put_user(id, llc + cpu))
			return -EFAULT;
	}

	in->nr_dma_chans = fbk_dma_list(in->dma, ARRAY_SIZE(in->dma), &more);
	if (more)
		in->flags |= FOLIOBENCH_INFO_F_DMA_MORE;
	fbk_kinfo_fill(in);
	return 0;
}

static long fbk_ioctl_info(void __user *uarg)
{
	struct foliobench_info *in;
	int ret;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	ret = fbk_get_args(uarg, in, sizeof(*in), "INFO");
	if (!ret)
		ret = fbk_info(in);
	if (!ret && copy_to_user(uarg, in, sizeof(*in)))
		ret = -EFAULT;
	kfree(in);
	return ret;
}

static long fbk_ioctl_run(void __user *uarg)
{
	struct foliobench_run *r;
	u32 *cpu_list = NULL;
	size_t out;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = fbk_get_args(uarg, r, sizeof(*r), "RUN");
	if (ret)
		goto out;

	/* outputs start clean whatever userspace left in them */
	out = offsetof(struct foliobench_run, iterations_done);
	memset((u8 *)r + out, 0, sizeof(*r) - out);
	ret = fbk_validate(r, &cpu_list);
	if (!ret)
		ret = fbk_run(r, cpu_list);
	if (copy_to_user(uarg, r, sizeof(*r)))
		ret = -EFAULT;
	kfree(cpu_list);
out:
	kfree(r);
	return ret;
}

static long fbk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long ret;

	/* the size bits of cmd are ignored: struct_size is checked instead */
	if (_IOC_TYPE(cmd) != FOLIOBENCH_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	if (_IOC_NR(cmd) != _IOC_NR(FOLIOBENCH_IOC_INFO) &&
	    _IOC_NR(cmd) != _IOC_NR(FOLIOBENCH_IOC_RUN))
		return -ENOTTY;

	if (!mutex_trylock(&fbk_lock))
		return -EBUSY;
	if (_IOC_NR(cmd) == _IOC_NR(FOLIOBENCH_IOC_INFO))
		ret = fbk_ioctl_info(uarg);
	else
		ret = fbk_ioctl_run(uarg);
	mutex_unlock(&fbk_lock);
	return ret;
}

static const struct file_operations fbk_fops = {
	.owner = THIS_MODULE,
	.open = fbk_open,
	.unlocked_ioctl = fbk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice fbk_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "foliobench",
	.fops = &fbk_fops,
	.mode = 0600,
};

/*
 * 6.17+ WARNs at alloc_workqueue() unless WQ_PERCPU or WQ_UNBOUND is given;
 * before the flag existed per-CPU was the default.
 */
#ifdef FBK_HAVE_WQ_PERCPU
#define FBK_WQ_PERCPU WQ_PERCPU
#else
#define FBK_WQ_PERCPU 0
#endif

static int __init fbk_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct foliobench_run) % 8);
	BUILD_BUG_ON(sizeof(struct foliobench_info) % 8);
	BUILD_BUG_ON(sizeof(struct foliobench_run) > _IOC_SIZEMASK);
	BUILD_BUG_ON(sizeof(struct foliobench_info) > _IOC_SIZEMASK);

	fbk_wq = alloc_workqueue("foliobench",
				FBK_WQ_PERCPU | WQ_HIGHPRI | WQ_CPU_INTENSIVE, 0);
	if (!fbk_wq)
		return -ENOMEM;
	ret = misc_register(&fbk_misc);
	if (ret) {
		destroy_workqueue(fbk_wq);
		return ret;
	}
	return 0;
}

static void __exit fbk_exit(void)
{
	misc_deregister(&fbk_misc);
	fbk_dma_exit();
	destroy_workqueue(fbk_wq);
}

module_init(fbk_init);
module_exit(fbk_exit);

MODULE_DESCRIPTION("foliobench: folio_copy()/folio_mc_copy() per page vs batched, on CPUs or DMA");
MODULE_LICENSE("GPL");
MODULE_VERSION(FBK_VERSION);
