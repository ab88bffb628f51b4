#!/usr/bin/python3
"""Build the CPUID dumps in this folder, in the format of `cpuid -r -1`
(Debian's cpuid package), from the published feature lists of each CPU.

These are NOT captures of real machines.  Each leaf value is assembled from
named feature bits (Linux arch/x86/include/asm/cpufeatures.h names, with the
CPUID leaf/register/bit of the vendor manuals: Intel SDM vol. 2A "CPUID",
AMD APM vol. 3 appendix E and the family PPRs) that the part is documented
to have: the vendor's product pages and PPRs, and the /proc/cpuinfo flag
lists of these parts.  Only leaves the decoder reads carry data (0, 1, 7.0,
7.1, 0xD.0/1, 0x80000000-4, 0x80000008, 0x4000000x); the others are printed
as zeros, as `cpuid -r` prints an unused leaf.

usage: make_dumps.py          rewrite the dumps
       make_dumps.py --check  exit 1 when a dump differs from what this builds
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (leaf, subleaf, register, bit)
BITS = {
    # leaf 1 ECX
    "sse3": (1, 0, "ecx", 0), "pclmulqdq": (1, 0, "ecx", 1), "dtes64": (1, 0, "ecx", 2),
    "monitor": (1, 0, "ecx", 3), "ds_cpl": (1, 0, "ecx", 4), "vmx": (1, 0, "ecx", 5),
    "smx": (1, 0, "ecx", 6), "est": (1, 0, "ecx", 7), "tm2": (1, 0, "ecx", 8),
    "ssse3": (1, 0, "ecx", 9), "sdbg": (1, 0, "ecx", 11), "fma": (1, 0, "ecx", 12),
    "cx16": (1, 0, "ecx", 13), "xtpr": (1, 0, "ecx", 14), "pdcm": (1, 0, "ecx", 15),
    "pcid": (1, 0, "ecx", 17), "dca": (1, 0, "ecx", 18), "sse4_1": (1, 0, "ecx", 19),
    "sse4_2": (1, 0, "ecx", 20), "x2apic": (1, 0, "ecx", 21), "movbe": (1, 0, "ecx", 22),
    "popcnt": (1, 0, "ecx", 23), "tsc_deadline_timer": (1, 0, "ecx", 24),
    "aes": (1, 0, "ecx", 25), "xsave": (1, 0, "ecx", 26), "osxsave": (1, 0, "ecx", 27),
    "avx": (1, 0, "ecx", 28), "f16c": (1, 0, "ecx", 29), "rdrand": (1, 0, "ecx", 30),
    "hypervisor": (1, 0, "ecx", 31),
    # leaf 7.0 EBX
    "fsgsbase": (7, 0, "ebx", 0), "tsc_adjust": (7, 0, "ebx", 1), "bmi1": (7, 0, "ebx", 3),
    "hle": (7, 0, "ebx", 4), "avx2": (7, 0, "ebx", 5), "fdp_excptn_only": (7, 0, "ebx", 6),
    "smep": (7, 0, "ebx", 7), "bmi2": (7, 0, "ebx", 8), "erms": (7, 0, "ebx", 9),
    "invpcid": (7, 0, "ebx", 10), "rtm": (7, 0, "ebx", 11), "cqm": (7, 0, "ebx", 12),
    "zero_fcs_fds": (7, 0, "ebx", 13), "mpx": (7, 0, "ebx", 14), "rdt_a": (7, 0, "ebx", 15),
    "avx512f": (7, 0, "ebx", 16), "avx512dq": (7, 0, "ebx", 17), "rdseed": (7, 0, "ebx", 18),
    "adx": (7, 0, "ebx", 19), "smap": (7, 0, "ebx", 20), "avx512ifma": (7, 0, "ebx", 21),
    "clflushopt": (7, 0, "ebx", 23), "clwb": (7, 0, "ebx", 24), "intel_pt": (7, 0, "ebx", 25),
    "avx512cd": (7, 0, "ebx", 28), "sha_ni": (7, 0, "ebx", 29), "avx512bw": (7, 0, "ebx", 30),
    "avx512vl": (7, 0, "ebx", 31),
    # leaf 7.0 ECX
    "avx512vbmi": (7, 0, "ecx", 1), "umip": (7, 0, "ecx", 2), "pku": (7, 0, "ecx", 3),
    "ospke": (7, 0, "ecx", 4), "waitpkg": (7, 0, "ecx", 5), "avx512_vbmi2": (7, 0, "ecx", 6),
    "shstk": (7, 0, "ecx", 7), "gfni": (7, 0, "ecx", 8), "vaes": (7, 0, "ecx", 9),
    "vpclmulqdq": (7, 0, "ecx", 10), "avx512_vnni": (7, 0, "ecx", 11),
    "avx512_bitalg": (7, 0, "ecx", 12), "tme": (7, 0, "ecx", 13),
    "avx512_vpopcntdq": (7, 0, "ecx", 14), "la57": (7, 0, "ecx", 16), "rdpid": (7, 0, "ecx", 22),
    "bus_lock_detect": (7, 0, "ecx", 24), "cldemote": (7, 0, "ecx", 25),
    "movdiri": (7, 0, "ecx", 27), "movdir64b": (7, 0, "ecx", 28), "enqcmd": (7, 0, "ecx", 29),
    # leaf 7.0 EDX
    "fsrm": (7, 0, "edx", 4), "uintr": (7, 0, "edx", 5), "avx512_vp2intersect": (7, 0, "edx", 8),
    "md_clear": (7, 0, "edx", 10), "serialize": (7, 0, "edx", 14), "tsxldtrk": (7, 0, "edx", 16),
    "pconfig": (7, 0, "edx", 18), "arch_lbr": (7, 0, "edx", 19), "ibt": (7, 0, "edx", 20),
    "amx_bf16": (7, 0, "edx", 22), "avx512_fp16": (7, 0, "edx", 23), "amx_tile": (7, 0, "edx", 24),
    "amx_int8": (7, 0, "edx", 25), "spec_ctrl": (7, 0, "edx", 26), "intel_stibp": (7, 0, "edx", 27),
    "flush_l1d": (7, 0, "edx", 28), "arch_capabilities": (7, 0, "edx", 29),
    "core_capabilities": (7, 0, "edx", 30), "ssbd": (7, 0, "edx", 31),
    # leaf 7.1 EAX
    "avx_vnni": (7, 1, "eax", 4), "avx512_bf16": (7, 1, "eax", 5), "fzrm": (7, 1, "eax", 10),
    "fsrs": (7, 1, "eax", 11), "fsrc": (7, 1, "eax", 12),
}

# fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36
# clflush mmx fxsr sse sse2 (+ htt), the same on every x86-64 server part
EDX1_AMD = 0x178BFBFF    # AMD: no ds, acpi, ss, tm, pbe
EDX1_INTEL = 0xBFEBFBFF  # Intel: also ds acpi ss ht tm pbe

ZEN3 = ["sse3", "pclmulqdq", "monitor", "ssse3", "fma", "cx16", "pcid", "sse4_1", "sse4_2",
        "x2apic", "movbe", "popcnt", "aes", "xsave", "osxsave", "avx", "f16c", "rdrand",
        "fsgsbase", "bmi1", "avx2", "smep", "bmi2", "erms", "invpcid", "cqm", "rdt_a",
        "rdseed", "adx", "smap", "clflushopt", "clwb", "sha_ni",
        "umip", "pku", "ospke", "shstk", "vaes", "vpclmulqdq", "rdpid", "fsrm"]

ZEN5 = [b for b in ZEN3] + [
    "avx512f", "avx512dq", "avx512ifma", "avx512cd", "avx512bw", "avx512vl",
    "avx512vbmi", "avx512_vbmi2", "gfni", "avx512_vnni", "avx512_bitalg",
    "avx512_vpopcntdq", "la57", "movdiri", "movdir64b", "avx512_vp2intersect",
    "avx_vnni", "avx512_bf16"]

CASCADE = ["sse3", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
           "ssse3", "sdbg", "fma", "cx16", "xtpr", "pdcm", "pcid", "dca", "sse4_1", "sse4_2",
           "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", "osxsave", "avx",
           "f16c", "rdrand",
           "fsgsbase", "tsc_adjust", "bmi1", "hle", "avx2", "fdp_excptn_only", "smep", "bmi2",
           "erms", "invpcid", "rtm", "cqm", "zero_fcs_fds", "mpx", "rdt_a", "avx512f",
           "avx512dq", "rdseed", "adx", "smap", "clflushopt", "clwb", "intel_pt", "avx512cd",
           "avx512bw", "avx512vl",
           "pku", "ospke", "avx512_vnni",
           "md_clear", "spec_ctrl", "intel_stibp", "flush_l1d", "arch_capabilities", "ssbd"]

SPR = [b for b in CASCADE if b not in ("hle", "rtm", "mpx")] + [
    "avx512ifma", "sha_ni",
    "avx512vbmi", "umip", "waitpkg", "avx512_vbmi2", "shstk", "gfni", "vaes", "vpclmulqdq",
    "avx512_bitalg", "tme", "avx512_vpopcntdq", "la57", "rdpid", "bus_lock_detect",
    "cldemote", "movdiri", "movdir64b", "enqcmd",
    "fsrm", "uintr", "serialize", "tsxldtrk", "pconfig", "arch_lbr", "ibt", "amx_bf16",
    "avx512_fp16", "amx_tile", "amx_int8", "core_capabilities",
    "avx_vnni", "avx512_bf16", "fzrm", "fsrs", "fsrc"]

CPUS = {
    "zen3-epyc-7713.txt": dict(
        about="AMD EPYC 7713 (Zen 3, Milan), bare metal: ERMS and FSRM, no AVX-512",
        vendor="AuthenticAMD", sig=0x00A00F11, maxleaf=0x10, maxext=0x80000023,
        ebx1=0x00800800, edx1=EDX1_AMD, bits=ZEN3, xcr0=0x207,
        brand="AMD EPYC 7713 64-Core Processor", ext1=(0x75C237FF, 0x2FD3FBFF)),
    "zen3-epyc-7713-vm-noerms.txt": dict(
        about="AMD EPYC 7713 under KVM with a CPU model that hides ERMS and FSRM "
              "(seed 000's 'REP_GOOD without FSRM/ERMS')",
        vendor="AuthenticAMD", sig=0x00A00F11, maxleaf=0x10, maxext=0x80000023,
        ebx1=0x00800800, edx1=EDX1_AMD,
        bits=[b for b in ZEN3 if b not in ("erms", "fsrm")] + ["hypervisor"], xcr0=0x207,
        brand="AMD EPYC 7713 64-Core Processor", ext1=(0x75C237FF, 0x2FD3FBFF),
        hypervisor="KVMKVMKVM"),
    "zen5-epyc-9655.txt": dict(
        about="AMD EPYC 9655 (Zen 5, Turin), bare metal: ERMS, FSRM, AVX-512, MOVDIR64B",
        vendor="AuthenticAMD", sig=0x00B00F21, maxleaf=0x10, maxext=0x80000028, maxsub7=1,
        ebx1=0x00800800, edx1=EDX1_AMD, bits=ZEN5, xcr0=0x2E7,
        brand="AMD EPYC 9655 96-Core Processor", ext1=(0x75C237FF, 0x2FD3FBFF)),
    "cascadelake-xeon-8280.txt": dict(
        about="Intel Xeon Platinum 8280 (Cascade Lake-SP), bare metal: ERMS without FSRM",
        vendor="GenuineIntel", sig=0x00050657, maxleaf=0x16, maxext=0x80000008,
        ebx1=0x00400800, edx1=EDX1_INTEL, bits=CASCADE, xcr0=0x2FF,
        brand="Intel(R) Xeon(R) Platinum 8280 CPU @ 2.70GHz", ext1=(0x00000121, 0x2C100800)),
    "sapphirerapids-xeon-8480.txt": dict(
        about="Intel Xeon Platinum 8480+ (Sapphire Rapids), bare metal: ERMS, FSRM, FSRS, "
              "MOVDIR64B",
        vendor="GenuineIntel", sig=0x000806F8, maxleaf=0x20, maxext=0x80000008, maxsub7=2,
        ebx1=0x00800800, edx1=EDX1_INTEL, bits=SPR, xcr0=0x602E7,
        brand="Intel(R) Xeon(R) Platinum 8480+", ext1=(0x00000121, 0x2C100800)),
}


def words(s, n):
    b = s.encode().ljust(4 * n, b"\0")
    return [int.from_bytes(b[4 * i:4 * i + 4], "little") for i in range(n)]


def build(c):
    leaves = {}

    def put(leaf, sub, **regs):
        r = leaves.setdefault((leaf, sub), dict(eax=0, ebx=0, ecx=0, edx=0))
        r.update(regs)

    for leaf in range(c["maxleaf"] + 1):
        put(leaf, 0)
    v = words(c["vendor"], 3)   # EBX, EDX, ECX order
    put(0, 0, eax=c["maxleaf"], ebx=v[0], edx=v[1], ecx=v[2])
    put(1, 0, eax=c["sig"], ebx=c["ebx1"], edx=c["edx1"])
    put(7, 0, eax=c.get("maxsub7", 0))
    for s in range(1, c.get("maxsub7", 0) + 1):
        put(7, s)
    for name in c["bits"]:
        leaf, sub, reg, bit = BITS[name]
        leaves[(leaf, sub)][reg] |= 1 << bit
    put(0xD, 0, eax=c["xcr0"] & 0xFFFFFFFF, edx=c["xcr0"] >> 32, ebx=0x988, ecx=0x988)
    put(0xD, 1, eax=0xF)
    if "hypervisor" in c:
        h = words(c["hypervisor"], 3)
        put(0x40000000, 0, eax=0x40000001, ebx=h[0], ecx=h[1], edx=h[2])
        put(0x40000001, 0, eax=0x01007AFB)
    for leaf in range(0x80000000, c["maxext"] + 1):
        put(leaf, 0)
    put(0x80000000, 0, eax=c["maxext"], ebx=v[0], edx=v[1], ecx=v[2]
        if c["vendor"] == "AuthenticAMD" else 0)
    if c["vendor"] != "AuthenticAMD":
        put(0x80000000, 0, ebx=0, edx=0)
    put(0x80000001, 0, eax=c["sig"] if c["vendor"] == "AuthenticAMD" else 0,
        ecx=c["ext1"][0], edx=c["ext1"][1])
    b = words(c["brand"], 12)
    for i in range(3):
        put(0x80000002 + i, 0, eax=b[4 * i], ebx=b[4 * i + 1], ecx=b[4 * i + 2],
            edx=b[4 * i + 3])
    put(0x80000008, 0, eax=0x3030 if c["vendor"] == "AuthenticAMD" else 0x302E)
    out = ["CPU:"]
    for (leaf, sub) in sorted(leaves):
        r = leaves[(leaf, sub)]
        out.append("   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x"
                   % (leaf, sub, r["eax"], r["ebx"], r["ecx"], r["edx"]))
    return "\n".join(out) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for fname, c in CPUS.items():
        text = build(c)
        path = os.path.join(HERE, fname)
        if check:
            if not os.path.exists(path) or open(path).read() != text:
                print("differs: " + fname)
                bad = 1
        else:
            open(path, "w").write(text)
            print("wrote %s: %s" % (fname, c["about"]))
    return bad


if __name__ == "__main__":
    sys.exit(main())
