set terminal pngcairo size 900,520 font ',10'
set output "seconds-per-iteration-runtime-switched-ethernet.png"
set title "Seconds per iteration, simulated and measured on this machine (switched Ethernet shaped by tbf)" noenhanced
set xlabel "case: 1 ring-1f1b 10 Mbit/s@2, 2 ring-1f1b 1000 Mbit/s@2" noenhanced
set ylabel "seconds per iteration" noenhanced
set key bottom right noenhanced
set grid
set xrange [0:3]
set xtics 1
$p0s0 << EOD
1 0.280773
2 0.0409837
EOD
$p0s1 << EOD
1 0.253069
2 0.011044
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "sim, this machine's host profile", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "runtime: launch --netns, measured"
