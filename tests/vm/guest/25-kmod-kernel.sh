#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Baseline vs patched kernel, in the VM guest (busybox sh, run by the
# initramfs /init of tests/vm/mkinitramfs.sh): what foliobench.ko detected
# in the headers it was built against (INFO.kernel_patches), how per-page
# and kernel-mode cells are labelled, through the ioctls (fb_abi_test
# kernel) and through the CLI's run.json.
# Env from /init: FB_KO_DIR, FB_BIN_DIR; FB_EXPECT_KERNEL (kernel command
# line) baseline [default] or patched: tests/test_kmod_patched_vm.sh builds
# the module against headers with the RFC's declarations added and says
# patched.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

dir=${FB_KO_DIR:-/lib/modules-fb}
bin=${FB_BIN_DIR:-/usr/local/bin}
expect=${FB_EXPECT_KERNEL:-baseline}
out=/tmp/fb-kernel
export FOLIOBENCH_RESULTS=$out/results
mkdir -p $out

if [ ! -f "$dir/foliobench.ko" ] || [ ! -x "$bin/fb_abi_test" ] || [ ! -x "$bin/foliobench" ]; then
	skip "baseline vs patched kernel" "foliobench.ko, fb_abi_test or the CLI not in the initramfs"
	finish
fi
if ! insmod "$dir/foliobench.ko" 2>$out/err; then
	notok "insmod foliobench: $(cat $out/err)"
	finish
fi
i=0
while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done

tap_exec "$bin/fb_abi_test" --tap-state "$TAP_STATE" kernel "$expect"

# The CLI: the per-page cell and the kernel-mode cell name what ran.
case $(uname -r) in
6.1.*) exported=0 ;;
*) exported=1 ;;
esac
if [ $expect = patched ]; then
	want_pp="module reimplementation folio_copy: module per-page loop"
	want_k="kernel folio_copy: kernel folio_copy(), batched by this kernel"
else
	want_pp="kernel folio_copy: kernel folio_copy(): copy_highpage() per page"
	want_k="kernel folio_copy: kernel folio_copy(), per page by this kernel"
fi
[ $exported = 1 ] || want_pp="module reimplementation folio_copy"

$bin/foliobench copy --backend kmod --function folio_copy --mode per-page --folio-sizes 64K \
	--folio-count 4 --reps 2 --verify --quiet --output $out/pp 2>$out/err
if grep -q "\"implementation\":\"$want_pp" $out/pp/run.json 2>/dev/null; then
	ok "CLI per-page folio_copy on a $expect $(uname -r) is '$want_pp...'"
else
	notok "CLI per-page folio_copy on a $expect kernel: want '$want_pp', got $(grep -m1 '"implementation"' $out/pp/run.json 2>/dev/null || tail -1 $out/err)"
fi
if grep -q "\"patched\":$([ $expect = patched ] && echo true || echo false)" $out/pp/run.json 2>/dev/null; then
	ok "run.json kernel_patches says $expect"
else
	notok "run.json kernel_patches does not say $expect: $(grep -m1 -A2 '"kernel_patches"' $out/pp/run.json 2>/dev/null)"
fi

$bin/foliobench copy --backend kmod --function folio_copy --mode kernel --threads 1 --folio-sizes 64K \
	--folio-count 4 --reps 2 --verify --quiet --output $out/k 2>$out/err
rc=$?
if [ $exported = 1 ]; then
	if [ $rc -eq 0 ] && grep -q "\"implementation\":\"$want_k" $out/k/run.json &&
		grep -q '"verified":true' $out/k/run.json && grep -q '"mode":"kernel"' $out/k/run.json; then
		ok "CLI --mode kernel on a $expect kernel: '$want_k', verified"
	else
		notok "CLI --mode kernel: exit $rc, want '$want_k': $(grep -m1 '"implementation"' $out/k/run.json 2>/dev/null || tail -1 $out/err)"
	fi
elif [ $rc -eq 4 ] && grep -q "not exported" $out/err; then
	ok "CLI --mode kernel on $(uname -r): exit 4, folio_copy is not exported"
else
	notok "CLI --mode kernel on $(uname -r): exit $rc (want 4): $(cat $out/err)"
fi

if rmmod foliobench 2>$out/err; then ok "rmmod foliobench"; else notok "rmmod foliobench: $(cat $out/err)"; fi
finish
