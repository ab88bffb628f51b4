#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_kmod_patched_vm.sh FOLIOBENCH_BIN BUILD_DIR   (ctest entry)
#
# Baseline vs patched kernel. No released kernel has the RFC of seed 000,
# so a patched kernel is simulated at build time: Debian 6.12's unpacked
# headers (tests/vm/fetch-kernels.sh, the VM test's cache) are copied with
# hard links, and the RFC's and the batch-migrate series' declarations are
# added (copy_highpages()/copy_mc_highpages() in highmem.h, folios_mc_copy()
# in mm.h, include/linux/migrate_offc.h). Then:
#   - kmod-bench/gen-exports.sh finds none of them in the real headers and
#     each of them in the doctored ones;
#   - foliobench.ko built against the doctored headers says so in INFO, runs
#     its own per-page loop for per-page cells and labels them so, and labels
#     --mode kernel "batched by this kernel" (tests/vm/guest/25-kmod-kernel.sh
#     with FB_EXPECT_KERNEL=patched, booted on the real 6.12 under QEMU: the
#     declarations change no symbol the module links against).
# The unmodified module's baseline labels are checked by the same guest
# script in every boot of test_kmod_vm.sh.
# Env: FB_VM_CACHE (default BUILD_DIR/vm-cache), FB_VM_TIMEOUT (default 300).
# Exit: 0 all passed, 1 a check failed, 4 skipped (no x86_64/apt, VM tools).
set -uo pipefail
export LC_ALL=C
FB=${1:?usage: $0 FOLIOBENCH_BIN BUILD_DIR}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
vm=$here/vm
mkdir -p "${2:?usage: $0 FOLIOBENCH_BIN BUILD_DIR}"
build=$(cd "$2" && pwd -P)

[[ $(uname -m) == x86_64 ]] || skip_all "host is $(uname -m); the Debian amd64 kernels need x86_64"
command -v apt-get >/dev/null || skip_all "not a Debian host (no apt-get) to fetch the test kernel"
cache=${FB_VM_CACHE:-$build/vm-cache}
work=$build/vm-work/patched
logs=$build/vm-logs
mkdir -p "$work" "$logs"
tmp=$work/tmp
rm -rf "$tmp" && mkdir -p "$tmp"

"$vm/fetch-kernels.sh" "$cache" >/dev/null 2>"$work/fetch.err"
case $? in
0) ;;
4) skip_all "$(tail -n 1 "$work/fetch.err")" ;;
*) cat "$work/fetch.err" >&2; not_ok "fetch-kernels.sh failed"; finish; exit 1 ;;
esac
kdir=$cache/k-6.12
[[ -f $kdir/.done ]] || { not_ok "kernel 6.12 is not in the cache $cache"; finish; exit 1; }
rel=$(cat "$kdir/release")

# The doctored copy: hard links, and every file that changes is written anew
# (never through a link), so the cache stays as it was.
src_amd64=$(readlink -f "$kdir/build")
src_common=$(sed -n 's|^include .*\.\./\([^/]*\)/Makefile$|\1|p' "$src_amd64/Makefile")
[[ -n $src_common && -d $(dirname "$src_amd64")/$src_common ]] ||
	{ not_ok "cannot find the common headers that $src_amd64/Makefile includes"; finish; exit 1; }
root=$tmp/root
mkdir -p "$root/usr/src"
cp -al "$src_amd64" "$(dirname "$src_amd64")/$src_common" "$root/usr/src/"
# scripts/ and tools/ are relative links to ../../lib/linux-kbuild-*
ln -s "$(readlink -f "$(dirname "$src_amd64")/../lib")" "$root/usr/lib"
pk=$root/usr/src/$(basename "$src_amd64")
pc=$root/usr/src/$src_common
rewrite() { # FILE: replace FILE by a copy of itself read from stdin's filter
	local f=$1 t
	t=$(mktemp "$f.XXXX")
	cat >"$t" && rm -f "$f" && mv "$t" "$f"
}
# before the header guard's closing #endif, as a patched kernel has them
add_before_last_endif() { # FILE TEXT
	local f=$1 text=$2
	awk -v add="$text" '{ l[NR] = $0 } /^#endif/ { e = NR }
		END { for (i = 1; i <= NR; i++) { if (i == e) print add; print l[i] } }' "$f" | rewrite "$f"
}
add_before_last_endif "$pc/include/linux/highmem.h" \
'/* seed 000 RFC: batched copies of nr_pages contiguous pages */
void copy_highpages(struct page *to, struct page *from, int nr_pages);
int copy_mc_highpages(struct page *to, struct page *from, int nr_pages);'
add_before_last_endif "$pc/include/linux/mm.h" \
'int folios_mc_copy(struct list_head *dst_list, struct list_head *src_list,
		   unsigned int folios_cnt);'
