set terminal pngcairo size 900,520 font ',10'
set output "idle-fraction-runtime-wifi-n.png"
set title "Idle fraction, simulated and measured on this machine (wifi-n shaped by tbf)" noenhanced
set xlabel "case: 1 ring-1f1b@2, 2 ps-bsp@2, 3 allreduce@2, 4 ring-1f1b@4, 5 ps-bsp@4, 6 allreduce@4" noenhanced
set ylabel "idle fraction" noenhanced
set key bottom right noenhanced
set grid
set yrange [0:1]
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 0.635234
2 0.993975
3 0.964755
4 0.893743
5 0.998172
6 0.987889
EOD
$p0s1 << EOD
1 0.818186
2 0.996011
3 0.988973
4 0.879381
5 0.997234
6 0.992805
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "sim, this machine's host profile", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "runtime: launch --netns, measured"
