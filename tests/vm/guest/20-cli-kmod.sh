#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The foliobench CLI's kmod backend against foliobench.ko in the VM guest
# (busybox sh, run by the initramfs /init of tests/vm/mkinitramfs.sh):
# every function per page and batched, 1 and 2 threads, spread and fill,
# eviction off and on, verify on; both directions with 2 nodes; DMA through
# the test-only provider with 1..4 channels and a failing descriptor; the
# skips.  Results are read back with `foliobench show --format csv` and the
# run.json text.  Timings under emulation mean nothing: correctness only.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

dir=${FB_KO_DIR:-/lib/modules-fb}
fb=${FB_BIN_DIR:-/usr/local/bin}/foliobench
nodes=${FB_NODES:-1}
out=/tmp/fb-cli
export FOLIOBENCH_RESULTS=$out/results
mkdir -p $out

if [ ! -f "$dir/foliobench.ko" ] || [ ! -x "$fb" ]; then
	skip "foliobench CLI kmod backend" "foliobench.ko or the CLI not in the initramfs"
	finish
fi
case $(uname -r) in
6.1.*) want_impl="module reimplementation" ;;
*) want_impl="kernel" ;;
esac

# Module not loaded yet: the CLI says how to build and load it, exit 4.
$fb copy --backend kmod --folio-count 4 --folio-sizes 64K --reps 1 >/dev/null 2>$out/err
rc=$?
if [ $rc -eq 4 ] && grep -q "not loaded" $out/err; then
	ok "kmod backend without the module: exit 4, says how to load it"
else
	notok "kmod backend without the module: exit $rc: $(cat $out/err)"
fi

if ! insmod "$dir/foliobench.ko" 2>$out/err; then
	notok "insmod foliobench: $(cat $out/err)"
	finish
fi
i=0
while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
modver=$(cat /sys/module/foliobench/version 2>/dev/null)
cliver=$($fb version | awk '{ print $2 }')
if [ -n "$modver" ] && [ "$modver" = "$cliver" ]; then
	ok "MODULE_VERSION $modver is the CLI's version"
else
	notok "MODULE_VERSION '$modver', the CLI is '$cliver'"
fi

# check_run DESC DIR CELLS: CELLS cells, every one ok and verified (counted
# in the pretty-printed run.json: busybox has no JSON parser)
check_run() {
	d=$1 run=$2/run.json want=$3
	if [ ! -f $run ]; then
		notok "$d: no run.json ($(tail -1 $out/err))"
		return
	fi
	cells=$(grep -c '"status":"' $run)
	good=$(grep -c '"status":"ok"' $run)
	verified=$(grep -c '"verified":true' $run)
	# the run's own status line counts as one "status"
	cells=$((cells - 1))
	if [ "$cells" = "$want" ] && [ "$good" = "$want" ] && [ "$verified" = "$want" ] &&
		grep -q '"status":"complete"' $run; then
		ok "$d: $cells cells ok and verified"
	else
		notok "$d: $cells cells (want $want), $good ok, $verified verified: $(tail -1 $out/err)"
	fi
}

