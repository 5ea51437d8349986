set terminal pngcairo size 1000,520 font ',10'
set output "idle-cnn-wifi-n.png"
set title "Idle fraction of the workers on wifi-n with the CNN (vgg-small) (simulated Pi 4Bs)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "idle fraction (mean; bars: min..max over seeds)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:12]
$p0s0 << EOD
2 0.479795 0.479795 0.479795
4 0.893831 0.893831 0.893831
8 0.953496 0.953496 0.953496
12 0.951552 0.951552 0.951552
EOD
$p0s1 << EOD
2 0.548204 0.548204 0.548204
4 0.91609 0.91609 0.91609
8 0.969444 0.969444 0.969444
12 0.957976 0.957976 0.957976
EOD
$p0s2 << EOD
2 0.529857 0.529857 0.529857
4 0.916782 0.916782 0.916782
8 0.974198 0.974198 0.974198
12 0.978496 0.978496 0.978496
EOD
$p0s3 << EOD
2 0.400507 0.400507 0.400507
4 0.733256 0.733256 0.733256
8 0.924534 0.924534 0.924534
12 0.966659 0.966659 0.966659
EOD
$p0s4 << EOD
2 0.407762 0.407762 0.407762
4 0.754058 0.754058 0.754058
8 0.931626 0.931626 0.931626
12 0.969053 0.969053 0.969053
EOD
$p0s5 << EOD
2 0.400445 0.400445 0.400445
4 0.71991 0.71991 0.71991
8 0.920352 0.920352 0.920352
12 0.965812 0.965812 0.965812
EOD
$p0s6 << EOD
2 0.241049 0.241049 0.241049
4 0.654891 0.654891 0.654891
8 0.898502 0.898502 0.898502
12 0.954256 0.954256 0.954256
EOD
$p0s7 << EOD
2 0.250933 0.250933 0.250933
4 0.674439 0.674439 0.674439
8 0.915157 0.915157 0.915157
12 0.963724 0.963724 0.963724
EOD
$p0s8 << EOD
2 0.111111111
4 0.272727273
8 0.466666667
12 0.578947368
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $p0s8 using 1:2 with lines lw 2 dt 2 title "gpipe bubble (N-1)/(M+N-1), M=8"
