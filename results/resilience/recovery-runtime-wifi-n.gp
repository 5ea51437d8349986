set terminal pngcairo size 900,520 font ',10'
set output "recovery-runtime-wifi-n.png"
set title "Seconds to training again after node 1's pause (from the pause) or kill (from its detection), N = 3, wifi-n shaped by tbf" noenhanced
set xlabel "case: 1 ring-1f1b kill, 2 ring-1f1b pause, 3 ps-bsp kill, 4 ps-bsp pause, 5 allreduce kill, 6 allreduce pause" noenhanced
set ylabel "seconds" noenhanced
set key top left noenhanced
set grid
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 1.47931
2 3.97931
3 1.60862
4 4.10862
5 0.00630675
6 2.50631
EOD
$p0s1 << EOD
1 0.554012
2 3.08399
3 0.00827375
4 2.42333
5 1.50708
6 2.90573
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "sim, this machine's host profile", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "runtime: launch --netns --faults, measured"