cat >"$pc/include/linux/migrate_offc.h" <<'EOF'
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MIGRATE_OFFC_H
#define _LINUX_MIGRATE_OFFC_H
struct list_head;
struct migrator {
	char name[64];
	int (*migrate_offc)(struct list_head *dst, struct list_head *src,
			    unsigned int folios_cnt);
};
#endif
EOF
check "the cache's headers are untouched (no RFC declaration in highmem.h)" \
	bash -c '! grep -q copy_highpages "$0"' "$(dirname "$src_amd64")/$src_common/include/linux/highmem.h"

gen=$repo/kmod-bench/gen-exports.sh
sh "$gen" "$src_amd64/Module.symvers" "$(dirname "$src_amd64")/$src_common" >"$tmp/base.h"
sh "$gen" "$pk/Module.symvers" "$pc" >"$tmp/patched.h"
for m in FBK_KERNEL_COPY_HIGHPAGES FBK_KERNEL_COPY_MC_HIGHPAGES FBK_KERNEL_FOLIOS_MC_COPY \
	FBK_KERNEL_MIGRATE_OFFLOAD; do
	check "gen-exports.sh: $rel has no $m" bash -c '! grep -q "^#define $0 " "$1"' "$m" "$tmp/base.h"
	check "gen-exports.sh: the patched headers have $m" grep -q "^#define $m 1" "$tmp/patched.h"
done
# one declaration alone is found alone
cp "$src_amd64/Module.symvers" "$tmp/Module.symvers"
echo "0x12345678	copy_mc_highpages	vmlinux	EXPORT_SYMBOL	" >>"$tmp/Module.symvers"
sh "$gen" "$tmp/Module.symvers" "$(dirname "$src_amd64")/$src_common" >"$tmp/export.h"
check "gen-exports.sh: an exported copy_mc_highpages alone is found alone" bash -c \
	'grep -q "^#define FBK_KERNEL_COPY_MC_HIGHPAGES 1" "$0" && ! grep -q "^#define FBK_KERNEL_COPY_HIGHPAGES " "$0"' \
	"$tmp/export.h"

if ! "$vm/build-module.sh" "$pk" "$repo/kmod-bench" "$work/mod" >"$work/kos.txt" 2>"$logs/patched-build.log"; then
	tail -n 30 "$logs/patched-build.log" | sed 's/^/# /'
	not_ok "foliobench.ko builds against the patched headers"
	finish
	exit 1
fi
ok "foliobench.ko builds against the patched headers"
ko=$(grep '/foliobench.ko$' "$work/kos.txt")
check "the module's table says its per-page loop runs where the kernel's export is batched" \
	grep -qa "this kernel's folio_copy() is batched" "$ko"
check "the module's table says kernel mode is batched by this kernel" \
	grep -qa "batched by this kernel (copy_highpages())" "$ko"

abi=()
[[ -x $build/fb_abi_test ]] && abi=("$build/fb_abi_test")
((${#abi[@]})) || { not_ok "fb_abi_test not built in $build"; finish; exit 1; }
if ! "$vm/mkinitramfs.sh" "$work/initramfs.cpio.gz" --ko "$ko" --bin "$FB" "${abi[@]}" \
	--guest "$vm/guest" 2>"$work/mkinitramfs.log"; then
	cat "$work/mkinitramfs.log" >&2
	not_ok "mkinitramfs.sh"
	finish
	exit 1
fi
log=$logs/patched-6.12.log
"$vm/boot.sh" "$kdir/vmlinuz" "$work/initramfs.cpio.gz" --nodes 1 --timeout "${FB_VM_TIMEOUT:-300}" \
	--append "FB_GUEST_ONLY=25-kmod-kernel FB_EXPECT_KERNEL=patched" >"$log" 2>"$log.err"
brc=$?
verdict=$("$vm/check-log.sh" "$log")
crc=$?
grep -E '^(not )?ok\b' "$log" | sed 's/^/# guest: /'
if ((brc == 0 && crc == 0)) && grep -q 'kernel_patches .* says a patched kernel' "$log"; then
	ok "guest on $rel with the patched-headers module: $(tail -n 1 <<<"$verdict")"
else
	not_ok "guest on $rel with the patched-headers module (boot exit $brc): $(tail -n 1 <<<"$verdict"), log $log"
	sed '$d' <<<"$verdict" | sed 's/^/# /'
fi
rm -rf "$tmp"
finish
