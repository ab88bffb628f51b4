#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/tap.sh, the TAP helper of every shell test, under bash and busybox sh
# (the guest scripts' shell): counts, plan, closing line and exit status
# (1 on a failure or no check, 4 when every check skipped), tap_exec's
# numbering with a TAP-printing program; and tests/vm/check-log.sh judging
# each guest script's plan.
set -u
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shells="bash"
if command -v busybox >/dev/null && busybox sh -c : 2>/dev/null; then
	shells="$shells busybox"
else
	skip "tap.sh under busybox sh" "busybox is not installed"
fi
# run SHELL BODY: a script sourcing tap.sh; sets out and rc
run() {
	printf '. "%s/tap.sh"\n%s\n' "$tests" "$2" >"$tmp/t.sh"
	case $1 in
	busybox) out=$(cd "$tmp" && busybox sh t.sh 2>&1) ;;
	*) out=$(cd "$tmp" && "$1" t.sh 2>&1) ;;
	esac
	rc=$?
}
# want DESC RC PLAN CLOSING: the last run's status, plan and closing line
want() {
	local plan closing
	plan=$(grep '^1\.\.' <<<"$out")
	closing=$(tail -n 1 <<<"$out")
	if [ "$rc" = "$2" ] && [ "$plan" = "$3" ] && [ "$closing" = "$4" ] &&
		[ "$(head -n 1 <<<"$out")" = "TAP version 13" ]; then
		ok "$1"
	else
		not_ok "$1: exit $rc, plan '$plan', closing '$closing'"
		sed 's/^/#   /' <<<"$out"
	fi
}

for sh in $shells; do
	run "$sh" 'ok one; skip two "not here"; finish'
	want "$sh: a pass and a skip: exit 0" 0 "1..2" "# 1 passed, 0 failed, 1 skipped"
	run "$sh" 'skip one why; ok "two # SKIP why"; finish'
	want "$sh: every check skipped (one through ok with a SKIP directive): exit 4" 4 "1..2" \
		"# 0 passed, 0 failed, 2 skipped"
	run "$sh" 'ok one; not_ok two; notok three; check four false; finish'
	want "$sh: failures: exit 1" 1 "1..4" "# 1 passed, 3 failed, 0 skipped"
	run "$sh" 'finish'
	want "$sh: no check at all: exit 1" 1 "1..0" "# no check ran"
	run "$sh" 'skip_all "no such device"; ok never'
	want "$sh: skip_all: exit 4 before anything else" 4 "1..0 # SKIP no such device" \
		"# 0 passed, 0 failed, 0 skipped"
	# A program numbering on from the state file, like fb_abi_test --tap-state.
	cat >"$tmp/prog.sh" <<'EOF'
n=$(cat "$1")
echo "ok $((n + 1)) - p1"
echo "not ok $((n + 2)) - p2"
echo "ok $((n + 3)) - p3 # SKIP why"
echo $((n + 3)) >"$1"
exit 1
EOF
	run "$sh" 'ok a; ok b; tap_exec sh prog.sh "$TAP_STATE"; tap_exec sh -c "exit 3"; ok c; finish'
	want "$sh: tap_exec counts the program's lines; a silent failure is one more" 1 "1..7" \
		"# 4 passed, 2 failed, 1 skipped"
	check "$sh: tap_exec numbers on: 1..7 in order" \
		[ "$(grep -oE '^(not )?ok [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tr '\n' ' ')" = "1 2 3 4 5 6 7 " ]
	check "$sh: tap_exec names the command that failed silently" grep -q '^not ok 6 - sh exited 3$' <<<"$out"
done

if command -v prove >/dev/null; then
	printf '. "%s/tap.sh"\nok one\nskip two why\nfinish\n' "$tests" >"$tmp/p.t"
	prove --exec bash "$tmp/p.t" >"$tmp/prove.out" 2>&1
	check "prove parses the output as TAP" [ $? -eq 0 ]
	sed 's/^/#   /' "$tmp/prove.out"
else
	skip "prove parses the output as TAP" "prove (perl) is not installed"
fi

# check-log.sh: a guest log whose scripts print their plans, and broken ones.
log() { # log PLAN1 PLAN2: two scripts, the second exiting 1 when PLAN2 is "x"
	printf '%s\n' "# fb-vm: kernel 6.12.0 nodes 1" "# fb-vm: running 00-a.sh" "TAP version 13" \
		"ok 1 - a" "ok 2 - b # SKIP why" "$1" "# fb-vm: running 10-b.sh" "ok 1 - c" "$2"
	[ "$2" = x ] && echo "# fb-vm: 10-b.sh exited 1 (failed)"
	printf '%s\n' "dmesg: [    1.000000] ok" "# guest done"
}
log 1..2 1..1 >"$tmp/good.log"
"$tests/vm/check-log.sh" "$tmp/good.log" >"$tmp/cl.out"
check "check-log: plans that hold pass ($(tail -n 1 "$tmp/cl.out"))" \
	bash -c "[ $? -eq 0 ] && grep -q '2 passed, 0 failed, 1 skipped' '$tmp/cl.out'"
log "" 1..1 >"$tmp/noplan.log"
"$tests/vm/check-log.sh" "$tmp/noplan.log" >"$tmp/cl.out"
check "check-log: a script without its plan fails" \
	bash -c "[ $? -eq 1 ] && grep -q '00-a.sh: no plan line' '$tmp/cl.out'"
log 1..3 1..1 >"$tmp/short.log"
"$tests/vm/check-log.sh" "$tmp/short.log" >"$tmp/cl.out"
check "check-log: a plan the script fell short of fails" \
	bash -c "[ $? -eq 1 ] && grep -q '00-a.sh: plan 1..3 but 2 test lines' '$tmp/cl.out'"
log 1..2 x >"$tmp/exit1.log"
"$tests/vm/check-log.sh" "$tmp/exit1.log" >"$tmp/cl.out"
check "check-log: exit 1 without a not ok line fails" \
	bash -c "[ $? -eq 1 ] && grep -q '10-b.sh: exited 1 without a not ok line' '$tmp/cl.out'"
finish
