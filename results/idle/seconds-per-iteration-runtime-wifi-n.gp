set terminal pngcairo size 900,520 font ',10'
set output "seconds-per-iteration-runtime-wifi-n.png"
set title "Seconds per iteration, simulated and measured on this machine (wifi-n shaped by tbf)" noenhanced
set xlabel "case: 1 ring-1f1b@2, 2 ps-bsp@2, 3 allreduce@2, 4 ring-1f1b@4, 5 ps-bsp@4, 6 allreduce@4" noenhanced
set ylabel "seconds per iteration" noenhanced
set key bottom right noenhanced
set grid
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 0.0924668
2 3.6166
3 0.928864
4 0.180798
5 7.18408
6 1.361
EOD
$p0s1 << EOD
1 0.0662401
2 3.53796
3 0.996182
4 0.154564
5 6.29082
6 1.48672
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "sim, this machine's host profile", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "runtime: launch --netns, measured"
