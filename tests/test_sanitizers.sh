#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The unit and CLI tests once more in an AddressSanitizer + UBSan build:
# configures and builds BUILD/asan (-DFB_SANITIZE=ON, reused between runs),
# runs its ctest (every test but the QEMU ones (test_*_vm) and this one, see
# tests/CMakeLists.txt) and fails on a failed test or on any sanitizer
# report: leaks (LeakSanitizer at exit), memory errors, undefined behaviour.
# Reports go to files (log_path), so a test that ignores an exit status or
# stderr cannot hide one.  Skips (exit 4) when the compiler cannot build and
# run a sanitized program here.
set -u
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
build=$2/asan
reports=$build/sanitizer-reports
mkdir -p "$build"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:print_summary=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
cat >"$tmp/probe.c" <<'EOF'
#include <stdlib.h>
int main(void) { free(malloc(16)); return 0; }
EOF
if ! "${CC:-cc}" -fsanitize=address,undefined "$tmp/probe.c" -o "$tmp/probe" 2>"$tmp/probe.err"; then
	skip_all "${CC:-cc} cannot build with -fsanitize=address,undefined: $(head -n 1 "$tmp/probe.err")"
fi
if ! "$tmp/probe" >"$tmp/probe.out" 2>&1; then
	skip_all "a sanitized program does not run here: $(grep -m 1 . "$tmp/probe.out")"
fi

cmake -S "$src" -B "$build" -DFB_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1
check "configure $build with FB_SANITIZE=ON" [ $? -eq 0 ]
cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1
rc=$?
check "build with -fsanitize=address,undefined" [ $rc -eq 0 ]
if [ $rc -ne 0 ]; then
	tail -n 30 "$build/build.log" | sed 's/^/# /'
	finish
fi

rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$reports/asan"
export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$reports/ubsan"
# 2,000 cells prove the readers' code under the sanitizers; the 20,000 of
# the plain build prove their scale.
(cd "$build" && FB_TEST_SCALE_CELLS=2000 ctest -j"$(nproc)" --output-on-failure) \
	>"$build/ctest.log" 2>&1
# One line per test: " 3/20 Test  #3: NAME .....   Passed   0.05 sec"
while read -r name status; do
	case $status in
	Passed) ok "sanitized $name" ;;
	Skipped) skip "sanitized $name" "it skipped (see $build/ctest.log)" ;;
	*) not_ok "sanitized $name: $status (see $build/ctest.log)" ;;
	esac
done < <(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) \.*[* ]*\([A-Za-z]*\).*/\1 \2/p' "$build/ctest.log")
grep -q '^ *[0-9]*/[0-9]* Test' "$build/ctest.log" || not_ok "ctest in $build ran no test"
if grep -q '^ *[0-9]*/[0-9]* Test .*\*\*\*' "$build/ctest.log"; then
	grep -v '^ *[0-9]*/[0-9]* Test\|^ *Start ' "$build/ctest.log" | sed 's/^/# /' | head -n 200
fi

n=0
for f in "$reports"/*; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	not_ok "sanitizer report $f: $(grep -m 1 -E 'ERROR|runtime error' "$f")"
	head -n 40 "$f" | sed 's/^/# /'
done
[ $n -eq 0 ] && ok "no sanitizer report from any test"
finish
