#!/usr/bin/env bash
# build-module.sh KBUILD_DIR SRC_DIR OUT_DIR
#
# Copies the out-of-tree module source SRC_DIR (the whole tree, e.g.
# kmod-bench with its tests/ subdirectory) into OUT_DIR, which it empties
# first, and builds it with `make -C KBUILD_DIR M=OUT_DIR modules`; then
# OUT_DIR/tests the same way if it has a Kbuild or Makefile (with the first
# build's Module.symvers as KBUILD_EXTRA_SYMBOLS).
# KBUILD_DIR is e.g. CACHE_DIR/k-6.12/build from fetch-kernels.sh.
# Make's output goes to stderr; stdout gets the built .ko files, one a line
# (absolute paths). Exit: 0 ok, 1 build failed / bad input, 2 usage.
# FB_MAKE_ARGS adds make arguments (e.g. FB_MAKE_ARGS="W=1").
set -euo pipefail
export LC_ALL=C

prog=build-module
die() { echo "$prog: error: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || { echo "usage: $0 KBUILD_DIR SRC_DIR OUT_DIR" >&2; exit 2; }
[[ -f $1/Makefile ]] || die "$1 is not a kernel build dir (no Makefile)"
[[ -d $2 ]] || die "module source $2 is not a directory"
[[ -f $2/Kbuild || -f $2/Makefile ]] || die "module source $2 has no Kbuild or Makefile"
KB=$(cd "$1" && pwd -P)
SRC=$(cd "$2" && pwd -P)
mkdir -p "$3" || die "cannot create $3"
OUT=$(cd "$3" && pwd -P)
[[ $OUT != "$SRC" && $OUT != "$SRC"/* ]] || die "OUT_DIR must not be inside SRC_DIR"
command -v make >/dev/null || die "make is not installed (run tests/vm/fetch-kernels.sh)"

# Fresh copy. In a git work tree copy what git sees (tracked + untracked,
# minus ignored, so stale build output is left behind); else copy all.
find "$OUT" -mindepth 1 -delete
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard -- . |
		while IFS= read -r -d '' f; do
			[[ -e $f || -L $f ]] && printf '%s\0' "$f"
		done | xargs -0 -r cp -a --parents -t "$OUT") || die "cannot copy $SRC to $OUT"
else
	cp -a "$SRC/." "$OUT/" || die "cannot copy $SRC to $OUT"
fi
# Never reuse build output that came along.
find "$OUT" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '*.mod.o' -o -name '.*.cmd' -o -name Module.symvers \
	-o -name modules.order -o -name '*.ko.*' \) -type f -delete

jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck disable=SC2206
extra=(${FB_MAKE_ARGS:-})
kmake() { # DIR [make args...]
	local dir=$1
	shift
	echo "$prog: make -C $KB M=$dir modules $*" >&2
	make -j"$jobs" -C "$KB" M="$dir" "${extra[@]}" "$@" modules >&2 ||
		die "module build failed: make -C $KB M=$dir"
}
kmake "$OUT"
if [[ -f $OUT/tests/Kbuild || -f $OUT/tests/Makefile ]]; then
	syms=()
	[[ -f $OUT/Module.symvers ]] && syms=(KBUILD_EXTRA_SYMBOLS="$OUT/Module.symvers")
	kmake "$OUT/tests" "${syms[@]}"
fi

mapfile -t kos < <(find "$OUT" -name '*.ko' -type f | sort)
((${#kos[@]})) || die "make succeeded but built no .ko in $OUT"
printf '%s\n' "${kos[@]}"
