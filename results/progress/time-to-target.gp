set terminal pngcairo size 900,520 font ',10'
set output "time-to-target.png"
set title "Simulated seconds to 80% test accuracy (8 Pi 4Bs, wifi-n)" noenhanced
set xlabel "strategy (1: 1: ring-1f1b, 2: ring-async, 3: ps-bsp, 4: ps-asp, 5: allreduce)" noenhanced
set ylabel "seconds (bars: min..max over seeds)" noenhanced
set key top left noenhanced
set grid
set logscale y
set xrange [0:6]
set xtics 1
$s0 << EOD
1 88.4504 88.4504 88.4504
EOD
$s1 << EOD
2 93.6777 93.6777 93.6777
EOD
$s2 << EOD
3 1184.58 1184.58 1184.58
EOD
$s3 << EOD
4 2614.78 2614.78 2614.78
EOD
$s4 << EOD
5 1046.45 1046.45 1046.45
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
