set terminal pngcairo size 900,520 font ',10'
set output "time-to-target-cnn.png"
set title "Simulated seconds to 80% test accuracy, the CNN (vgg-small) (8 Pi 4Bs, wifi-n)" noenhanced
set xlabel "strategy (1: 1: ring-1f1b, 2: ring-async, 3: ps-bsp, 4: ps-asp, 5: allreduce, 6: ps-bsp-co)" noenhanced
set ylabel "seconds (bars: min..max over seeds)" noenhanced
set key top left noenhanced
set grid
set logscale y
set format y "%g"
set xrange [0:7]
set xtics 1
$p0s0 << EOD
1 3817.34667 3272.01 4908.02
EOD
$p0s1 << EOD
2 3820.42333 3527.25 4406.77
EOD
$p0s2 << EOD
3 3060.36333 2824.95 3531.19
EOD
$p0s3 << EOD
5 2910.11333 2494.52 3741.3
EOD
$p0s4 << EOD
6 2228.55667 2057.13 2571.41
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co"
