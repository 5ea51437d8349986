set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-cnn-ethernet-1g.png"
set title "Strong scaling on ethernet-1g with the CNN (vgg-small) (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 33.776 33.776 33.776
4 49.6545 49.6545 49.6545
8 63.1822 63.1822 63.1822
12 62.9771 62.9771 62.9771
EOD
$p0s1 << EOD
2 35.1392 35.1392 35.1392
4 51.0996 51.0996 51.0996
8 63.6824 63.6824 63.6824
12 63.5428 63.5428 63.5428
EOD
$p0s2 << EOD
2 36.309 36.309 36.309
4 60.2022 60.2022 60.2022
8 87.1942 87.1942 87.1942
12 87.2707 87.2707 87.2707
EOD
$p0s3 << EOD
2 44.6823 44.6823 44.6823
4 85.7738 85.7738 85.7738
8 147.815 147.815 147.815
12 182.078 182.078 182.078
EOD
$p0s4 << EOD
2 44.9965 44.9965 44.9965
4 88.1328 88.1328 88.1328
8 162.824 162.824 162.824
12 235.554 235.554 235.554
EOD
$p0s5 << EOD
2 44.6894 44.6894 44.6894
4 87.1257 87.1257 87.1257
8 159.764 159.764 159.764
12 217.795 217.795 217.795
EOD
$p0s6 << EOD
2 45.1542 45.1542 45.1542
4 89.672 89.672 89.672
8 176.842 176.842 176.842
12 253.96 253.96 253.96
EOD
$p0s7 << EOD
2 45.1522 45.1522 45.1522
4 89.6488 89.6488 89.6488
8 176.658 176.658 176.658
12 253.407 253.407 253.407
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
