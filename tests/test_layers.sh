#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The stages of bench/ as layers: every function or variable a stage's
# library (BUILD/libfb_STAGE.a) uses from another stage's library is from
# one the top CMakeLists.txt lets it link (fb_stage(STAGE DEPS...), and
# theirs in turn).  The compiler holds the #includes; this holds the calls.
# And bench/ has only main.c at its top.
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:?usage: test_layers.sh FOLIOBENCH BUILD}

declare -A deps where
stages=()
while read -r line; do
	line=${line#fb_stage(}
	line=${line%)}
	read -r s d <<<"$line"
	stages+=("$s")
	deps[$s]=$d
done < <(grep -E '^fb_stage\([a-z_]+' "$root/CMakeLists.txt")
[ ${#stages[@]} -gt 1 ] || { not_ok "CMakeLists.txt declares stages (fb_stage)"; finish; }

# closure STAGE: the stage and every stage it may use
closure() {
	local s=$1 d out=" $1 "
	for d in ${deps[$s]}; do out+=$(closure "$d"); done
	echo "$out"
}
for s in "${stages[@]}"; do
	lib=$build/libfb_$s.a
	[ -f "$lib" ] || { not_ok "bench/$s: $lib is built"; continue; }
	while read -r sym; do where[$sym]=$s; done < <(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }')
done
for s in "${stages[@]}"; do
	lib=$build/libfb_$s.a
	[ -f "$lib" ] || continue
	may=$(closure "$s")
	bad=$(nm -u "$lib" | awk '$1 == "U" { print $2 }' | sort -u | while read -r sym; do
		t=${where[$sym]:-}
		[ -n "$t" ] && [[ $may != *" $t "* ]] && echo "$sym ($t)"
	done | tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "bench/$s uses only itself and ${deps[$s]:-no other stage}"
	else
		not_ok "bench/$s uses stages it does not link: $bad"
	fi
done
top=$(cd "$root/bench" && find . -maxdepth 1 -type f | sort | tr '\n' ' ')
check "bench/ holds only main.c at its top (has: $top)" test "$top" = "./main.c "
finish
