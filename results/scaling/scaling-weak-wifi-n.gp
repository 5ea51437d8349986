set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-wifi-n.png"
set title "Weak scaling on wifi-n with the MLP (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:64]
$p0s0 << EOD
2 185.571 185.571 185.571
4 249.254 249.254 249.254
8 156.446 156.446 156.446
16 67.8242 67.8242 67.8242
32 49.2481 49.2481 49.2481
64 34.8217 34.8217 34.8217
EOD
$p0s1 << EOD
2 185.571 185.571 185.571
4 212.688 212.688 212.688
8 154.921 154.921 154.921
16 67.8094 67.8094 67.8094
32 52.5361 52.5361 52.5361
64 39.2471 39.2471 39.2471
EOD
$p0s2 << EOD
2 251.221 251.221 251.221
4 306.029 306.029 306.029
8 158.352 158.352 158.352
16 66.1154 66.1154 66.1154
32 59.3953 59.3953 59.3953
64 42.655 42.655 42.655
EOD
$p0s3 << EOD
2 2.30339 2.30339 2.30339
4 2.24432 2.24432 2.24432
8 2.01657 2.01657 2.01657
16 1.81516 1.81516 1.81516
32 2.41891 2.41891 2.41891
64 2.70747 2.70747 2.70747
EOD
$p0s4 << EOD
2 2.23588 2.23588 2.23588
4 2.01314 2.01314 2.01314
8 1.81376 1.81376 1.81376
16 1.77587 1.77587 1.77587
32 2.5832 2.5832 2.5832
64 3.34252 3.34252 3.34252
EOD
$p0s5 << EOD
2 2.304 2.304 2.304
4 2.25053 2.25053 2.25053
8 2.02028 2.02028 2.02028
16 1.81688 1.81688 1.81688
32 2.42027 2.42027 2.42027
64 2.7084 2.7084 2.7084
EOD
$p0s6 << EOD
2 4.82284 4.82284 4.82284
4 3.25047 3.25047 3.25047
8 2.79446 2.79446 2.79446
16 2.6106 2.6106 2.6106
32 5.04961 5.04961 5.04961
64 7.22098 7.22098 7.22098
EOD
$p0s7 << EOD
2 4.571 4.571 4.571
4 2.98684 2.98684 2.98684
8 2.30213 2.30213 2.30213
16 1.9355 1.9355 1.9355
32 3.73351 3.73351 3.73351
64 5.2535 5.2535 5.2535
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
