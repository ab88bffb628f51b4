#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-log.sh LOG
#
# Judges a serial log from boot.sh. Counts TAP lines (tests/tap.sh): "ok"
# (passed), "ok ... # SKIP" (skipped), "not ok" (failed). Fails when any test
# failed, when "# guest done" is missing (the VM hung, crashed or timed out),
# when no "ok" line was printed, when a guest script's output (from "# fb-vm:
# running NAME" on) has no plan line "1..N" (it stopped before finish), or N
# is not the number of its numbered test lines, or it exited 1 without a
# "not ok" line, or when a kernel log line (one with a printk
# timestamp, e.g. the "dmesg: [ 1.234567] ..." dump) shows Oops, WARNING:,
# BUG:, soft lockup, a hung task, Call Trace, general protection fault,
# UBSAN: or a kernel panic. WARNING: lines about CPU vulnerability
# mitigations are not faults; FB_VM_LOG_ALLOW (an extended regex) exempts
# more kernel lines.
# Prints the reasons, then "kernel X nodes N: P passed, F failed, S skipped".
# Exit: 0 pass, 1 fail, 2 usage or unreadable log.
set -euo pipefail
export LC_ALL=C

prog=check-log
[[ $# -eq 1 ]] || { echo "usage: $0 LOG" >&2; exit 2; }
log=$1
[[ -f $log && -r $log ]] || { echo "$prog: error: cannot read log $log" >&2; exit 2; }

count() { grep -cE "$1" "$log" || true; }
failed=$(count '^not ok\b')
skipped=$(grep -E '^ok\b' "$log" | grep -ciE '#[[:space:]]*skip' || true)
oks=$(count '^ok\b')
passed=$((oks - skipped))

kernel=$(sed -n 's/^# fb-vm: kernel \([^ ]*\) nodes \([0-9]*\).*/\1/p' "$log" | head -n1)
nodes=$(sed -n 's/^# fb-vm: kernel \([^ ]*\) nodes \([0-9]*\).*/\2/p' "$log" | head -n1)
[[ -n $kernel ]] || kernel=$(sed -n 's/.*Linux version \([^ ]*\) .*/\1/p' "$log" | head -n1)
[[ -n $nodes ]] || nodes=$(tr ' ' '\n' <"$log" | sed -n 's/^FB_NODES=\([0-9]*\).*/\1/p' | head -n1)
# the boot's kind, as test_kmod_vm names it: 2m (a memoryless node), 2mov
# (the memory-only nodes ZONE_MOVABLE)
if grep -q '^# fb-vm: kernel .* and a memoryless node' "$log"; then
	nodes+=m
elif grep -q '^# fb-vm: kernel .*(memory-only nodes ZONE_MOVABLE)' "$log"; then
	nodes+=mov
fi

bad=0
reason() { echo "$prog: FAIL: $*"; bad=1; }

if ((failed > 0)); then
	reason "$failed test(s) failed:"
	grep -E '^not ok\b' "$log" | sed 's/^/  /'
fi
if ! grep -q '^# guest done' "$log"; then
	reason "no '# guest done': the VM hung, crashed or timed out; last lines:"
	tail -n 25 "$log" | sed 's/^/  | /'
fi
((oks > 0)) || reason "no 'ok' line at all"

# Each guest script's TAP stream: its plan against its numbered test lines.
plans=$(awk '
function done_script() {
	if (name == "") return
	if (plan == "") print name ": no plan line (it stopped before finish)"
	else if (plan != tests) print name ": plan 1.." plan " but " tests " test lines"
	if (exited1 && !failed) print name ": exited 1 without a not ok line"
	name = ""
}
/^# fb-vm: running / { done_script(); name = $4; plan = ""; tests = 0; failed = 0; exited1 = 0; next }
/^dmesg: |^# guest done/ { done_script(); next }
name == "" { next }
/^(not )?ok [0-9]+( |$)/ { tests++ }
/^not ok/ { failed++ }
/^1\.\.[0-9]+/ && plan == "" { p = $1; sub(/^1\.\./, "", p); plan = p + 0 }
$0 ~ "^# fb-vm: " name " exited 1" { exited1 = 1 }
END { done_script() }' "$log")
if [[ -n $plans ]]; then
	reason "guest scripts' TAP plans do not hold:"
	sed 's/^/  /' <<<"$plans"
fi

ts='\[ *[0-9]+\.[0-9]+\]'
faults='Oops|WARNING:|BUG:|soft lockup|hung task|blocked for more than [0-9]+ seconds|Call Trace|general protection fault|UBSAN:|[Kk]ernel panic'
allow='WARNING:.*([Mm]itigation|[Vv]ulnerab|[Mm]icrocode|SMT)'
[[ -n ${FB_VM_LOG_ALLOW:-} ]] && allow="$allow|$FB_VM_LOG_ALLOW"
kfaults=$(grep -E "$ts" "$log" | grep -E "$faults" | grep -vE "$allow" || true)
if [[ -n $kfaults ]]; then
	reason "kernel log shows faults:"
	head -n 40 <<<"$kfaults" | sed 's/^/  /'
fi

echo "kernel ${kernel:-?} nodes ${nodes:-?}: $passed passed, $failed failed, $skipped skipped"
exit "$bad"
