# GB/s against an axis, one line (with sd error bars) per data block.
# Data: `foliobench show RUN.json --format series --rows AXIS --cols SERIES`.
# usage: gnuplot -e "data='x.dat'; out='prefix'; ttl='title'" [-e "xlab='Folio size'; logx=1"] plots/lines.gp
# Writes prefix.png and prefix.svg.
if (!exists("xlab")) xlab = "Folio size"
if (!exists("logx")) logx = 1
if (!exists("ttl")) ttl = ""

stats data using 1 nooutput
nblocks = STATS_blocks

set title ttl noenhanced
set xlabel xlab noenhanced
set ylabel "GB/s (1 GB = 1e9 bytes)"
set yrange [0:*]
set grid
set key outside right top noenhanced
if (logx) {
    set logscale x 2
    set xtics ()
    do for [k=12:30] {
        lbl = (k < 20) ? sprintf("%dK", 2**(k-10)) : (k < 30) ? sprintf("%dM", 2**(k-20)) : "1G"
        set xtics add (lbl 2**k)
    }
}

do for [term in "png svg"] {
    if (term eq "png") {
        set terminal pngcairo size 1100,600 noenhanced font ",10"
    } else {
        set terminal svg size 1100,600 noenhanced font ",10"
    }
    set output out.".".term
    plot for [i=0:nblocks-1] data index i using 1:2:3 with yerrorlines title columnheader(2)
    set output
}
