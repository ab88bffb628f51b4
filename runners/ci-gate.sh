#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The CI recipe for the regression gate: build two revisions of foliobench
# (or take two binaries), run `foliobench ab` (interleaved A/B pairs, safe
# on a shared runner) over a small sweep, write the reports, and exit with
# the gate's status.
#
# usage: runners/ci-gate.sh [options] BASE_REV HEAD_REV [-- COPY-ARGS]
#        runners/ci-gate.sh [options] --bin-a BASE_BIN --bin-b HEAD_BIN [-- COPY-ARGS]
#   --out DIR          reports and runs [ci-gate]: report.md (for a review
#                      comment), junit.xml (for a CI dashboard), report.json,
#                      report.txt, ab/ (ab.json and every run)
#   --pairs N          A/B pairs [20]
#   --threshold PCT    [5]   --alpha A [0.05]
#   --allow-inconclusive   exit 0, not 3, when no cell could be gated
#   COPY-ARGS          the sweep [--folio-sizes 4K,2M --total 64M --reps 5]
# environment: FOLIOBENCH, the foliobench that drives the gate (runs `ab`);
#   default: HEAD_REV's build (or HEAD_BIN).
# exit: 0 no regression; 1 a cell regressed (or a run failed); 2 bad usage;
#   3 inconclusive (no cell could be gated); 4 cannot run on this machine.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "ci-gate: $*; usage: ci-gate.sh [--out DIR] [--pairs N] [--threshold PCT] [--alpha A] BASE_REV HEAD_REV | --bin-a BASE_BIN --bin-b HEAD_BIN [-- COPY-ARGS]" >&2
	exit 2
}

out=ci-gate pairs=20 threshold=5 alpha=0.05 bin_a="" bin_b="" allow=()
revs=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || usage "--out needs a directory"; out=$2; shift 2 ;;
	--pairs) [ $# -ge 2 ] || usage "--pairs needs a number"; pairs=$2; shift 2 ;;
	--threshold) [ $# -ge 2 ] || usage "--threshold needs a percentage"; threshold=$2; shift 2 ;;
	--alpha) [ $# -ge 2 ] || usage "--alpha needs a probability"; alpha=$2; shift 2 ;;
	--allow-inconclusive) allow=(--allow-inconclusive); shift ;;
	--bin-a) [ $# -ge 2 ] || usage "--bin-a needs a path"; bin_a=$2; shift 2 ;;
	--bin-b) [ $# -ge 2 ] || usage "--bin-b needs a path"; bin_b=$2; shift 2 ;;
	--) shift; break ;;
	-*) usage "unknown option $1" ;;
	*) revs+=("$1"); shift ;;
	esac
done
copy_args=("$@")
[ ${#copy_args[@]} -gt 0 ] || copy_args=(--folio-sizes 4K,2M --total 64M --reps 5)

mkdir -p "$out" || usage "--out $out: cannot create it"
out=$(cd "$out" && pwd)

# Build one revision from a clean export of the repository (no worktree to
# clean up, nothing from the working tree leaks in).
build_rev() { # build_rev REV DIR -> prints the binary
	local rev=$1 dir=$2 repo sha
	repo=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) || usage "not in a git checkout: give --bin-a/--bin-b"
	sha=$(git -C "$repo" rev-parse --verify --quiet "$rev^{commit}") || usage "$rev: not a revision of $repo"
	if [ ! -x "$dir/$sha/build/foliobench" ]; then
		rm -rf "$dir/$sha" && mkdir -p "$dir/$sha" || exit 1
		git -C "$repo" archive "$sha" | tar -x -C "$dir/$sha" || { echo "ci-gate: cannot export $rev" >&2; exit 1; }
		echo "ci-gate: building $rev ($sha)" >&2
		if ! { cmake -S "$dir/$sha" -B "$dir/$sha/build" -DCMAKE_BUILD_TYPE=Release &&
			cmake --build "$dir/$sha/build" -j"$(nproc)" --target foliobench; } >"$dir/$sha.log" 2>&1; then
			echo "ci-gate: building $rev failed; log: $dir/$sha.log" >&2
			exit 1
		fi
	fi
	echo "$dir/$sha/build/foliobench"
}

if [ -n "$bin_a$bin_b" ]; then
	[ -n "$bin_a" ] && [ -n "$bin_b" ] || usage "give both --bin-a and --bin-b"
	[ ${#revs[@]} -eq 0 ] || usage "give revisions or binaries, not both"
else
	[ ${#revs[@]} -eq 2 ] || usage "give BASE_REV and HEAD_REV"
	bin_a=$(build_rev "${revs[0]}" "$out/build") || exit $?
	bin_b=$(build_rev "${revs[1]}" "$out/build") || exit $?
fi
drv=${FOLIOBENCH:-$bin_b}
"$drv" ab --help >/dev/null 2>&1 ||
	usage "$drv has no 'ab' command: set FOLIOBENCH to a foliobench that has"

gate=(--threshold "$threshold" --alpha "$alpha" "${allow[@]}")
rm -rf "$out/ab"
"$drv" ab --pairs "$pairs" "${gate[@]}" --bin-a "$bin_a" --bin-b "$bin_b" --output "$out/ab" \
	--format markdown --report "$out/report.md" -- "${copy_args[@]}"
rc=$?
# 3: inconclusive, no cell gated; the reports say why.
if { [ $rc -le 1 ] || [ $rc -eq 3 ]; } && [ -f "$out/ab/ab.json" ]; then
	# One run, every format: re-gating the saved pairs gives the same verdicts.
	"$drv" compare "$out/ab" "${gate[@]}" --format junit --output "$out/junit.xml" 2>/dev/null
	"$drv" compare "$out/ab" "${gate[@]}" --format json --output "$out/report.json" 2>/dev/null
	"$drv" compare "$out/ab" "${gate[@]}" --format table --output "$out/report.txt" 2>/dev/null
	cat "$out/report.txt"
	echo "ci-gate: reports in $out (report.md, junit.xml, report.json, report.txt)"
fi
exit $rc
