# SPDX-License-Identifier: GPL-2.0-only
# GB/s against an axis, one line (with sd error bars) per data block.
# Data: `foliobench show RUN.json --format series --rows AXIS --cols SERIES`;
# optional ref: the seed's table, `foliobench report --reference R --table T
# --format series`, drawn dashed in the same colours (block i of each file
# shares colour i, so ours and the seed's line for 1 thread match).
# usage: gnuplot -e "data='x.dat'; out='prefix'; ttl='title'" \
#          [-e "ref='seed.dat'; xlab='Threads'; logx=1; xfmt='count'"] plots/lines.gp
# xfmt: 'size' labels powers of two 4K..1G (folio sizes), 'count' 1..8192.
# Writes prefix.png and prefix.svg.
if (!exists("xlab")) xlab = "Folio size"
if (!exists("logx")) logx = 1
if (!exists("xfmt")) xfmt = "size"
if (!exists("ttl")) ttl = ""
if (!exists("ref")) ref = ""

stats data using 1 nooutput
nblocks = STATS_blocks
nref = 0
if (ref ne "") {
    stats ref using 1 nooutput
    nref = STATS_blocks
}

set title ttl noenhanced
set xlabel xlab noenhanced
set ylabel "GB/s (1 GB = 1e9 bytes)"
set yrange [0:*]
set grid
set key outside right top noenhanced
set offsets graph 0.02, graph 0.02, 0, 0
if (logx) {
    set logscale x 2
    set xtics ()
    if (xfmt eq "count") {
        do for [k=0:20] { set xtics add (sprintf("%d", 2**k) 2**k) }
    } else {
        do for [k=12:30] {
            lbl = (k < 20) ? sprintf("%dK", 2**(k-10)) : (k < 30) ? sprintf("%dM", 2**(k-20)) : "1G"
            set xtics add (lbl 2**k)
        }
    }
}

do for [term in "png svg"] {
    if (term eq "png") {
        set terminal pngcairo size 1100,600 noenhanced font ",10"
    } else {
        set terminal svg size 1100,600 noenhanced font ",10"
    }
    set output out.".".term
    if (nref > 0) {
        plot for [i=0:nblocks-1] data index i using 1:2:3 with yerrorlines lc i+1 lw 2 pt 7 title columnheader(2), \
             for [i=0:nref-1] ref index i using 1:2 with linespoints lc i+1 dt 2 pt 6 title columnheader(2)
    } else {
        plot for [i=0:nblocks-1] data index i using 1:2:3 with yerrorlines lc i+1 title columnheader(2)
    }
    set output
}