# A CXL-like node (boot.sh --movable): node 1's memory is all ZONE_MOVABLE.
# Only what depends on the zone runs here; the other boots cover the rest.
if [ "${FB_MOVABLE:-0}" = 1 ]; then
	mz=$(awk '$1 == "Node" { z = ($2 == "1,") ? $4 : "" } z == "Movable" && $1 == "managed" { print $2; exit }' /proc/zoneinfo)
	if [ "${mz:-0}" -gt 0 ]; then
		ok "ZONE_MOVABLE: /proc/zoneinfo has node 1's memory in Movable ($mz pages managed)"
	else
		notok "ZONE_MOVABLE: node 1 has no Movable pages in /proc/zoneinfo"
	fi
	$fb copy --backend kmod --function folio_mc_copy --nodes 0:1,1:0 --threads 2 \
		--folio-sizes 2M --folio-count 4 --reps 2 --verify --evict src --quiet \
		--output $out/nodes 2>$out/err
	check_run "ZONE_MOVABLE: folio_mc_copy node 0 -> 1 and 1 -> 0, 2 threads" $out/nodes 4
	# the zones each direction's folios came from, in the cells' extra
	zones=$(tr -d ' \n\t' <$out/nodes/run.json | grep -o '"src_zones":"[^"]*","dst_zones":"[^"]*"')
	to=$(echo "$zones" | grep '"dst_zones":"Movable"' | grep -vc 'src_zones":"[^"]*Movable')
	from=$(echo "$zones" | grep '"src_zones":"Movable"' | grep -vc 'dst_zones":"[^"]*Movable')
	if [ "$to" = 2 ] && [ "$from" = 2 ]; then
		ok "ZONE_MOVABLE: kmod copies 0 -> 1 land in Movable, 1 -> 0 come from it ($(echo "$zones" | sort -u | tr '\n' ' '))"
	else
		notok "ZONE_MOVABLE: zones recorded ($to to, $from from, of 2 each): $(echo "$zones" | sort -u | tr '\n' ' ')"
	fi
	# --movable off: the kernel's zones only, and node 1 has none
	$fb copy --backend kmod --movable off --nodes 0:1 --folio-sizes 2M --folio-count 4 --reps 1 \
		--quiet --output $out/moff 2>$out/err
	rc=$?
	if [ $rc -eq 1 ] && grep -q "cap" $out/err; then
		ok "ZONE_MOVABLE: --movable off to node 1: exit 1, the error names the cap"
	else
		notok "ZONE_MOVABLE: --movable off to node 1: exit $rc: $(cat $out/err)"
	fi
	# Seed 000's runner: its DRAM0 -> CXL and CXL -> DRAM0 rows, verified.
	r=/tmp/fb-s000
	if [ -x /usr/local/bin/bash ] && [ -f /repo/runners/seed000-folio-mc-copy.sh ]; then
		(cd /repo && FOLIOBENCH=$fb bash runners/seed000-folio-mc-copy.sh --tiny $r -- --verify) >$out/s000.out 2>&1
		rc=$?
		grep -E '^   (backend|note|left out|status):' $out/s000.out | sed 's/^/#/'
		check_run "ZONE_MOVABLE: seed 000 runner (kmod, --verify)" $r/copy 4
		rows=$(sed -n '/^ours (GB\/s/,/^$/p' $r/tables.txt | grep -cE '^(DRAM0 -> CXL|CXL -> DRAM0) +\| [0-9]+\.[0-9]+±')
		if [ $rc -eq 0 ] && [ "$rows" = 2 ] && grep -q '"backend":"kmod"' $r/copy/run.json &&
			grep -q "ZONE_MOVABLE" $r/notes.txt; then
			ok "ZONE_MOVABLE: seed 000 runner has its DRAM0 -> CXL and CXL -> DRAM0 rows on kmod"
		else
			notok "ZONE_MOVABLE: seed 000 runner: exit $rc, $rows of 2 rows: $(tail -3 $out/s000.out)"
		fi
	else
		skip "ZONE_MOVABLE: seed 000 runner" "bash or the runner not in the initramfs"
	fi
	if rmmod foliobench 2>$out/err; then ok "rmmod foliobench"; else notok "rmmod foliobench: $(cat $out/err)"; fi
	finish
fi

# Every function, per page and batched, 1 and 2 threads, spread and fill,
# eviction off and on, verify on.
for fn in folio_copy folio_mc_copy folios_mc_copy; do
	$fb copy --backend kmod --function $fn --mode per-page,batched --threads 1,2 \
		--placement spread,fill --evict none,src --folio-sizes 64K,2M --folio-count 8 \
		--reps 2 --warmup 1 --verify --quiet --output $out/$fn 2>$out/err
	check_run "$fn per-page+batched x threads 1,2 x spread,fill x evict none,src" $out/$fn 32
	if grep -q "\"implementation\":\"$want_impl $fn" $out/$fn/run.json ||
		{ [ $fn = folios_mc_copy ] && grep -q "\"implementation\":\"module" $out/$fn/run.json; }; then
		ok "$fn on $(uname -r) is reported as: $(grep -m1 '"implementation"' $out/$fn/run.json | cut -d'"' -f4 | cut -c1-60)"
	else
		notok "$fn on $(uname -r): implementation not '$want_impl': $(grep -m1 '"implementation"' $out/$fn/run.json)"
	fi
	# Real samples: every iteration a positive number of nanoseconds.
	if grep -A3 '"samples_ns"' $out/$fn/run.json | grep -Eq '^ *[1-9][0-9]*(\.[0-9]+)?,?$'; then
		ok "$fn: raw samples recorded"
	else
		notok "$fn: no samples in run.json"
	fi
done
if grep -q '"cpus_used":\[' $out/folio_copy/run.json && grep -q '"threads_active"' $out/folio_copy/run.json; then
	ok "kmod cells record the CPUs the module used"
