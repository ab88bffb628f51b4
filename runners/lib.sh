# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the runners: what every preset shares.  A runner names its
# experiment, fits its axes to this machine (fb_fit_*), runs `foliobench
# copy` (fb_copy), prints the seed's table beside ours with `foliobench
# report` (fb_report), draws plots (fb_plot) and writes report.md (fb_finish).
#
# Runner usage: runners/NAME.sh [--quick|--full|--tiny] [OUTDIR] [-- COPY OPTIONS]
#   --quick  a small total per cell and few repetitions (the default)
#   --full   the seeds' sizes (1 GB per cell), more repetitions
#   --tiny   the smallest run that still has every row and column (tests)
#   OUTDIR   [results/NAME-<UTC time>; $FOLIOBENCH_RESULTS replaces results;
#            installed (runners/locate.sh): relative to where it was called]
#   -- ...   more foliobench copy options for every run (e.g. -- --verify)
# Environment: FOLIOBENCH (the binary) [build/foliobench; installed:
# PREFIX/bin/foliobench], GNUPLOT [gnuplot],
# FOLIOBENCH_RUNNER_MODE (quick|full|tiny) as the option.
# Exit: 0 complete, 1 failed or interrupted (the report says partial),
# 2 bad usage, 4 cannot run on this machine (the reason is printed).
set -euo pipefail
FB_CALLER_DIR=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. runners/locate.sh

FB=${FOLIOBENCH:-$FB_DEFAULT_BINARY}
GNUPLOT=${GNUPLOT:-gnuplot}
FB_INTERRUPTED=0
FB_PARTIAL=()
FB_FAILED=()
FB_PLOTS=()
FB_RUNS=()
FB_PLOTS_SKIPPED=""

