# SPDX-License-Identifier: GPL-2.0-only
# Clustered bars with sd error bars: one cluster per row (e.g. a direction
# between nodes), one bar per data block (e.g. per page, batched).
# Data: `foliobench show RUN.json --format series --rows direction --cols mode`
# (every block lists the same rows in the same order; x is a quoted label).
# usage: gnuplot -e "data='x.dat'; out='prefix'; ttl='title'" [-e "xlab='Direction'"] plots/bars.gp
# Writes prefix.png and prefix.svg.
if (!exists("xlab")) xlab = "Direction (source node -> destination node)"
if (!exists("ttl")) ttl = ""

stats data using 2 nooutput
nblocks = STATS_blocks

set title ttl noenhanced
set xlabel xlab noenhanced
set ylabel "GB/s (1 GB = 1e9 bytes)"
set yrange [0:*]
set grid ytics
set key outside right top noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set boxwidth 0.9

do for [term in "png svg"] {
    if (term eq "png") {
        set terminal pngcairo size 1100,600 noenhanced font ",10"
    } else {
        set terminal svg size 1100,600 noenhanced font ",10"
    }
    set output out.".".term
    plot for [i=0:nblocks-1] data index i using 2:3:xtic(1) lc i+1 title columnheader(2)
    set output
}
