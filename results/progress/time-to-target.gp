set terminal pngcairo size 900,520 font ',10'
set output "time-to-target.png"
set title "Simulated seconds to 80% test accuracy, the MLP (8 Pi 4Bs, wifi-n)" noenhanced
set xlabel "strategy (1: 1: ring-1f1b, 2: ring-async, 3: ps-bsp, 4: ps-asp, 5: allreduce, 6: ps-bsp-co)" noenhanced
set ylabel "seconds (bars: min..max over seeds)" noenhanced
set key top left noenhanced
set grid
set logscale y
set format y "%g"
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 98.2782667 78.6226 117.934
EOD
$p0s1 << EOD
2 124.8589 93.6777 149.804
EOD
$p0s2 << EOD
3 1510.94 1269.19 1813.13
EOD
$p0s3 << EOD
4 2771.44333 2711.19 2891.95
EOD
$p0s4 << EOD
5 1227.91667 1121.17 1441.41
EOD
$p0s5 << EOD
6 1093.56333 1049.82 1181.05
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co"
