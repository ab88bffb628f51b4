#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Schema 1 files (the recorded runs in tests/data) and their schema 2 form
# read alike: show, report, compare and paths give the same output for a
# v1 file, for the v2 file `show --format json` writes of it, and for a v1
# against a v2; a stores run of today reads the same as its v1 form.
set -u
FB=$1
export TESTS=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
D=$tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
py() { /usr/bin/python3 "$@"; }

# v1/NAME.json: the recorded file; v2/NAME.json: the same run in schema 2.
mkdir -p "$tmp/v1" "$tmp/v2"
for f in compare/base compare/new-regressed compare/new-improved paths/run-a paths/run-b \
	 migrate/run-6.12/run; do
	n=$(echo "$f" | tr / -)
	cp "$D/$f.json" "$tmp/v1/$n.json"
	"$FB" show "$tmp/v1/$n.json" --format json >"$tmp/v2/$n.json"
done

check "the recorded runs are schema 1" py -c '
import json, sys
assert all(json.load(open(f))["schema_version"] == 1 for f in sys.argv[1:])' "$tmp"/v1/*.json
check "show --format json of a v1 file is a v2 file: kernel_path records, valid" py -c '
import json, os, subprocess, sys
for f in sys.argv[2:]:
    d = json.load(open(f))
    assert d["schema_version"] == 2, f
    for c in d["cells"]:
        kp = c["kernel_path"]
        assert kp is None or set(kp) == {"routine", "model", "impl", "why"}, (f, kp)
    run = f[:-5]
    os.makedirs(run)
    os.rename(f, run + "/run.json")
    subprocess.run([sys.argv[1], "show", run, "--format", "csv"], check=True,
                   stdout=open(run + "/cells.csv", "w"))
    subprocess.run(["/usr/bin/python3", os.path.join(os.environ["TESTS"], "validate_result.py"), run],
                   check=True, stdout=subprocess.DEVNULL)
    os.rename(run + "/run.json", f)
' "$FB" "$tmp"/v2/*.json
check "the kernel paths copy cells recorded name their routines" py -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = {(c["config"]["function"], c["config"]["mode"]): c["kernel_path"]["routine"] for c in d["cells"]}
assert r[("folio_copy", "per-page")] == "copy_page" and r[("folio_copy", "batched")] == "memcpy", r' \
	"$tmp/v2/paths-run-a.json"

# same "ARGS with v1/" "ARGS with v2/": the same output and exit status
same() {
	local ra rb
	"$FB" $1 >"$tmp/o1" 2>&1; ra=$?
	"$FB" $2 >"$tmp/o2" 2>&1; rb=$?
	sed -i "s#$tmp/v[12]/#DIR/#g" "$tmp/o1" "$tmp/o2"
	[ $ra -eq $rb ] && [ -s "$tmp/o1" ] && cmp -s "$tmp/o1" "$tmp/o2" ||
		{ echo "  exit $ra/$rb"; diff "$tmp/o1" "$tmp/o2" | head -6; return 1; }
}
for n in compare-base paths-run-a migrate-run-6.12-run; do
	for args in "" "--format markdown" "--format csv" "--rows kernel_path" "--format series"; do
		check "show $n ${args:-(table)}: v1 = v2" same "show $tmp/v1/$n.json $args" \
			"show $tmp/v2/$n.json $args"
	done
done
check "show --where on a v1 and a v2 file" same \
	"show $tmp/v1/compare-base.json --where mode=batched,kernel_model=6.12" \
	"show $tmp/v2/compare-base.json --where mode=batched,kernel_model=6.12"
for fmt in table markdown junit json; do
	check "compare --format $fmt: v1 vs v1 = v2 vs v2" same \
		"compare $tmp/v1/compare-base.json $tmp/v1/compare-new-regressed.json --format $fmt" \
		"compare $tmp/v2/compare-base.json $tmp/v2/compare-new-regressed.json --format $fmt"
	check "compare --format $fmt: a v1 against a v2 = v1 vs v1" same \
		"compare $tmp/v1/compare-base.json $tmp/v1/compare-new-improved.json --format $fmt" \
		"compare $tmp/v1/compare-base.json $tmp/v2/compare-new-improved.json --format $fmt"
done
check "compare --machines: v1 = v2" same \
	"compare --machines $tmp/v1/paths-run-a.json $tmp/v1/paths-run-b.json" \
	"compare --machines $tmp/v2/paths-run-a.json $tmp/v2/paths-run-b.json"
check "paths: v1 = v2" same "paths $tmp/v1/paths-run-a.json $tmp/v1/paths-run-b.json" \
	"paths $tmp/v2/paths-run-a.json $tmp/v2/paths-run-b.json"
check "paths: a v1 beside a v2" same "paths $tmp/v1/paths-run-a.json $tmp/v1/paths-run-b.json" \
	"paths $tmp/v1/paths-run-a.json $tmp/v2/paths-run-b.json"
check "report seed000: v1 = v2" same "report $tmp/v1/paths-run-a.json --reference seed000" \
	"report $tmp/v2/paths-run-a.json --reference seed000"