else
	notok "kmod cells lack cpus_used"
fi

# The batched variants of folio_copy (seed 000's split), verified: copy_page
# on each page and one rep movsq, 1 and 2 threads, one folio in chunks.
$fb copy --backend kmod --mode per-page,batched --batch-impl memcpy,copy_page,rep_movsq \
	--threads 1,2 --folio-sizes 64K,2M --folio-count 4 --reps 2 --verify --quiet \
	--output $out/bimpl 2>$out/err
check_run "--batch-impl memcpy,copy_page,rep_movsq x threads 1,2 x 64K,2M" $out/bimpl 16
# 4 cells each, and the module's function table (INFO) in the machine block
if [ "$(grep -c '"batch_impl":"copy_page"' $out/bimpl/run.json)" = 5 ] &&
	[ "$(grep -c '"batch_impl":"rep_movsq"' $out/bimpl/run.json)" = 5 ] &&
	grep -q 'copy_page_loop: batched variant (module): copy_page() on each page' $out/bimpl/run.json &&
	grep -q 'rep_movsq: batched variant (module): one rep movsq' $out/bimpl/run.json; then
	ok "--batch-impl: each variant recorded and run by the module's own code"
else
	notok "--batch-impl: variants not recorded or not run: $(grep -m2 '"implementation"' $out/bimpl/run.json | tr '\n' ' ')"
fi
$fb copy --backend kmod --mode batched --batch-impl copy_page,rep_movsq --threads 2 --folio-sizes 2M \
	--folio-count 1 --reps 2 --verify --quiet --output $out/bichunk 2>$out/err
check_run "--batch-impl copy_page,rep_movsq: one 2M folio in chunks on 2 threads" $out/bichunk 2
$fb copy --backend kmod --function folio_mc_copy --mode batched --batch-impl rep_movsq --folio-count 4 \
	--reps 1 --quiet --output $out/bimc 2>$out/err
rc=$?
if [ $rc -eq 2 ] && grep -q "folio_copy only" $out/err && [ ! -e $out/bimc ]; then
	ok "--batch-impl rep_movsq with folio_mc_copy: exit 2, no result"
else
	notok "--batch-impl rep_movsq with folio_mc_copy: exit $rc: $(cat $out/err)"
fi

# The module's per-worker times: each worker's GB/s and the skew, stored
# and shown; the inline mode copies on the (pinned) calling thread.
if [ "$(grep -c ^processor /proc/cpuinfo)" -ge 2 ]; then
	$fb copy --backend kmod --threads 2 --folio-sizes 64K --folio-count 8 --reps 2 --verify \
		--output $out/skew >$out/skew.out 2>$out/err
	check_run "2 threads with worker times" $out/skew 2
	if [ "$(tr -d ' \n' <$out/skew/run.json | grep -o '"workers":\[{"cpu":[0-9]*,"bytes":262144,"gbps_mean":[0-9.e+-]*},{"cpu":[0-9]*,"bytes":262144' | wc -l)" = 2 ] &&
		grep -q '"skew_ns"' $out/skew/run.json && grep -q '^Worker skew (kmod)' $out/skew.out &&
		[ "$(grep -cE '^  .*: start [0-9.]+ \([0-9.]+\), end [0-9.]+ \([0-9.]+\); cpu [0-9]+ [0-9.]+ cpu [0-9]+ [0-9.]+$' $out/skew.out)" = 2 ]; then
		ok "2 threads: each worker's bytes and GB/s and the start/end skew stored and shown"
	else
		notok "2 threads: worker times not stored or shown: $(grep -A3 'Worker skew' $out/skew.out)"
	fi
else
	skip "2 threads with worker times" "one CPU"
fi
cpu=$(($(grep -c ^processor /proc/cpuinfo) - 1))
$fb copy --backend kmod --inline --cpus $cpu --function folio_mc_copy --folio-sizes 64K,2M --folio-count 4 \
	--reps 2 --verify --quiet --output $out/inline 2>$out/err
check_run "--inline --cpus $cpu" $out/inline 4
if [ "$(tr -d ' \n' <$out/inline/run.json | grep -o "\"cpus_used\":\[$cpu\],\"threads_active\":1,\"inline\":true" | wc -l)" = 4 ] &&
	grep -q '(inline, on the calling thread)' $out/inline/run.json; then
	ok "--inline: every cell ran on the calling thread, on cpu $cpu"
else
	notok "--inline: cells not marked inline on cpu $cpu"