# fb_start NAME "TITLE" "$@": options, output folder, machine, backend, header.
fb_start() {
	RUNNER=$1
	TITLE=$2
	shift 2
	MODE=${FOLIOBENCH_RUNNER_MODE:-quick}
	OUT=""
	FB_EXTRA=()
	local a
	while [ $# -gt 0 ]; do
		a=$1
		shift
		case $a in
		--)
			FB_EXTRA=("$@")
			break
			;;
		--quick) MODE=quick ;;
		--full) MODE=full ;;
		--tiny) MODE=tiny ;;
		-h | --help)
			sed -n '2,/^[^#]/{/SPDX-License-Identifier/d;s/^# \{0,1\}//p;}' "$0"
			echo "usage: $0 [--quick|--full|--tiny] [OUTDIR] [-- foliobench copy options]"
			exit 0
			;;
		-*) echo "$RUNNER: unknown option $a (allowed: --quick, --full, --tiny, --help)" >&2; exit 2 ;;
		*)
			[ -z "$OUT" ] || { echo "$RUNNER: unexpected argument '$a' (one OUTDIR)" >&2; exit 2; }
			OUT=$a
			;;
		esac
	done
	case $MODE in quick | full | tiny) ;; *)
		echo "$RUNNER: FOLIOBENCH_RUNNER_MODE=$MODE: allowed quick, full, tiny" >&2
		exit 2
		;;
	esac
	OUT=$(fb_caller_path "${OUT:-${FOLIOBENCH_RESULTS:-results}/$RUNNER-$(date -u +%Y%m%dT%H%M%SZ)}")
	if [ ! -x "$FB" ]; then
		echo "$RUNNER: $FB is not built: cmake -S . -B build && cmake --build build (or set FOLIOBENCH)" >&2
		exit 1
	fi
	mkdir -p "$OUT/plots"
	: >"$OUT/tables.txt"
	: >"$OUT/section.md"
	rm -f "$OUT/STATUS" "$OUT/left-out.txt" "$OUT/notes.txt"
	trap 'FB_INTERRUPTED=1' INT TERM

	"$FB" info >"$OUT/machine.txt"
	CPU_NAME=$(sed -n 's/^cpu *//p' "$OUT/machine.txt" | head -1)
	KERNEL=$(uname -r)
	NCPUS=$(nproc)
	NLLC=$(grep -c '^  llc ' "$OUT/machine.txt" || true)
	CPU_NODES=()
	MEM_NODES=()
	local d
	for d in /sys/devices/system/node/node[0-9]*; do
		[ -d "$d" ] || continue
		if [ -n "$(tr -d '[:space:]' <"$d/cpulist")" ]; then
			CPU_NODES+=("${d##*node}")
		else
			MEM_NODES+=("${d##*node}")
		fi
	done
	[ ${#CPU_NODES[@]} -gt 0 ] || CPU_NODES=(0)
	# Nodes with memory, in order: a migration goes from the first to the
	# second (foliobench migrate's default pair).
	MIG_NODES=()
	for d in /sys/devices/system/node/node[0-9]*; do
		[ -r "$d/meminfo" ] || continue
		[ "$(awk '/MemTotal/ { print $4 }' "$d/meminfo")" = 0 ] || MIG_NODES+=("${d##*node}")
	done
	# (no process substitution: the QEMU guest has no /dev/fd)
	# shellcheck disable=SC2207 # node ids: one word each
	MIG_NODES=($(printf '%s\n' "${MIG_NODES[@]}" | sort -n))
	[ ${#MIG_NODES[@]} -gt 0 ] || MIG_NODES=(0)
	if [ -e /dev/foliobench ]; then
		BACKEND=kmod
		BACKEND_WHY="the foliobench module is loaded (/dev/foliobench): the kernel's own folio_copy/folio_mc_copy"
	else
		BACKEND=user
		BACKEND_WHY="userspace copies of the kernel's primitives; the kmod backend needs the foliobench module, which is not loaded here (/dev/foliobench is missing)"
	fi
	NDMA=$(find /sys/class/dma -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	PLOT_TAG="$CPU_NAME, kernel $KERNEL"
	echo "== $TITLE"
	echo "   runner:  $0, $MODE mode, results in $OUT"
	echo "   machine: $CPU_NAME, $NCPUS CPUs, $NLLC LLC domain(s), NUMA nodes with CPUs: ${CPU_NODES[*]}, memory-only: ${MEM_NODES[*]:-none}, kernel $KERNEL"
	echo "   backend: $BACKEND ($BACKEND_WHY)"
}

# By mode: fb_pick QUICK FULL TINY
fb_pick() {
	case $MODE in quick) echo "$1" ;; full) echo "$2" ;; tiny) echo "$3" ;; esac
}

# Record and print what this runner leaves out and why.
fb_left_out() {
	echo "   left out: $*"
	echo "$*" >>"$OUT/left-out.txt"
}

# A fact about this machine the reader needs to read the tables.
fb_note() {
	echo "   note:    $*"
	echo "$*" >>"$OUT/notes.txt"
}

# fb_fit_list LIST MAX WHAT WHY: FIT = the values of LIST up to MAX; the
# rest is left out, with WHY.
fb_fit_list() {
	local list=$1 max=$2 what=$3 why=$4 dropped="" v
	FIT=""
	for v in ${list//,/ }; do
		if [ "$v" -le "$max" ]; then FIT+="${FIT:+,}$v"; else dropped+="${dropped:+, }$v"; fi
	done
	[ -z "$dropped" ] || fb_left_out "$what $dropped ($why)"
}

fb_bytes() { # 4K 2M 1G -> bytes
	local n=${1%[KMG]}
	case $1 in *K) echo $((n << 10)) ;; *M) echo $((n << 20)) ;; *G) echo $((n << 30)) ;; *) echo "$1" ;; esac
}

fb_size() { # bytes -> 4K 2M 1G
	local b=$1
	if ((b % (1 << 30) == 0)); then echo "$((b >> 30))G"
	elif ((b % (1 << 20) == 0)); then echo "$((b >> 20))M"
	elif ((b % (1 << 10) == 0)); then echo "$((b >> 10))K"
	else echo "$b"; fi
}