# A stores run of today (v2) and the same run as schema 1 wrote it.
"$FB" stores --kernel cached,movnti,flushcache --total 1M --reps 2 --warmup 0 \
	--output "$tmp/st" --quiet 2>/dev/null
py - "$tmp/st/run.json" "$tmp/v1/stores.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["schema_version"] = 1
for c in d["cells"]:
    cfg, kp = c["config"], c["kernel_path"]
    cfg["primitive"] = cfg.pop("store_kernel")
    cfg["folio_size"] = cfg.pop("record_size")
    cfg["folio_count"] = cfg.pop("record_count")
    cfg.update(function=None, mode="per-page", kernel_model=kp["model"] if kp else None)
    if kp:
        c["kernel_path"] = "%s %s: %s (%s)" % (kp["routine"], kp["model"], kp["impl"], kp["why"])
json.dump(d, open(sys.argv[2], "w"), indent=1)
PYEOF
cp "$tmp/st/run.json" "$tmp/v2/stores.json"
check "the v1 form of a stores run is a valid v1 file" py -c '
import json, jsonschema, sys
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
	"$tmp/v1/stores.json" "$tests/../results/schema/run-v1.schema.json"
# python wrote the v1 form: its numbers print in other digits, so by value
check "show stores --format csv: v1 = v2, the record in the copy columns" bash -c "
	'$FB' show '$tmp/v1/stores.json' --format csv >'$tmp/c1.csv' &&
	'$FB' show '$tmp/v2/stores.json' --format csv >'$tmp/c2.csv' &&
	/usr/bin/python3 -c '
import csv, math, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[1:3])
assert len(a) == len(b) == 3 and a[0].keys() == b[0].keys()
for x, y in zip(a, b):
    for k in x:
        try:
            assert math.isclose(float(x[k]), float(y[k]), rel_tol=1e-12), k
        except ValueError:
            assert x[k] == y[k], (k, x[k], y[k])
assert [r[\"primitive\"] for r in b] == [\"cached\", \"movnti\", \"flushcache\"]
assert all(r[\"folio_size\"] == \"64\" and r[\"mode\"] == \"\" for r in b)
assert b[2][\"kernel_path\"].startswith(\"memcpy_flushcache \")' '$tmp/c1.csv' '$tmp/c2.csv'"
for args in "--rows primitive --cols threads" "--rows kernel_path" \
	    "--where primitive=movnti" "--where folio_size=64"; do
	check "show stores $args: v1 = v2" same "show $tmp/v1/stores.json $args" \
		"show $tmp/v2/stores.json $args"
done
check "show stores: the store kernel shows as the primitive, the flushcache path short" bash -c "
	'$FB' show '$tmp/v2/stores.json' --rows primitive --cols threads >'$tmp/st.txt' &&
	grep -Eq '^Primitive \\\\ Threads' '$tmp/st.txt' && grep -q '^movnti ' '$tmp/st.txt' &&
	grep -q 'memcpy_flushcache [0-9.]*: movnti loop (' '$tmp/st.txt' &&
	grep -q ' · folio_size=64 · ' '$tmp/st.txt'"
check "report seed004 stores: v1 = v2" same "report $tmp/v1/stores.json --reference seed004 --table stores" \
	"report $tmp/v2/stores.json --reference seed004 --table stores"
check "compare stores: v1 vs v2 finds every cell" bash -c "
	'$FB' compare '$tmp/v1/stores.json' '$tmp/v2/stores.json' --format json >'$tmp/stc.json';
	/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d[\"cells\"]) == 3, d.keys()' '$tmp/stc.json'"
# --batch-impl cells as schema 1 wrote them: the routine follows batch_impl.
"$FB" copy --batch-impl memcpy,copy_page,rep_movsq --mode batched --folio-sizes 64K --total 1M \
	--reps 2 --warmup 0 --output "$tmp/bi" --quiet 2>/dev/null
py - "$tmp/bi/run.json" "$tmp/v1/bi.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["schema_version"] = 1
for c in d["cells"]:
    kp = c["kernel_path"]
    c["kernel_path"] = "%s %s: %s (%s)" % (c["config"]["mode"], kp["model"], kp["impl"], kp["why"])
json.dump(d, open(sys.argv[2], "w"), indent=1)
PYEOF
cp "$tmp/bi/run.json" "$tmp/v2/bi.json"
check "show --batch-impl cells --rows kernel_path: v1 = v2" same \
	"show $tmp/v1/bi.json --rows kernel_path --cols batch_impl" \
	"show $tmp/v2/bi.json --rows kernel_path --cols batch_impl"
check "v1 --batch-impl cells read back: copy_page's routine, none for rep_movsq" bash -c "
	'$FB' show '$tmp/v1/bi.json' --format json | /usr/bin/python3 -c '
import json, sys
r = {c[\"config\"][\"batch_impl\"]: c[\"kernel_path\"][\"routine\"] for c in json.load(sys.stdin)[\"cells\"]}
assert r == {\"memcpy\": \"memcpy\", \"copy_page\": \"copy_page\", \"rep_movsq\": None}, r'"
finish
