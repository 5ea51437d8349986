set terminal pngcairo size 900,520 font ',10'
set output "samples-per-second-runtime-wifi-n.png"
set title "Samples per second, simulated and measured on this machine (wifi-n shaped by tbf)" noenhanced
set xlabel "case: 1 ring-1f1b@2, 2 ps-bsp@2, 3 allreduce@2, 4 ring-1f1b@4, 5 ps-bsp@4, 6 allreduce@4" noenhanced
set ylabel "samples per second" noenhanced
set key bottom right noenhanced
set grid
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 2768.56126
2 70.7847149
3 275.605471
4 1415.94487
5 35.6343471
6 188.096988
EOD
$p0s1 << EOD
1 3680.35538
2 72.6193752
3 253.329903
4 1643.91303
5 40.5625519
6 175.354476
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "sim, this machine's host profile", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "runtime: launch --netns, measured"
