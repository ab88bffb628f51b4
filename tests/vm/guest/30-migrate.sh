#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# foliobench migrate in the VM guest (busybox sh, run by the initramfs /init
# of tests/vm/mkinitramfs.sh), as root.  With two nodes with memory (boot.sh
# --nodes 2: node 1 memory-only): 64 MiB moved with 4K and 2M backing in both
# directions, and the counts, destination nodes, data, counters (against
# /proc/vmstat and /proc/interrupts read here), folio sizes, the batch axis,
# the rw load, the error cases (a memoryless node when the VM has one), and
# the mTHP settings put back after SIGINT/SIGTERM.  With one node: the skip.
# With FB_MOVABLE=1 (boot.sh --movable: node 1 is CXL-like memory onlined
# ZONE_MOVABLE) only the moves to and from that node, 16 MiB each, tagged
# ZONE_MOVABLE.
# Prints TAP lines.  Env from /init: FB_NODES, FB_BIN_DIR.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

fb=${FB_BIN_DIR:-/usr/local/bin}/foliobench
nodes=${FB_NODES:-1}
thp=/sys/kernel/mm/transparent_hugepage
out=/tmp/fb-migrate
export FOLIOBENCH_RESULTS=$out/default
mkdir -p $out

if [ ! -x "$fb" ]; then
	skip "foliobench migrate" "foliobench not in the initramfs"
	finish
fi

