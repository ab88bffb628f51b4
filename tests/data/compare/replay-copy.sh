#!/usr/bin/env bash
# Stands in for a foliobench binary in the gate's end-to-end tests:
# `replay-copy.sh copy ... --output DIR` writes a recorded run
# (runs/run-N.json here, N cycling through the recordings) to DIR/run.json
# with every GB/s multiplied by REPLAY_SPEED (default 1).  REPLAY_STATE names
# a file counting the calls (each side its own); REPLAY_OFFSET shifts which
# recording comes first, so an A/A pair compares two different real runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != copy ]; then
	echo "replay-copy: only 'copy' is recorded" >&2
	exit 2
fi
shift
out=""
while [ $# -gt 0 ]; do
	case $1 in
	--output) out=$2; shift 2 ;;
	--bogus) echo "foliobench copy: unknown option --bogus (see foliobench copy --help)" >&2; exit 2 ;;
	*) shift ;;
	esac
done
[ -n "$out" ] || { echo "replay-copy: --output DIR is required" >&2; exit 2; }
state=${REPLAY_STATE:?set REPLAY_STATE to a counter file}
k=$(cat "$state" 2>/dev/null || echo 0)
echo $((k + 1)) >"$state"
runs=("$here"/runs/run-*.json)
src=${runs[$(((k + ${REPLAY_OFFSET:-0}) % ${#runs[@]}))]}
mkdir -p "$out"
/usr/bin/python3 - "$src" "$out/run.json" "${REPLAY_SPEED:-1}" <<'EOF'
import json, sys
src, dst, speed = sys.argv[1], sys.argv[2], float(sys.argv[3])
d = json.load(open(src))
for c in d["cells"]:
    # Faster by `speed`: each iteration takes 1/speed of the recorded time.
    c["samples_ns"] = [ns / speed for ns in c["samples_ns"]]
    for k in ("mean", "median", "min", "max", "ci95_lo", "ci95_hi", "sd"):
        if c["stats"].get(k) is not None:
            c["stats"][k] *= speed
json.dump(d, open(dst, "w"))
EOF
