#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The docs against the CLI: README.md is a front page of at most 20 KB that
# starts with the quick start and links every command's page; every option
# in each command's --help appears in its docs/ page and its man page; every
# man page has the man(7) sections and renders without a warning; every
# relative link in README.md, kmod-bench/README.md and docs/ names a file
# that exists (with a #fragment: a heading there); and `cmake --install`
# into a temporary prefix installs the binary, the man pages, the runners,
# plots and reference tables, where an installed runner finds the installed
# binary and writes its results beside the caller, not into the install tree.
set -u
FB=$1
BUILD=${2:-}
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

# ---- the front page ----
size=$(wc -c <"$root/README.md")
check "README.md is at most 20 KB ($size bytes)" [ "$size" -le 20480 ]
first=$(grep -m1 '^## ' "$root/README.md")
check "README.md's first section is the quick start (got '$first')" [ "$first" = "## Quick start" ]
sed -n '/^## Quick start$/,/^## /p' "$root/README.md" >"$tmp/quick"
check "the quick start has './run main' and './run test'" \
	bash -c "grep -q '^    ./run main  ' '$tmp/quick' && grep -q '^    ./run test  ' '$tmp/quick'"

# ---- every command's options in its docs page and its man page ----
mapfile -t cmds < <("$FB" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' |
	grep -vx -e help -e version)