# All values of a key in a run.json, one a line ("key": value, no spaces).
jget() { # FILE KEY
	tr -d ' \n\t' <"$1" | grep -o "\"$2\":[^,}]*" | sed 's/^[^:]*://; s/"//g'
}
# The value of a counter object ("name": {"total": N, ...}).
ctotal() { # FILE NAME
	tr -d ' \n\t' <"$1" | grep -o "\"$2\":{\"total\":[0-9-]*" | sed 's/.*://' | head -n 1
}
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
tlb() { awk '$1 == "TLB:" { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

# bad DESC NEEDLE ARGS...: exit 2, one stderr line naming NEEDLE, no results
bad() {
	d=$1 needle=$2
	shift 2
	rm -rf $out/bad
	"$fb" migrate --output $out/bad "$@" >$out/bad.out 2>$out/bad.err
	rc=$?
	lines=$(wc -l <$out/bad.err)
	if [ $rc -ne 2 ]; then
		notok "$d: exit $rc, wanted 2 ($(head -c 200 $out/bad.err))"
	elif [ "$lines" -ne 1 ]; then
		notok "$d: $lines stderr lines, wanted 1"
	elif ! grep -qF -- "$needle" $out/bad.err; then
		notok "$d: message does not name '$needle': $(cat $out/bad.err)"
	elif [ -e $out/bad ] || [ -e "$FOLIOBENCH_RESULTS" ]; then
		notok "$d: left a result file"
	else
		ok "$d: $(cat $out/bad.err)"
	fi
}

# The nodes with memory (boot.sh: 0 with the CPUs, 1 memory-only); A and B
# are the first two, M one without memory if the VM has such a node.
mem= M=
for dn in /sys/devices/system/node/node[0-9]*; do
	[ -d "$dn" ] || continue
	if [ "$(awk '/MemTotal/ { print $4 }' $dn/meminfo)" = 0 ]; then M=${dn##*node}; else mem="$mem ${dn##*node}"; fi
done
set -- $mem
A=${1:-0} B=${2:-}
echo "# fb-migrate: FB_NODES=$nodes, nodes with memory:$mem${M:+, without: $M}"

if [ -z "$B" ]; then
	"$fb" migrate --total 64M --output $out/one >$out/one.out 2>$out/one.err
	rc=$?
	check "one node with memory: migrate exits 4 (skip)" [ $rc -eq 4 ]
	check "one node: says why: $(cat $out/one.err)" \
		grep -q "needs two NUMA nodes with memory; this machine has one" $out/one.err
	check "one node: no result file" [ ! -e $out/one ]
	finish
fi

t0=$(date +%s)
# Each direction and backing: 64 MiB (16 MiB to a ZONE_MOVABLE node), 1
# warm-up + 3 timed moves, the untimed moves back in between: 7 moves.
mb=64 zm=
if [ "${FB_MOVABLE:-0}" = 1 ]; then
	mb=16 zm="ZONE_MOVABLE "
	mz=$(awk -v n="$B," '$1 == "Node" && $2 == n { z = $4 } z == "Movable" && $1 == "managed" { print $2; exit }' /proc/zoneinfo)
	check "ZONE_MOVABLE: node $B's memory is in Movable (${mz:-0} pages managed)" [ "${mz:-0}" -gt 0 ]
fi
pages=$((mb * 256))
for size in 4K 2M; do
	for dir in $A:$B $B:$A; do
		s=${dir%:*} d=${dir#*:}
		r=$out/$size-$s$d
		m0=$(vmstat pgmigrate_success) i0=$(tlb)
		"$fb" migrate --folio-sizes $size --nodes $dir --total ${mb}M --reps 3 --warmup 1 \
			--output $r --quiet >$r.out 2>$r.err
		rc=$?
		m1=$(vmstat pgmigrate_success) i1=$(tlb)
		tag="$zm$size $s->$d"
		if [ $rc -ne 0 ] || [ ! -f $r/run.json ]; then
			notok "$tag: migrate exit $rc: $(head -c 300 $r.err)"
			continue
		fi
		j=$r/run.json
		check "$tag: run complete, cell ok, 3 timed moves" \
			[ "$(jget $j status | tr '\n' ' ')$(jget $j timed_moves)" = "complete ok 3" ]
		check "$tag: config names the direction" \
			[ "$(jget $j src_node)->$(jget $j dst_node)" = "$s->$d" ]
		check "$tag: experiment migrate, ${mb}M, $pages pages per move" \
			[ "$(jget $j experiment) $(jget $j total_bytes) $(jget $j pages_per_move)" = "migrate $((mb << 20)) $pages" ]
		check "$tag: every page on node $d after each of the 4 moves" \
			[ "$(jget $j placement_checks) $(jget $j pages_not_landed)" = "4 0" ]
		check "$tag: data intact" [ "$(jget $j verified)" = true ]
		# folio sizes obtained: the requested size (a fresh guest has room)
		src_mix=$(sed -n 's/.*"src": *"\([^"]*\)".*/\1/p' $j | head -n 1)
		dst_mix=$(sed -n 's/.*"dst": *"\([^"]*\)".*/\1/p' $j | head -n 1)
		pct=$(echo "$src_mix" | sed -n "s/^$size \([0-9]*\)%.*/\1/p")
		if [ -n "$pct" ] && [ "$pct" -ge 90 ]; then
			ok "$tag: folios before: $src_mix, after: $dst_mix"
		else
			notok "$tag: folios before: '$src_mix' (wanted mostly $size), after: '$dst_mix'"
		fi
		fs=$(jget $j folios_per_move)
		if [ $size = 2M ]; then want_f=$((mb / 2)); else want_f=$pages; fi
		check "$tag: folios per move $fs (about $want_f)" ge "$fs" $((want_f * 9 / 10))
		# counters: foliobench's (timed moves) within what this script saw
		pm=$(ctotal $j pgmigrate_success)
		ext=$((m1 - m0))
		check "$tag: pgmigrate_success $pm >= 3 x $pages" ge "$pm" $((3 * pages))
		check "$tag: pgmigrate_success $pm <= /proc/vmstat delta $ext" ge "$ext" "$pm"
		check "$tag: /proc/vmstat saw the 7 moves: $ext >= 7 x $pages" ge "$ext" $((7 * pages))
		check "$tag: pgmigrate_fail 0" [ "$(ctotal $j pgmigrate_fail)" = 0 ]
		tm=$(ctotal $j thp_migration_success)
		if [ $size = 2M ]; then
			check "$tag: thp_migration_success $tm >= 3 x $want_f THPs" ge "$tm" $((3 * want_f))
		else
			check "$tag: thp_migration_success $tm is a count" [ -n "$tm" ]
		fi
		check "$tag: numa_pages_migrated, thp_migration_fail/split parsed" \
			[ -n "$(ctotal $j numa_pages_migrated)" -a -n "$(ctotal $j thp_migration_split)" -a \
			  -n "$(ctotal $j thp_migration_fail)" ]
		it=$(ctotal $j tlb_shootdowns)
		check "$tag: TLB shootdowns '$it' within the /proc/interrupts delta $((i1 - i0))" \
			ge $((i1 - i0)) "${it:-x}"
		check "$tag: GB/s, pages/s, folios/s and IPIs/MiB have 3 samples" \
			[ "$(jget $j n | sort -u | tr '\n' ' ')" = "3 " ]
	done
done
echo "# fb-migrate: 4 runs in $(($(date +%s) - t0)) s"
# The rest does not depend on the zone: the other boots cover it.
[ -n "$zm" ] && finish

# The table: seed 000's layout, a direction row.
"$fb" migrate --folio-sizes 2M --nodes $A:$B,$B:$A --total 16M --reps 2 --output $out/tab >$out/tab.out 2>$out/tab.err
check "table run (2 directions) exits 0" [ $? -eq 0 ]
check "GB/s table: Direction x Folio size header" grep -q 'Direction \\ Folio size' $out/tab.out
check "GB/s table: mean±sd rows $A->$B and $B->$A" \
	[ "$(grep -Ec "^($A->$B|$B->$A) +"'\| [0-9]+\.[0-9]{2}±[0-9]+\.[0-9]{2}' $out/tab.out)" = 8 ]
check "pages/s, folios/s and IPIs/MiB tables follow" \
	[ "$(grep -cE 'thousand 4K pages/s|thousand folios/s|IPIs per migrated MiB' $out/tab.out)" = 3 ]
"$fb" show $out/tab/run.json --rows direction --cols batch >$out/show.out 2>&1
check "show renders the saved run by batch" grep -q 'Direction \\ Batch (pages) | 4096' $out/show.out
echo "# fb-migrate: table in $(($(date +%s) - t0)) s"

# The batch axis: pages per move_pages call.
r=$out/batch
# (Small: each move_pages call drains the LRU caches of every CPU, slow
# under emulation.)
"$fb" migrate --folio-sizes 2M --nodes $A:$B --total 4M --batch 1,512,all --reps 2 --warmup 0 \
	--output $r --quiet 2>$r.err
check "batch 1,512,all exits 0" [ $? -eq 0 ]
check "batch: config batch 1, 512, 1024 (extra: 1, 512, all)" \
	[ "$(jget $r/run.json batch | tr '\n' ' ')" = "1 1 512 512 1024 all " ]
check "batch: 1024, 2 and 1 move_pages calls per move" \
	[ "$(jget $r/run.json move_pages_calls_per_move | tr '\n' ' ')" = "1024 2 1 " ]
check "batch: every page landed and data intact in each cell" \
	[ "$(jget $r/run.json pages_not_landed | tr '\n' ' ')$(jget $r/run.json verified | tr '\n' ' ')" = \
	  "0 0 0 true true true " ]
r=$out/batch4k
"$fb" migrate --folio-sizes 4K --nodes $B:$A --total 1M --batch 1 --reps 2 --output $r --quiet 2>$r.err
check "4K pages one per call: exit $?, 256 calls per move, every page landed, data intact" \
	[ "$(jget $r/run.json move_pages_calls_per_move) $(jget $r/run.json pages_not_landed) $(jget $r/run.json verified)" = "256 0 true" ]
echo "# fb-migrate: batch in $(($(date +%s) - t0)) s"

# Ping-pong under a concurrent reader/writer (seed 003's load).
r=$out/load
"$fb" migrate --folio-sizes 2M --nodes $A:$B --total 32M --load none,rw --reps 3 --output $r --quiet 2>$r.err
rc=$?
check "load none,rw exits 0" [ $rc -eq 0 ]
if [ $rc -eq 0 ]; then
	j=$r/run.json
	flat=$(tr -d ' \n\t' <$j)
	check "load: config load none and rw" [ "$(jget $j load | tr '\n' ' ')" = "none rw " ]
	acpu=$(echo "$flat" | grep -o '"accessor":{"cpu":[0-9]*' | sed 's/.*://')
	acc=$(echo "$flat" | grep -o '"latency_migrating_ns":{[^}]*' | grep -o '"accesses":[0-9]*' | sed 's/.*://')
	mcpu=$(jget $j cpus_used | head -n 1 | tr -d '[]')
	check "load: the rw thread ran on cpu $acpu, the mover on $mcpu" [ -n "$acpu" -a "$acpu" != "$mcpu" ]
	check "load: it accessed the memory while migrating ($acc accesses)" ge "${acc:-0}" 1
	check "load: idle and migrating latency have a median" \
		[ "$(echo "$flat" | grep -o '"latency_[a-z]*_ns":{[^}]*"median":[0-9.e+-]*' | wc -l)" = 2 ]
	check "load: data intact after moves under writes" [ "$(jget $j verified | tr '\n' ' ')" = "true true " ]
	ipis=$(echo "$flat" | grep -o '"tlb_shootdowns":{"total":[0-9]*' | sed 's/.*://' | tr '\n' ' ')
	echo "# fb-migrate: TLB shootdowns over the timed moves, without load and with the rw thread: $ipis"
	check "load: TLB shootdowns counted with the rw thread on another CPU ($ipis)" \
		ge "$(echo $ipis | cut -d' ' -f2)" 1
fi
echo "# fb-migrate: load in $(($(date +%s) - t0)) s"

# Errors: one line, exit 2, no result file.
bad "no such node" "node 7" --nodes $A:7
bad "same node" "must differ" --nodes $B:$B
bad "total over free memory" "--total 4G" --total 4G
bad "size over 2M" "4M" --folio-sizes 4M
bad "size not a power of two" "12K" --folio-sizes 12K
missing=
for kb in 8 16 32 64 128 256 512 1024; do
	[ -e $thp/hugepages-${kb}kB/enabled ] && continue
	missing=${kb}K
	[ $kb = 1024 ] && missing=1M
	break
done
if [ -n "$missing" ]; then
	bad "mTHP size this kernel does not offer" "--folio-sizes $missing: this kernel offers" --folio-sizes $missing
else
	skip "mTHP size this kernel does not offer" "this kernel offers every size 8K..1M"
fi
if [ -n "$M" ]; then
	bad "node without memory" "node $M: NUMA node has no memory" --nodes $A:$M
else
	skip "node without memory" "the VM has no memoryless node (only the boot.sh --memless boot has one)"
fi
bad "batch over the total" "--batch 99999" --total 64M --batch 99999

# mTHP settings set for the run are put back when it is interrupted.
g_was=$(sed 's/.*\[\(.*\)\].*/\1/' $thp/enabled)
p_was=
[ -e $thp/hugepages-2048kB/enabled ] && p_was=$(sed 's/.*\[\(.*\)\].*/\1/' $thp/hugepages-2048kB/enabled)
for sig in INT TERM; do
	echo never >$thp/enabled
	[ -n "$p_was" ] && echo never >$thp/hugepages-2048kB/enabled
	r=$out/sig$sig
	"$fb" migrate --folio-sizes 2M --nodes $A:$B --total 64M --reps 100000 --warmup 0 \
		--output $r --quiet >$r.out 2>$r.err &
	pid=$!
	i=0
	while grep -q '\[never\]' $thp/enabled && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	changed=$(sed 's/.*\[\(.*\)\].*/\1/' $thp/enabled)
	sleep 1
	kill -$sig $pid
	wait $pid
	rc=$?
	now=$(sed 's/.*\[\(.*\)\].*/\1/' $thp/enabled)
	pnow=
	[ -n "$p_was" ] && pnow=$(sed 's/.*\[\(.*\)\].*/\1/' $thp/hugepages-2048kB/enabled)
	# 128 + the signal: 130 for SIGINT, 143 for SIGTERM
	want=$([ $sig = INT ] && echo 130 || echo 143)
	check "SIG$sig: the run set THP for 2M ($changed) and stopped with exit $want ($rc)" \
		[ "$changed" != never -a $rc -eq $want ]
	check "SIG$sig: enabled is back to never ($now)${p_was:+, hugepages-2048kB too ($pnow)}" \
		[ "$now" = never -a \( -z "$p_was" -o "$pnow" = never \) ]
	check "SIG$sig: run.json says interrupted" [ "$(jget $r/run.json status | head -n 1)" = interrupted ]
done
echo "$g_was" >$thp/enabled
[ -n "$p_was" ] && echo "$p_was" >$thp/hugepages-2048kB/enabled
echo "# fb-migrate: all in $(($(date +%s) - t0)) s"
finish
