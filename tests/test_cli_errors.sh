#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every bad input: one line naming the bad value, exit 2, no result file.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results

bad() { usage_error "$@"; }

ncpu=$(nproc)
bad "--bogus" copy --bogus
bad "--src-fill ones" copy --src-fill ones
bad "--nodes ''" copy --nodes ''
bad "--nodes 0-1" copy --nodes 0-1
bad "--src-fill zero" copy --src-fill zero --backend kmod
bad "--inline" copy --inline
bad "--movable" copy --movable on
bad "--movable sideways" copy --backend kmod --movable sideways
bad "--threads 2" copy --backend kmod --inline --threads 1,2
bad "--channels" copy --backend kmod --inline --channels 1
[ "$ncpu" -lt 2 ] || bad "--cpus names 2" copy --backend kmod --inline --cpus 0,1
bad "12K" copy --folio-sizes 12K
bad "2K" copy --folio-sizes 2K
bad "4X" copy --folio-sizes 4X
bad "3-16" copy --threads 3-16
bad "--folio-count 0" copy --folio-count 0
bad "-1" copy --threads -1
bad "--threads 0" copy --threads 0
bad "--threads $((ncpu + 1))" copy --threads $((ncpu + 1))
bad "--src-node 7" copy --src-node 7
bad "--dst-node 63" copy --dst-node 63
bad "--nodes 0" copy --nodes 0
bad "nope" copy --primitive nope
bad "nope" copy --function nope
bad "5.4" copy --kernel-model 5.4
bad "sideways" copy --mode sideways
bad "--batch-impl movsb" copy --batch-impl movsb
bad "--batch-impl memcpy,memcpy" copy --batch-impl memcpy,memcpy
bad "--batch-impl copy_page: a variant of folio_copy only" copy --function folio_mc_copy --batch-impl copy_page
bad "only --mode batched has variants" copy --mode per-page --batch-impl rep_movsq
bad "--batch-impl rep_movsq: a CPU copy" copy --backend kmod --channels 1 --mode batched --batch-impl rep_movsq
bad "warm" copy --evict warm
bad "giant" copy --backing giant
bad "--reps 0" copy --reps 0
bad "--ci-target -1" copy --reps auto --ci-target -1
bad "xml" copy --format xml
bad "--rows height" copy --rows height
bad "--channels" copy --channels 2
bad "--dma-map rings" copy --backend kmod --channels 1 --dma-map rings
bad "--dma-irq never" copy --backend kmod --channels 1 --dma-irq never
bad "--dma-near" copy --dma-near src
bad "--dma-request" copy --backend kmod --threads 1 --dma-request batch
bad "cpu 9999 is not online" copy --cpus 9999
bad "3 CPUs" copy --cpus 0,0,0 --oversubscribe --threads 2
bad "--total 1T" copy --total 1T
bad "--total 1K" copy --total 1K --folio-sizes 2M
bad "stray" copy stray
bad "--folio-count and --total" copy --folio-count 8 --total 64M
bad "--primitive runs primitives" copy --primitive libc --function folio_copy
bad "--format yaml" info --format yaml
bad "frobnicate" frobnicate
bad "no-such.json" show no-such.json
printf '{"schema": "foliobench-result", "schema_version": 99, "cells": []}' >"$tmp/v99.json"
bad "schema version 99" show "$tmp/v99.json"
printf '{"schema": "foliobench-res' >"$tmp/trunc.json"
bad "trunc.json" show "$tmp/trunc.json"
# The one --where matcher: a bad axis is named with the allowed ones.
data=$(cd "$(dirname "$0")/data" && pwd)
axes="experiment, backend, function, primitive, kernel_model, mode, batch_impl, direction, evict, placement, backing, threads, channels, folio_size, folio_count, total_bytes, batch, load, kernel_path"
bad "--where colour=red: allowed AXIS=VALUE with an axis of $axes" show "$data/compare/base.json" --where mode=batched,colour=red
bad "--where colour=red: allowed AXIS=VALUE with an axis of $axes" report "$data/compare/base.json" --reference "$data/../../runners/reference/seed001.ref" --where colour=red
bad "--where split=chunk: allowed AXIS=VALUE with an axis of $axes" show "$data/compare/base.json" --where split=chunk
bad "no cells match --where folio_size=3M" show "$data/compare/base.json" --where folio_size=3M
check "show --where takes a size however it is written: 2097152 and 2MiB are 2M" bash -c \
	"[ \"\$('$FB' show '$data/compare/base.json' --where folio_size=2097152 --format csv)\" = \"\$('$FB' show '$data/compare/base.json' --where folio_size=2MiB --format csv)\" ] &&
	 [ \"\$('$FB' show '$data/compare/base.json' --where folio_size=2M --format csv | wc -l)\" -gt 1 ]"

# A primitive this CPU lacks (when it lacks one) is refused, not replaced.
missing=$("$FB" copy --primitive help | awk '$2 == "no" { print $1; exit }')
if [ -n "$missing" ]; then
	bad "$missing" copy --primitive "$missing"
else
	skip "every primitive is supported on this CPU" "no unsupported primitive to refuse"
fi
# A NUMA node without memory, when this machine has one.
for n in /sys/devices/system/node/node*; do
	id=${n##*node}
	if [ "$(awk '/MemTotal/ { print $4 }' "$n/meminfo")" = 0 ]; then
		bad "--src-node $id" copy --src-node "$id"
		break
	fi
done
finish