# Bytes a node can give us: MemAvailable on one node; else the node's free
# memory and clean page cache (what foliobench copy itself checks).
fb_avail() {
	local f=/sys/devices/system/node/node${1:-0}/meminfo
	if [ $((${#CPU_NODES[@]} + ${#MEM_NODES[@]})) -le 1 ] || [ ! -r "$f" ]; then
		echo $(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) * 1024))
	else
		echo $(($(awk '/MemFree:|Active\(file\):|Inactive\(file\):/ { s += $(NF-1) } END { print s }' "$f") * 1024))
	fi
}

# fb_fit_total WANT NODE...: FIT = WANT halved until a source and a
# destination of that size fit in half the available memory of every node
# they use (both on one node, to be safe).
fb_fit_total() {
	local want=$1 total n avail
	shift
	total=$(fb_bytes "$want")
	for n in "$@"; do
		avail=$(fb_avail "$n")
		while ((2 * total > avail / 2 && total > (4 << 20))); do
			total=$((total / 2))
		done
	done
	FIT=$(fb_size "$total")
	[ "$total" -eq "$(fb_bytes "$want")" ] ||
		fb_left_out "$want per cell: $FIT instead, to fit half the free memory"
}

# fb_copy NAME ARGS...: foliobench copy into $OUT/NAME.  Returns 4 when it
# cannot run here (the reason is in $FB_SKIP_WHY), else 0: a failed or
# interrupted run is recorded for the report and its completed cells kept.
fb_copy() {
	fb_bench copy "$@" "${FB_EXTRA[@]}"
}

# fb_migrate NAME ARGS...: the same for foliobench migrate (the options after
# `--` are copy options: not given to it).
fb_migrate() {
	fb_bench migrate "$@"
}

fb_bench() {
	local cmd=$1 name=$2 rc=0
	shift 2
	FB_SKIP_WHY=""
	if [ "$FB_INTERRUPTED" -ne 0 ]; then
		FB_PARTIAL+=("$name: not run (interrupted before it started)")
		return 0
	fi
	echo "   run:     foliobench $cmd $* --output $OUT/$name"
	"$FB" "$cmd" "$@" --output "$OUT/$name" --quiet 2>"$OUT/$name.err" || rc=$?
	if [ $rc -eq 4 ]; then
		FB_SKIP_WHY=$(sed -n "s/^foliobench $cmd: //p" "$OUT/$name.err" | tail -1)
		return 4
	fi
	grep -v '^results:' "$OUT/$name.err" | sed 's/^/   /' || true
	if [ ! -f "$OUT/$name/run.json" ]; then
		FB_FAILED+=("$name: foliobench $cmd exited $rc: $(tail -1 "$OUT/$name.err")")
		return 0
	fi
	FB_RUNS+=("$name")
	if grep -q '"status": *"interrupted"' "$OUT/$name/run.json"; then
		FB_INTERRUPTED=1
		FB_PARTIAL+=("$name: interrupted; the completed cells are kept")
	elif [ $rc -ne 0 ]; then
		FB_FAILED+=("$name: some cells failed (see $name.err)")
	fi
	return 0
}

# fb_report NAME REFERENCE TABLES [report options]: the seed's tables beside
# the run's, to the console and tables.txt, and as markdown for report.md.
fb_report() {
	local name=$1 ref=$2 tables=$3
	shift 3
	[ -f "$OUT/$name/run.json" ] || return 0
	"$FB" report "$OUT/$name/run.json" --reference "$ref" --table "$tables" "$@" | tee -a "$OUT/tables.txt"
	"$FB" report "$OUT/$name/run.json" --reference "$ref" --table "$tables" "$@" --format markdown >>"$OUT/section.md"
}

# fb_mthp_fit LIST: FIT = the folio sizes of LIST this kernel can back
# with mTHP (4K: base pages), the rest left out with the reason.
fb_mthp_fit() {
	local v kb dropped="" thp=/sys/kernel/mm/transparent_hugepage
	FIT=""
	for v in ${1//,/ }; do
		kb=$(($(fb_bytes "$v") >> 10))
		if [ "$kb" -eq 4 ] || [ -e "$thp/hugepages-${kb}kB/enabled" ]; then
			FIT+="${FIT:+,}$v"
		else
			dropped+="${dropped:+, }$v"
		fi
	done
	[ -z "$dropped" ] || fb_left_out "migration of folio sizes $dropped (this kernel offers no such mTHP size)"
}

# fb_seed001_migration NAME COPY TABLES "COPY ON" MIGRATE_ARGS...: what
# seed 001 measured, page migration: foliobench migrate from the first node
# with memory to the second into $OUT/NAME, in the seed's layout (TABLES),
# and the copy's share of its time against the copy run COPY (the copy phase
# on COPY ON, e.g. "1, 2 threads").  On one node it says why migration is
# skipped (foliobench migrate's own reason) and the runner goes on.
fb_seed001_migration() {
	local name=$1 copy=$2 tables=$3 on=$4 nodes=() why
	shift 4
	[ ${#MIG_NODES[@]} -lt 2 ] || nodes=(--nodes "${MIG_NODES[0]}:${MIG_NODES[1]}")
	if fb_migrate "$name" "${nodes[@]}" "$@"; then
		# interrupted before it started, or failed without results: the
		# status says so
		[ -f "$OUT/$name/run.json" ] || return 0
		fb_note "seed: migration with the series' copy offload on N threads; here: migration on kernel $KERNEL (single-threaded copy, node ${MIG_NODES[0]} -> ${MIG_NODES[1]}), and the copy phase alone on $on"
		fb_report "$name" seed001 "$tables"
		fb_copy_share "$name" "$copy"
		return 0
	fi
	why=$FB_SKIP_WHY
	fb_note "seed: migration with the series' copy offload on N threads; here: no migration ($why), the copy phase alone on $on"
	fb_left_out "the migration table(s) $tables and the copy share: $why (foliobench migrate exits 4)"
	{
		echo
		echo "Migration (what seed 001 measured, tables $tables) is skipped here: $why."
		echo "The tables below are the copy phase alone, not a migration."
	} | tee -a "$OUT/tables.txt" >>"$OUT/section.md"
}

# fb_copy_share MIGRATE COPY: where the migration's time goes (copy share,
# Amdahl bound), to the console, tables.txt and report.md.
fb_copy_share() {
	local mig=$OUT/$1/run.json copy=$OUT/$2/run.json
	[ -f "$mig" ] && [ -f "$copy" ] || return 0
	if ! "$FB" report "$mig" --copy-share "$copy" >"$OUT/share.txt" 2>"$OUT/share.err"; then
		FB_FAILED+=("copy share of $1 and $2: $(tail -1 "$OUT/share.err")")
		return 0
	fi
	tee -a "$OUT/tables.txt" <"$OUT/share.txt"
	"$FB" report "$mig" --copy-share "$copy" --format markdown >>"$OUT/section.md"
	rm -f "$OUT/share.txt" "$OUT/share.err"
}

# A table that only the seed has here (the runner could not measure it).
fb_report_seed_only() {
	local ref=$1 tables=$2 why=$3
	{
		echo
		echo "Not measured here: $why.  The seed's table:"
	} | tee -a "$OUT/tables.txt" >>"$OUT/section.md"
	"$FB" report --reference "$ref" --table "$tables" | tee -a "$OUT/tables.txt" >/dev/null
	"$FB" report --reference "$ref" --table "$tables" --format markdown >>"$OUT/section.md"
}

fb_have_gnuplot() {
	if ! command -v "$GNUPLOT" >/dev/null 2>&1; then
		if [ -z "$FB_PLOTS_SKIPPED" ]; then
			FB_PLOTS_SKIPPED="gnuplot is not installed (apt-get install gnuplot-nox); the tables and CSV are written"
			echo "   plots skipped: $FB_PLOTS_SKIPPED"
			echo "plots skipped: $FB_PLOTS_SKIPPED" >"$OUT/plots/SKIPPED"
		fi
		return 1
	fi
}

# fb_series NAME RUN REFERENCE TABLES [report options]: the data of a plot
# in the seed's layout, ours in plots/NAME.dat and the seed's in NAME.ref.dat.
fb_series() {
	local name=$1 run=$2 ref=$3 tables=$4
	shift 4
	"$FB" report "$OUT/$run/run.json" --reference "$ref" --table "$tables" --format series "$@" \
		>"$OUT/plots/$name.dat"
	"$FB" report --reference "$ref" --table "$tables" --format series "$@" >"$OUT/plots/$name.ref.dat"
}

# fb_plot NAME SCRIPT "TITLE" [gnuplot -e assignments]: plots/SCRIPT.gp on
# $OUT/plots/NAME.dat (and NAME.ref.dat when present) -> NAME.png, NAME.svg.
fb_plot() {
	local name=$1 script=$2 title=$3 extra=${4:-} refarg=""
	fb_have_gnuplot || return 0
	[ -s "$OUT/plots/$name.dat" ] || return 0
	[ ! -s "$OUT/plots/$name.ref.dat" ] || refarg="ref='$OUT/plots/$name.ref.dat';"
	# Two title lines: what, then the CPU model and kernel.
	if "$GNUPLOT" -e "data='$OUT/plots/$name.dat'; $refarg out='$OUT/plots/$name'; ttl=\"$title\\n$PLOT_TAG\"; $extra" \
		"plots/$script.gp" 2>"$OUT/plots/$name.log"; then
		FB_PLOTS+=("$name")
	else
		echo "   plot $name failed: $(tail -1 "$OUT/plots/$name.log")"
	fi
}

# fb_finish: report.md, STATUS, exit status.
fb_finish() {
	local status=complete rc=0 x
	if [ ${#FB_FAILED[@]} -gt 0 ]; then
		status="failed: ${FB_FAILED[*]}"
		rc=1
	elif [ ${#FB_PARTIAL[@]} -gt 0 ] || [ "$FB_INTERRUPTED" -ne 0 ]; then
		status="partial: interrupted; the report holds the cells completed before"
		rc=1
	fi
	{
		echo "# $TITLE"
		echo
		echo "- runner: \`runners/$RUNNER.sh --$MODE\`$(fb_pick ' (quick mode: smaller totals and fewer repetitions than the seed; --full for the seed'"'"'s sizes)' '' ' (tiny mode: a test run, the numbers mean nothing)')"
		echo "- machine: $CPU_NAME, $NCPUS CPUs, $NLLC LLC domain(s), NUMA nodes with CPUs: ${CPU_NODES[*]}, memory-only: ${MEM_NODES[*]:-none}, kernel $KERNEL ([machine.txt](machine.txt))"
		echo "- backend: $BACKEND ($BACKEND_WHY)"
		[ ! -f "$OUT/notes.txt" ] || sed 's/^/- note: /' "$OUT/notes.txt"
		[ ! -f "$OUT/left-out.txt" ] || sed 's/^/- left out: /' "$OUT/left-out.txt"
		[ "$status" = complete ] || echo "- **status: ${status%%:*}**:${status#*:}"
		for x in "${FB_PARTIAL[@]}" "${FB_FAILED[@]}"; do echo "  - $x"; done
		cat "$OUT/section.md"
		echo
		echo "#### Plots"
		echo
		if [ -n "$FB_PLOTS_SKIPPED" ]; then
			echo "Plots skipped: $FB_PLOTS_SKIPPED."
		elif [ ${#FB_PLOTS[@]} -eq 0 ]; then
			echo "No plots: no run produced data."
		fi
		for x in "${FB_PLOTS[@]}"; do
			echo
			echo "![$x](plots/$x.png) ([svg](plots/$x.svg), [data](plots/$x.dat))"
		done
		echo
		echo "#### Raw data"
		echo
		for x in "${FB_RUNS[@]}"; do
			echo "- $x: [run.json]($x/run.json), [cells.csv]($x/cells.csv)"
		done
		[ ${#FB_RUNS[@]} -gt 0 ] || echo "- none"
	} >"$OUT/report.md"
	rm -f "$OUT/section.md"
	echo "$status" >"$OUT/STATUS"
	grep '^shape:' "$OUT/tables.txt" >"$OUT/shapes.txt" || true
	echo "   status:  $status"
	echo "   report:  $OUT/report.md"
	exit $rc
}

# fb_skip "REASON": this runner cannot run here at all: say why, exit 4.
fb_skip() {
	echo "   skipped: $1"
	echo "skipped: $1" >"$OUT/STATUS"
	{
		echo "# $TITLE"
		echo
		echo "**Skipped on this machine:** $1"
		echo
		echo "- runner: \`runners/$RUNNER.sh --$MODE\`"
		echo "- machine: $CPU_NAME, $NCPUS CPUs, kernel $KERNEL ([machine.txt](machine.txt))"
		cat "$OUT/section.md"
	} >"$OUT/report.md"
	rm -f "$OUT/section.md"
	exit 4
}