fi
$fb copy --backend kmod --inline --threads 2 --folio-count 4 --reps 1 --output $out/inl2 2>$out/err
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--threads 2" $out/err && [ ! -e $out/inl2 ]; then
	ok "--inline --threads 2: exit 2, names the threads"
else
	notok "--inline --threads 2: exit $rc: $(cat $out/err)"
fi

# Two nodes (node 1 memory-only): both directions.
if [ "$nodes" -ge 2 ]; then
	$fb copy --backend kmod --function folio_copy,folio_mc_copy --nodes 0:1,1:0 \
		--folio-sizes 2M --folio-count 8 --reps 2 --verify --evict src --quiet \
		--output $out/nodes 2>$out/err
	check_run "node 0 -> 1 and 1 -> 0" $out/nodes 8
	$fb copy --backend kmod --mode batched --batch-impl copy_page,rep_movsq --nodes 0:1,1:0 \
		--folio-sizes 2M --folio-count 4 --reps 2 --verify --evict src --quiet \
		--output $out/binodes 2>$out/err
	check_run "--batch-impl copy_page,rep_movsq node 0 -> 1 and 1 -> 0" $out/binodes 4
else
	$fb copy --backend kmod --nodes 0:1 --folio-count 8 --reps 1 --quiet --output $out/n1 2>$out/err
	rc=$?
	if [ $rc -eq 2 ] && grep -q "node 1" $out/err && [ ! -e $out/n1 ]; then
		ok "one node: --nodes 0:1 refused, exit 2, no result"
	else
		notok "one node: --nodes 0:1 gave exit $rc: $(cat $out/err)"
	fi
fi

# DMA: no provider -> exit 4 with the message.
$fb copy --backend kmod --channels 1 --folio-count 4 --folio-sizes 64K --reps 1 --quiet \
	--output $out/nodma 2>$out/err
rc=$?
if [ $rc -eq 4 ] && grep -q "no DMA_MEMCPY channel on this machine" $out/err; then
	ok "no DMA channel: exit 4, 'no DMA_MEMCPY channel on this machine'"
else
	notok "no DMA channel: exit $rc: $(cat $out/err)"
fi

if [ -f "$dir/fb_test_dma.ko" ] && insmod "$dir/fb_test_dma.ko" nr_channels=4 2>$out/err; then
	$fb copy --backend kmod --channels 1,2,4 --function folio_copy --mode batched \
		--folio-sizes 64K,2M --folio-count 8 --reps 2 --verify --quiet --output $out/dma 2>$out/err
	check_run "DMA 1,2,4 channels x 64K,2M" $out/dma 6
	if grep -q '"channel":"dma' $out/dma/run.json && grep -q '"dma_fallbacks":0' $out/dma/run.json; then
		ok "DMA cells name their channels and report no fallback"
	else
		notok "DMA cells lack channel names or report fallbacks"
	fi
	rmmod fb_test_dma
	# A failing descriptor: the module falls back to the CPU, counts it, and
	# the copy is still verified.
	if insmod "$dir/fb_test_dma.ko" nr_channels=2 fail_desc=3 2>$out/err; then
		$fb copy --backend kmod --channels 2 --function folio_copy --mode batched \
			--folio-sizes 64K --folio-count 16 --reps 2 --verify --quiet --output $out/dmafail 2>$out/err
		check_run "DMA with a failing descriptor" $out/dmafail 1
		fallbacks=$(grep -m1 '"dma_fallbacks"' $out/dmafail/run.json | tr -dc 0-9)
		if [ -n "$fallbacks" ] && [ "$fallbacks" -gt 0 ]; then
			ok "failed descriptor: $fallbacks folios copied by the CPU fallback"
		else
			notok "failed descriptor: no fallback counted"
		fi
		rmmod fb_test_dma
	else
		notok "insmod fb_test_dma fail_desc=3: $(cat $out/err)"
	fi
else
	skip "DMA through the CLI" "fb_test_dma.ko not built"
fi

# Over the module's cap: a cell error naming the cap, no crash.
$fb copy --backend kmod --folio-sizes 2M --folio-count 4096 --reps 1 --quiet --output $out/cap 2>$out/err
rc=$?
if [ $rc -eq 1 ] && grep -q "cap" $out/err; then
	ok "8 GiB over the cap: exit 1, the error names the cap"
else
	notok "over the cap: exit $rc: $(cat $out/err)"
fi

if rmmod foliobench 2>$out/err; then ok "rmmod foliobench"; else notok "rmmod foliobench: $(cat $out/err)"; fi
finish
