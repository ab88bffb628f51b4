# SPDX-License-Identifier: GPL-2.0-only
# Shared by the host shell tests: the TAP helpers of tests/tap.sh (ok,
# not_ok, skip, check, finish: one dialect with the guest scripts) and
# usage_error.
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

# usage_error NEEDLE ARGS...: "$FB" ARGS must be bad usage: exit 2, nothing
# on stdout, one line on stderr holding NEEDLE (a fixed string), and nothing
# left behind: $FOLIOBENCH_RESULTS as it was (not even created), none of
# the paths in $NO_OUTPUT (space-separated).  One ok/not ok line.
usage_error() {
	local needle=$1 rc res=${FOLIOBENCH_RESULTS:-} before after p left=
	shift
	before=$([ -n "$res" ] && [ -e "$res" ] && ls -A "$res"; echo "exists=$?")
	"$FB" "$@" >"$tmp/usage.out" 2>"$tmp/usage.err"
	rc=$?
	after=$([ -n "$res" ] && [ -e "$res" ] && ls -A "$res"; echo "exists=$?")
	[ "$before" = "$after" ] || left="$res (now: $(ls -A "$res" | tr '\n' ' '))"
	for p in ${NO_OUTPUT:-}; do [ -e "$p" ] && left=$p && rm -rf "$p"; done
	if [ $rc -ne 2 ]; then
		not_ok "$* -> exit $rc, wanted 2 ($(head -c 300 "$tmp/usage.err"))"
	elif [ "$(wc -l <"$tmp/usage.err")" -ne 1 ]; then
		not_ok "$* -> $(wc -l <"$tmp/usage.err") stderr lines, wanted 1: $(head -c 300 "$tmp/usage.err")"
	elif ! grep -qF -- "$needle" "$tmp/usage.err"; then
		not_ok "$* -> message does not name '$needle': $(cat "$tmp/usage.err")"
	elif [ -s "$tmp/usage.out" ]; then
		not_ok "$* -> printed on stdout: $(head -c 200 "$tmp/usage.out")"
	elif [ -n "$left" ]; then
		not_ok "$* -> left $left behind"
	else
		ok "$* -> $(cat "$tmp/usage.err")"
	fi
}