check "foliobench --help lists commands (${cmds[*]})" [ ${#cmds[@]} -gt 0 ]
# mentions FILE OPTION...: the options FILE does not mention (a man page's
# \- read as -), as a list; empty when all are there.
mentions() {
	local file=$1 o missing=""
	shift
	for o in "$@"; do
		sed 's/\\-/-/g' "$file" | grep -qE -- "$o([^a-z0-9-]|\$)" || missing+=" $o"
	done
	echo "$missing"
}
for c in "${cmds[@]}"; do
	"$FB" "$c" --help >"$tmp/help" 2>&1
	rc=$?
	opts=$(grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u)
	if [ $rc -ne 0 ] || [ -z "$opts" ]; then
		not_ok "foliobench $c --help exits 0 and names options (exit $rc)"
		continue
	fi
	n=$(echo "$opts" | wc -l)
	for page in "docs/$c.md" "man/foliobench-$c.1"; do
		if [ ! -f "$root/$page" ]; then
			not_ok "$page exists"
			continue
		fi
		# shellcheck disable=SC2086
		missing=$(mentions "$root/$page" $opts)
		check "$page names all $n options of 'foliobench $c --help'${missing:+; missing:$missing}" [ -z "$missing" ]
	done
	check "README.md links docs/$c.md" grep -qF "(docs/$c.md)" "$root/README.md"
done
missing=$(mentions "$root/man/foliobench.1" --help --version -V "${cmds[@]}")
check "man/foliobench.1 names every command and --help, --version, -V${missing:+; missing:$missing}" [ -z "$missing" ]

# ---- the man pages render ----
pages=()
for p in "$root"/man/*.1; do pages+=("${p##*/}"); done
check "a man page per command and foliobench.1 (${#pages[@]} pages)" [ ${#pages[@]} -eq $((${#cmds[@]} + 1)) ]
for p in "${pages[@]}"; do
	missing=""
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
		grep -qx "\.SH $sec" "$root/man/$p" || missing+=" $sec"
	done
	check "man/$p has the sections NAME SYNOPSIS DESCRIPTION OPTIONS EXIT STATUS SEE ALSO${missing:+; missing:$missing}" \
		[ -z "$missing" ]
	check "man/$p: NAME is '${p%.1} \\- ...'" grep -q "^${p%.1}" <(sed -n '/^\.SH NAME$/{n;s/\\-/-/g;p}' "$root/man/$p")
done
if command -v groff >/dev/null; then
	for p in "${pages[@]}"; do
		groff -man -Tutf8 -ww -z "$root/man/$p" >"$tmp/groff.out" 2>&1
		rc=$?
		check "groff -man -ww renders man/$p without a warning (exit $rc: $(head -c 200 "$tmp/groff.out"))" \
			bash -c "[ $rc -eq 0 ] && [ ! -s '$tmp/groff.out' ]"
	done
else
	skip "the man pages render without warnings" "groff is not installed (groff-base, ./run test installs it)"
fi
if command -v man >/dev/null; then
	for p in "${pages[@]}"; do
		MANWIDTH=80 man --warnings -l "$root/man/$p" >"$tmp/man.out" 2>"$tmp/man.err"
		rc=$?
		check "man -l man/$p renders its OPTIONS without a warning (exit $rc: $(head -c 200 "$tmp/man.err"))" \
			bash -c "[ $rc -eq 0 ] && [ ! -s '$tmp/man.err' ] && grep -q '^OPTIONS' '$tmp/man.out'"
	done
else
	skip "man -l renders the man pages" "man is not installed (man-db, ./run test installs it)"
fi

# ---- links ----
$PY - "$root" >"$tmp/links" 2>&1 <<'EOF'
import os, re, sys
root = sys.argv[1]
files = ["README.md", "kmod-bench/README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))

def slugs(path):
    """GitHub's heading anchors: lower case, punctuation dropped, blanks to '-', repeats numbered."""
    seen, out = {}, set()
    fence = False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^#{1,6} +(.*?) *#* *$", line)
        if not m:
            continue
        s = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else "%s-%d" % (s, n))
    return out

bad = 0
for f in files:
    text = open(os.path.join(root, f), encoding="utf-8").read()
    text = re.sub(r"^(    |\t).*$", "", text, flags=re.M)   # code blocks
    text = re.sub(r"`[^`\n]*`", "", text)                    # code spans
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(root, os.path.dirname(f), path)) if path else os.path.join(root, f)
        if not os.path.exists(dest):
            print("%s: link %s: no such file" % (f, target)); bad += 1
        elif frag and dest.endswith(".md") and frag not in slugs(dest):
            print("%s: link %s: no such heading in %s" % (f, target, os.path.relpath(dest, root))); bad += 1
        else:
            print("ok %s -> %s" % (f, target))
sys.exit(1 if bad else 0)
EOF
rc=$?
check "every relative link in README.md, kmod-bench/README.md and docs/ resolves ($(grep -c '^ok ' "$tmp/links") links; $(grep -v '^ok ' "$tmp/links" | head -3 | tr '\n' ' '))" [ $rc -eq 0 ]

# ---- cmake --install ----
if [ -z "$BUILD" ] || [ ! -f "$BUILD/cmake_install.cmake" ]; then
	skip "cmake --install" "no build directory given (ctest passes it)"
else
	pfx=$tmp/prefix
	cmake --install "$BUILD" --prefix "$pfx" >"$tmp/install.log" 2>&1
	rc=$?
	check "cmake --install --prefix TMP exits 0 (got $rc: $(tail -1 "$tmp/install.log"))" [ $rc -eq 0 ]
	check "installed: bin/foliobench runs" bash -c "'$pfx/bin/foliobench' --version >/dev/null"
	missing=""
	for p in "${pages[@]}"; do [ -f "$pfx/share/man/man1/$p" ] || missing+=" $p"; done
	check "installed: every man page in share/man/man1${missing:+; missing:$missing}" [ -z "$missing" ]
	check "installed: man -M finds foliobench-copy(1)" \
		bash -c "MANWIDTH=80 man -M '$pfx/share/man' foliobench-copy 2>/dev/null | grep -q -- '--folio-sizes'"
	missing=""
	for f in runners/all.sh runners/lib.sh runners/locate.sh runners/seed001-1a-threads.sh \
		runners/ci-gate.sh plots/lines.gp plots/bars.gp runners/reference/seed000.ref \
		runners/reference/seed001.ref runners/reference/seed004.ref results/schema/run.schema.json; do
		[ -f "$pfx/share/foliobench/$f" ] || missing+=" $f"
	done
	check "installed: runners, plots, reference tables and schema in share/foliobench${missing:+; missing:$missing}" [ -z "$missing" ]
	check "installed: the runners are executable" test -x "$pfx/share/foliobench/runners/seed001-1a-threads.sh"
	check "installed: README.md, LICENSE and docs/ in share/doc/foliobench" \
		test -f "$pfx/share/doc/foliobench/README.md" -a -f "$pfx/share/doc/foliobench/LICENSE" \
		-a -f "$pfx/share/doc/foliobench/docs/copy.md"
	check "installed: report finds the reference tables from any directory" \
		bash -c "cd '$tmp' && env -u FOLIOBENCH_REFERENCE '$pfx/bin/foliobench' report --reference seed001 --table 1a | grep -q '^Seed 001 table 1a'"
	# A runner with no FOLIOBENCH and no build/ beside it: it must find
	# PREFIX/bin/foliobench and write under the directory it is called from.
	mkdir -p "$tmp/caller"
	(cd "$tmp/caller" && env -u FOLIOBENCH -u FOLIOBENCH_RESULTS \
		"$pfx/share/foliobench/runners/seed001-1a-threads.sh" --tiny mine) >"$tmp/runner.log" 2>&1
	rc=$?
	check "installed runner (relative OUTDIR) exits 0 (got $rc: $(tail -1 "$tmp/runner.log"))" [ $rc -eq 0 ]
	check "installed runner: its report and runs are beside the caller" \
		bash -c "grep -qx complete '$tmp/caller/mine/STATUS' && [ -s '$tmp/caller/mine/report.md' ] && [ -f '$tmp/caller/mine/copy/run.json' ]"
	(cd "$tmp/caller" && env -u FOLIOBENCH -u FOLIOBENCH_RESULTS \
		"$pfx/share/foliobench/runners/seed001-1a-threads.sh" --tiny) >"$tmp/runner2.log" 2>&1
	rc=$?
	check "installed runner (default OUTDIR) exits 0 and writes ./results/seed001-1a-threads-* (got $rc)" \
		bash -c "[ $rc -eq 0 ] && ls '$tmp/caller/results'/seed001-1a-threads-*/copy/run.json >/dev/null"
	check "installed runner: nothing written into the install tree" \
		bash -c "[ \"\$(ls '$pfx/share/foliobench/results')\" = schema ] && [ ! -e '$pfx/share/foliobench/mine' ]"
fi

finish
