#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The bad command lines of issue 11's fuzz, each one a check: exit 2, one
# line naming the value as given, nothing written; and what a run does
# with its output folder, signals and progress.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export FOLIOBENCH_RESULTS=$tmp/results
cd "$tmp" || exit 1
bad() { usage_error "$@"; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
validate() { /usr/bin/python3 "$tests/validate_result.py" "$@" >/dev/null; }
# A run that takes a moment: 20 cells.
long=(--folio-sizes 4K-2M --total 16M --reps 200 --warmup 0)
small=(--folio-sizes 4K --mode batched --total 4M --reps 1 --warmup 0)
# wait_line FILE PATTERN: until a line matching PATTERN is in FILE (60 s at most).
wait_line() {
	for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# ---- the sweep's size ----
counts=$(seq -s, 1 20000)
bad "at most 100000 per run" copy --folio-count "$counts" --folio-sizes 4K-1G --threads 1
ones=$(printf '1%.0s,' $(seq 50000))
bad "1 is given twice" copy --threads "${ones%,}"
check "a 100 KB value is cut in the message" bash -c "[ \$(wc -c <'$tmp/usage.err') -lt 300 ]"
bad "--folio-count 1099511627776: 1099511627776 folios of 1G are more than 2^64 bytes" \
	copy --folio-count 1099511627776 --folio-sizes 1G

# ---- sizes past the memory check ----
bad "--total 8388608T: needs more than 2^64 bytes" copy --total 8388608T --folio-sizes 2M
bad "--folio-count 100000000 of 2M folios: needs" copy --folio-count 100000000
bad "--total 8388608T: needs" stores --total 8388608T

# ---- --output ----
NO_OUTPUT="$tmp/-" bad "--output -: allowed a directory" copy "${small[@]}" --output -
bad "--output '': allowed a directory" copy "${small[@]}" --output ''
deep=$tmp/d$(printf '/d%.0s' $(seq 1050))
NO_OUTPUT="$tmp/d" bad "a path of $((${#deep})) characters, allowed at most 2047" \
	copy "${small[@]}" --output "$deep"
bad "--output /proc/x: cannot create" copy "${small[@]}" --output /proc/x
echo file >"$tmp/file"
bad "--output $tmp/file: not a directory" copy "${small[@]}" --output "$tmp/file"
bad "--output $tmp/file/run: cannot create" stores --total 4M --reps 1 --output "$tmp/file/run"
FOLIOBENCH_RESULTS=$tmp/r$(printf '/r%.0s' $(seq 1050)) NO_OUTPUT="$tmp/r" \
	bad "results folder $tmp/r/r/" copy "${small[@]}"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
	bad "--output $tmp/ro: not writable" copy "${small[@]}" --output "$tmp/ro"
elif mkdir "$tmp/ro" && mount -t tmpfs -o ro,size=64k none "$tmp/ro" 2>/dev/null; then
	mnt=$tmp/ro
	bad "--output $tmp/ro: not writable: Read-only file system" copy "${small[@]}" --output "$tmp/ro"
	bad "--output $tmp/ro/run: cannot create" copy "${small[@]}" --output "$tmp/ro/run"
	umount "$mnt" && mnt=
else
	ok "read-only --output # SKIP cannot mount a read-only tmpfs here"
fi
bad "--report /proc/x/r.md: cannot write there" ab --report /proc/x/r.md --pairs 6 -- "${small[@]}"
bad "--report $tmp: allowed a regular file" ab --report "$tmp" --pairs 6 -- "${small[@]}"

# ---- option errors ----
bad "--threads needs a value" copy --threads
bad "--node needs a value" stores --node
bad "--batch needs a value" migrate --batch
bad "unknown option -z" copy --total 16M -zz
bad "--quiet=1: this option takes no value" copy --quiet=1
bad "--cpus 0-8191: lists 8192 CPUs, allowed at most 256" copy --cpus 0-8191
bad "--cpus 0-8191: lists 8192 CPUs" stores --cpus 0-8191
bad "--backend '': allowed user, kmod" copy --backend ''
bad "--backend ':': allowed user, kmod" copy --backend :
bad "--reps '': allowed a whole number" copy --reps ''
bad "--format '': allowed table" copy --format ''
bad "--folio-sizes 4K,4K: 4K is given twice" copy --folio-sizes 4K,4K
bad "--folio-sizes 4K-64K,16K: 16K is given twice" copy --folio-sizes 4K-64K,16K
bad "--folio-sizes 4K,,2M: an empty element" copy --folio-sizes 4K,,2M
bad "--folio-sizes 4K,: an empty element" copy --folio-sizes 4K,
bad "--threads 1,1: 1 is given twice" copy --threads 1,1
bad "--folio-count 8,8: 8 is given twice" copy --folio-count 8,8
bad "--mode batched,batched: batched is given twice" copy --mode batched,batched
bad "per_page is given twice" copy --mode per-page,per_page
bad "--function folio_copy,folio_copy: folio_copy is given twice" copy --function folio_copy,folio_copy
bad "--primitive libc,libc: libc is given twice" copy --primitive libc,libc
bad "--kernel-model 6.1,6.1: 6.1 is given twice" copy --kernel-model 6.1,6.1
bad "--evict none,none: none is given twice" copy --evict none,none
bad "--placement spread,spread: spread is given twice" copy --placement spread,spread
bad "'0:0' is given twice" copy --nodes 0:0,0:0
bad "--counters a,,b: an empty element" copy --counters a,,b
bad "--kernel cached,cached: cached is given twice" stores --kernel cached,cached
bad "--evict none,none: none is given twice" stores --evict none,none
bad "--threads ,: empty list" stores --threads ,
bad "--batch 1-4,2: 2 is given twice" migrate --batch 1-4,2
bad "--load none,none: none is given twice" migrate --load none,none
# migrate checks its arguments before it says it cannot run here.
bad "--nodes 0:4095: node 4095: no such NUMA node" migrate --nodes 0:4095
bad "--dst-node 4095: node 4095" migrate --dst-node 4095
bad "cpu 9999 is not online" migrate --cpus 9999
bad "--total 3M: allowed a multiple of the largest folio size" migrate --total 3M
bad "--batch 2000: allowed 1..1024 pages" migrate --total 4M --batch 2000

# ---- what a new user trips over ----
for c in copy migrate stores; do
	check "$c --help prints no '%%'" bash -c "\"$FB\" $c --help >'$tmp/help' && ! grep -qF '%%' '$tmp/help'"
done
check "help copy is copy --help" cmp -s <("$FB" help copy) <("$FB" copy --help)
check "help migrate is migrate --help" cmp -s <("$FB" help migrate) <("$FB" migrate --help)
bad "unknown command nope" help nope
for v in -V --version version; do
	check "foliobench $v prints the version" bash -c "\"$FB\" $v | grep -Eq '^foliobench [0-9]+\\.[0-9]+\\.[0-9]+ '"
done
"$FB" copy "${small[@]}" --folio-sizes 4K,8K --output "$tmp/prog" >/dev/null 2>"$tmp/prog.err"
check "progress in a log: a line for the first and the last cell, with the time" \
	bash -c "grep -Eq '^\\[1/2\\] .* \\([0-9]+:[0-9]{2} elapsed, about [0-9]+:[0-9]{2} left\\)$' '$tmp/prog.err' &&
		grep -Eq '^\\[2/2\\] .* GB/s  \\([0-9]+:[0-9]{2} elapsed\\)$' '$tmp/prog.err'"
if command -v script >/dev/null; then
	# On a terminal (script's pty): one line rewritten in place, cleared at the end.
	script -qec "'$FB' copy ${small[*]} --folio-sizes 4K,8K --output '$tmp/tty' >/dev/null" /dev/null \
		>"$tmp/tty.out" 2>&1
	check "progress on a terminal: rewritten in place, with the time, cleared at the end" \
		/usr/bin/python3 -c "
import sys
t = open('$tmp/tty.out', 'rb').read().decode(errors='replace')
assert '\r\x1b[K[1/2] ' in t and '\r\x1b[K[2/2] ' in t and ' elapsed' in t, t
assert '\n[1/2]' not in t and t.split('results:')[0].endswith('\r\x1b[K'), t"
else
	ok "progress on a terminal # SKIP no script(1) for a pty"
fi
"$FB" copy "${small[@]}" --folio-sizes 4K,8K --output "$tmp/quiet" --quiet >/dev/null 2>"$tmp/quiet.err"
check "--quiet: nothing on stderr" [ ! -s "$tmp/quiet.err" ]

# ---- signals: 130 for SIGINT, 143 for SIGTERM, completed cells written ----
# (each waits for the first completed cell; 19 cells are left to cut short)
for sig in INT TERM; do
	want=$((128 + $(kill -l $sig)))
	"$FB" copy "${long[@]}" --output "$tmp/sig$sig" >/dev/null 2>"$tmp/sig$sig.err" &
	pid=$!
	if ! wait_line "$tmp/sig$sig.err" '^\[1/20\]'; then
		not_ok "SIG$sig: no progress line from the run: $(head -c 300 "$tmp/sig$sig.err")"
		kill -KILL $pid
		wait $pid
		continue
	fi
	if [ $sig = TERM ]; then
		# Meanwhile a second run into the same folder is refused.
		bad "another foliobench run is writing there" copy "${small[@]}" --output "$tmp/sig$sig"
		check "the refused run left the folder as it was (empty)" \
			bash -c "[ -z \"\$(ls -A '$tmp/sig$sig')\" ]"
	fi
	kill -$sig $pid
	wait $pid
	rc=$?
	check "SIG$sig: exit $want (got $rc)" [ $rc -eq $want ]
	check "SIG$sig: run.json marked interrupted, with the completed cells" jq_py "$tmp/sig$sig/run.json" \
		"assert d['status'] == 'interrupted' and 1 <= len(d['cells']) < d['cells_planned'] == 20"
	check "SIG$sig: the result validates" validate "$tmp/sig$sig"
	check "SIG$sig: stderr says the completed cells are kept" \
		grep -q "(interrupted: completed cells kept)" "$tmp/sig$sig.err"
done

# stores stops the same way.
"$FB" stores --total 64M --reps 200 --warmup 0 --output "$tmp/stores" >/dev/null 2>"$tmp/stores.err" &
pid=$!
if wait_line "$tmp/stores.err" '^\[1/'; then
	kill -TERM $pid
	wait $pid
	rc=$?
	check "stores, SIGTERM: exit 143 (got $rc), run.json marked interrupted" bash -c "[ $rc -eq 143 ] &&
		grep -q '\"status\": *\"interrupted\"' '$tmp/stores/run.json'"
else
	not_ok "stores: no progress line from the run: $(head -c 300 "$tmp/stores.err")"
	kill -KILL $pid
	wait $pid
fi

# ---- a run's files belong together: a failed write keeps the old pair ----
# keeps_pair DIR: both files as they were; no temporary file beside them.
keeps_pair() {
	cmp -s "$1/run.json" "$tmp/old.json" && cmp -s "$1/cells.csv" "$tmp/old.csv" &&
		! ls "$1"/*.tmp.* >/dev/null 2>&1
}
"$FB" copy "${small[@]}" --output "$tmp/wf" --quiet
cp "$tmp/wf/run.json" "$tmp/old.json" && cp "$tmp/wf/cells.csv" "$tmp/old.csv"
# Files larger than 4 KiB fail (EFBIG) for the second run.
(trap '' XFSZ; ulimit -f 4; exec "$FB" copy "${small[@]}" --output "$tmp/wf" --quiet) 2>"$tmp/wf.err"
rc=$?
check "write failure (file size limit): exit 1 (got $rc), naming it: $(head -c 200 "$tmp/wf.err")" \
	bash -c "[ $rc -eq 1 ] && grep -q 'cannot write results' '$tmp/wf.err'"
check "write failure (file size limit): the previous run.json and cells.csv are kept, together" \
	keeps_pair "$tmp/wf"
# A full disk: a tmpfs with room for the new run.json only.
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/full" && mount -t tmpfs -o size=1m none "$tmp/full" 2>/dev/null; then
	mnt=$tmp/full
	"$FB" copy "${small[@]}" --output "$tmp/full/run" --quiet
	cp "$tmp/full/run/run.json" "$tmp/old.json" && cp "$tmp/full/run/cells.csv" "$tmp/old.csv"
	dd if=/dev/zero of="$tmp/full/fill" bs=4096 2>/dev/null
	truncate -s -$(( ($(stat -c %s "$tmp/old.json") + 4095) / 4096 * 4096 )) "$tmp/full/fill"
	"$FB" copy "${small[@]}" --output "$tmp/full/run" --quiet 2>"$tmp/full.err"
	rc=$?
	check "full disk: exit 1 (got $rc), naming it: $(head -c 200 "$tmp/full.err")" \
		bash -c "[ $rc -eq 1 ] && grep -q 'No space left on device' '$tmp/full.err'"
	check "full disk: the previous run.json and cells.csv are kept, together" keeps_pair "$tmp/full/run"
	umount "$mnt" && mnt=
else
	ok "full disk # SKIP needs root and a tmpfs mount"
fi
finish
