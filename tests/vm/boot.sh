#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# boot.sh VMLINUZ INITRD [--nodes N] [--memless|--movable] [--timeout SECONDS] [--log FILE] [--append "ARGS"] [--cpu MODEL]
#
# Boots VMLINUZ with INITRD under QEMU software emulation (TCG), 2 CPUs,
# serial console, no network/display, and prints the serial log to stdout
# (carriage returns removed; also written to FILE with --log).
#   --nodes 1 (default): 2 GiB, one NUMA node.
#   --nodes N (2..8): N memory backends of 1 GiB; node 0 has both CPUs,
#           nodes 1.. are memory-only (a CXL-like tier).
#   --memless (with --nodes 2..7): one more node holding CPU 1 and no memory;
#           node 0 keeps CPU 0.  Linux numbers nodes with CPUs first, so the
#           memoryless node is 1 and the memory-only nodes follow it.
#           The two CPUs are two sockets (an LLC may not span nodes).
#           FB_MEMLESS=1 goes on the kernel command line.
#   --movable (with --nodes 2..8): the memory-only nodes are CXL-like: each
#           one's 1 GiB is a pc-dimm (no boot memory) that the kernel adds
#           at boot and onlines as ZONE_MOVABLE (memhp_default_state=
#           online_movable), as daxctl / online_movable does with CXL
#           memory.  FB_MOVABLE=1 goes on the kernel command line.
#   FB_NODES=N is put on the kernel command line for the guest scripts.
#   --timeout: the VM is killed after SECONDS (default 300) and boot.sh
#           exits 3.
#   --append: extra kernel command line words.
#   --cpu: the QEMU -cpu model (default max), e.g. Skylake-Server or
#           EPYC-Milan,-erms,-fsrm: its CPUID bits decide the guest's copy paths.
# Env: FB_VM_ACCEL (default tcg,thread=single), FB_QEMU (default qemu-system-x86_64).
# Exit: 0 the VM powered off, 1 QEMU failed, 2 usage, 3 timeout.
set -euo pipefail
export LC_ALL=C

prog=boot
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() { echo "usage: $0 VMLINUZ INITRD [--nodes N] [--memless|--movable] [--timeout SECONDS] [--log FILE] [--append \"ARGS\"] [--cpu MODEL]" >&2; exit 2; }

[[ $# -ge 2 ]] || usage
kernel=$1 initrd=$2
shift 2
nodes=1 memless=0 movable=0 timeout=300 log='' extra='' cpu=max
while (($#)); do
	case $1 in
	--nodes) [[ $# -ge 2 ]] || usage; nodes=$2; shift 2 ;;
	--memless) memless=1; shift ;;
	--movable) movable=1; shift ;;
	--timeout) [[ $# -ge 2 ]] || usage; timeout=$2; shift 2 ;;
	--log) [[ $# -ge 2 ]] || usage; log=$2; shift 2 ;;
	--append) [[ $# -ge 2 ]] || usage; extra=$2; shift 2 ;;
	--cpu) [[ $# -ge 2 ]] || usage; cpu=$2; shift 2 ;;
	*) echo "$prog: unknown argument $1" >&2; usage ;;
	esac
done
[[ $nodes =~ ^[1-8]$ ]] || die "--nodes must be 1..8, got $nodes"
((!memless || (nodes >= 2 && nodes <= 7))) || die "--memless needs --nodes 2..7, got $nodes"
[[ $cpu =~ ^[A-Za-z0-9][A-Za-z0-9_.,+=-]*$ ]] || die "--cpu must be a QEMU CPU model like Skylake-Server or EPYC-Milan,-erms, got '$cpu'"
((!movable || nodes >= 2)) || die "--movable needs --nodes 2..8, got $nodes"
((!movable || !memless)) || die "--movable and --memless: give one"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds, got $timeout"
[[ -f $kernel ]] || die "kernel $kernel not found"
[[ -f $initrd ]] || die "initrd $initrd not found"
QEMU=${FB_QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || die "$QEMU not installed (apt-get install qemu-system-x86)"
bios=/usr/share/qemu/qboot.rom
[[ -f $bios ]] || die "$bios not found (apt-get install qemu-system-data)"

# one socket per CPU with --memless: CPUs sharing an LLC across nodes make
# the kernel warn (topology_sane)
smp=2
((memless)) && smp=2,sockets=2,cores=1,threads=1
# One host thread for both vCPUs: with multi-threaded TCG a 6.12 guest
# died here once at boot on an int3 of kernel text patching (an Oops in
# sched_clock_idle_wakeup_event); single-threaded TCG is no slower for
# these mostly one-CPU tests.
args=(-machine q35 -accel "${FB_VM_ACCEL:-tcg,thread=single}" -cpu "$cpu" -smp "$smp"
	-bios "$bios" -nic none -vga none -nographic -no-reboot)
if ((nodes == 1)); then
	args+=(-m 2G)
elif ((movable)); then
	# Boot memory on node 0 only; each memory-only node gets a cold-plugged
	# pc-dimm, which ACPI hands to the kernel as hotplugged memory.
	args+=(-m "1G,slots=$((nodes - 1)),maxmem=${nodes}G"
		-object memory-backend-ram,id=m0,size=1G
		-numa node,nodeid=0,cpus=0-1,memdev=m0)
	for ((i = 1; i < nodes; i++)); do
		args+=(-numa "node,nodeid=$i"
			-object "memory-backend-ram,id=d$i,size=1G"
			-device "pc-dimm,id=dimm$i,memdev=d$i,node=$i")
	done
	extra="memhp_default_state=online_movable FB_MOVABLE=1${extra:+ $extra}"
else
	args+=(-m "${nodes}G")
	for ((i = 0; i < nodes; i++)); do
		args+=(-object "memory-backend-ram,id=m$i,size=1G")
		if ((i == 0)); then
			args+=(-numa "node,nodeid=0,cpus=$( ((memless)) && echo 0 || echo 0-1),memdev=m0")
		else
			args+=(-numa "node,nodeid=$i,memdev=m$i")
		fi
	done
	if ((memless)); then
		args+=(-numa "node,nodeid=$nodes,cpus=1")
		extra="FB_MEMLESS=1${extra:+ $extra}"
	fi
fi
args+=(-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 quiet FB_NODES=$nodes${extra:+ $extra}")

if [[ -n $log ]]; then
	mkdir -p "$(dirname -- "$log")"
	: >"$log" || die "cannot write $log"
else
	log=/dev/null
fi

set +e
timeout -k 10 "$timeout" "$QEMU" "${args[@]}" </dev/null 2>&1 | tr -d '\r' | tee -a "$log"
st=("${PIPESTATUS[@]}")
set -e
rc=${st[0]}
if ((rc == 124 || rc == 137)); then
	echo "$prog: error: VM killed after the ${timeout} s timeout" >&2
	exit 3
fi
((rc == 0)) || die "$QEMU exited with status $rc"
