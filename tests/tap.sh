# SPDX-License-Identifier: GPL-2.0-only
# tests/tap.sh: the one TAP dialect of every shell test, host and guest.
# POSIX sh (the guest scripts run it under busybox sh in the QEMU initramfs);
# sourced by tests/lib.sh and by each tests/vm/guest/*.sh.
#
# Output (TAP version 13; the plan comes last because most counts are only
# known at the end):
#   TAP version 13
#   ok 1 - DESC
#   not ok 2 - DESC
#   ok 3 - DESC # SKIP REASON
#   # diagnostics
#   1..3
#   # 1 passed, 1 failed, 1 skipped
# Exit status of finish: 1 if a check failed or none ran, 4 (kselftest's
# skip) if every check skipped, else 0.  skip_all REASON prints "1..0 # SKIP
# REASON" and exits 4.  tests/vm/check-log.sh checks each guest script's plan
# against its test lines, so a script that stops early is a failure.
#
# Functions: ok DESC, not_ok DESC (alias notok), skip DESC REASON,
# check DESC COMMAND..., diag TEXT, tap_exec COMMAND..., skip_all REASON,
# finish.  Their state is in tap_* variables.

tap_n=0
tap_pass=0
tap_fail=0
tap_skip=0
echo "TAP version 13"

# A line that carries a SKIP directive is a skip, whoever prints it: the
# counts agree with what a TAP parser reads.
ok() {
	case "$*" in
	*"# SKIP"* | *"# skip"*)
		tap_n=$((tap_n + 1))
		tap_skip=$((tap_skip + 1))
		echo "ok $tap_n - $*"
		return 0
		;;
	esac
	tap_n=$((tap_n + 1))
	tap_pass=$((tap_pass + 1))
	echo "ok $tap_n - $*"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $*"
}
notok() { not_ok "$@"; }
skip() { # skip DESC REASON
	tap_n=$((tap_n + 1))
	tap_skip=$((tap_skip + 1))
	echo "ok $tap_n - $1 # SKIP ${2:-no reason given}"
}
check() { # check DESC COMMAND...: ok when COMMAND succeeds
	tap_d=$1
	shift
	if "$@"; then ok "$tap_d"; else not_ok "$tap_d"; fi
}
diag() { echo "# $*"; }

# tap_exec COMMAND...: COMMAND prints TAP test lines numbered on from ours;
# it reads the last number from, and writes its own last back to, the file
# $TAP_STATE (fb_abi_test --tap-state "$TAP_STATE").  Its lines count as
# ours; a COMMAND that fails without a failing line is one failure more.
TAP_STATE=${TMPDIR:-/tmp}/tap-state.$$
tap_exec() {
	echo "$tap_n" >"$TAP_STATE"
	{
		"$@"
		echo "$?" >"$TAP_STATE.rc"
	} | tee "$TAP_STATE.out"
	tap_f0=$tap_fail
	while IFS= read -r tap_l; do
		case $tap_l in
		"not ok "*) tap_n=$((tap_n + 1)) tap_fail=$((tap_fail + 1)) ;;
		"ok "*"# SKIP"* | "ok "*"# skip"*) tap_n=$((tap_n + 1)) tap_skip=$((tap_skip + 1)) ;;
		"ok "*) tap_n=$((tap_n + 1)) tap_pass=$((tap_pass + 1)) ;;
		esac
	done <"$TAP_STATE.out"
	tap_rc=$(cat "$TAP_STATE.rc" 2>/dev/null || echo "?")
	rm -f "$TAP_STATE" "$TAP_STATE.rc" "$TAP_STATE.out"
	if [ "$tap_rc" != 0 ] && [ "$tap_fail" = "$tap_f0" ]; then
		not_ok "$1 exited $tap_rc"
	fi
}

skip_all() { # skip_all REASON: nothing here can run; exit 4
	echo "1..0 # SKIP $*"
	echo "# 0 passed, 0 failed, 0 skipped"
	exit 4
}

finish() {
	echo "1..$tap_n"
	echo "# $tap_pass passed, $tap_fail failed, $tap_skip skipped"
	if [ "$tap_fail" -gt 0 ]; then exit 1; fi
	if [ "$tap_n" -eq 0 ]; then
		echo "# no check ran"
		exit 1
	fi
	if [ "$tap_pass" -eq 0 ]; then exit 4; fi
	exit 0
}
