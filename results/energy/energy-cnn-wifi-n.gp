set terminal pngcairo size 1000,520 font ',10'
set output "energy-cnn-wifi-n.png"
set title "Energy per training sample on wifi-n with the CNN (vgg-small) (simulated Pi 4Bs, all devices)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "joules per sample" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 0.357754 0.357754 0.357754
4 2.08471 2.08471 2.08471
8 8.81238 8.81238 8.81238
12 14.019 14.019 14.019
EOD
$p0s1 << EOD
2 0.397664 0.397664 0.397664
4 2.10675 2.10675 2.10675
8 9.07988 9.07988 9.07988
12 14.1523 14.1523 14.1523
EOD
$p0s2 << EOD
2 0.384168 0.384168 0.384168
4 2.10107 2.10107 2.10107
8 9.69431 9.69431 9.69431
12 15.5514 15.5514 15.5514
EOD
$p0s3 << EOD
2 0.432615 0.432615 0.432615
4 0.775001 0.775001 0.775001
8 2.36931 2.36931 2.36931
12 5.10838 5.10838 5.10838
EOD
$p0s4 << EOD
2 0.568544 0.568544 0.568544
4 0.994521 0.994521 0.994521
8 2.89367 2.89367 2.89367
12 6.33617 6.33617 6.33617
EOD
$p0s5 << EOD
2 0.432576 0.432576 0.432576
4 0.740313 0.740313 0.740313
8 2.24769 2.24769 2.24769
12 4.98318 4.98318 4.98318
EOD
$p0s6 << EOD
2 0.24706 0.24706 0.24706
4 0.495613 0.495613 0.495613
8 1.58256 1.58256 1.58256
12 3.45589 3.45589 3.45589
EOD
$p0s7 << EOD
2 0.249769 0.249769 0.249769
4 0.52271 0.52271 0.52271
8 1.88347 1.88347 1.88347
12 4.34813 4.34813 4.34813
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
