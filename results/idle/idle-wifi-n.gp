set terminal pngcairo size 1000,520 font ',10'
set output "idle-wifi-n.png"
set title "Idle fraction of the workers on wifi-n (simulated Pi 4Bs)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "idle fraction (mean; bars: min..max over seeds)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:16]
$s0 << EOD
2 0.336691 0.336691 0.336691
4 0.819598 0.819598 0.819598
8 0.934441 0.934441 0.934441
16 0.950452 0.950452 0.950452
EOD
$s1 << EOD
2 0.46018 0.46018 0.46018
4 0.840516 0.840516 0.840516
8 0.951767 0.951767 0.951767
16 0.964832 0.964832 0.964832
EOD
$s2 << EOD
2 0.426345 0.426345 0.426345
4 0.821172 0.821172 0.821172
8 0.94954 0.94954 0.94954
16 0.963783 0.963783 0.963783
EOD
$s3 << EOD
2 0.972694 0.972694 0.972694
4 0.993221 0.993221 0.993221
8 0.998465 0.998465 0.998465
16 0.999649 0.999649 0.999649
EOD
$s4 << EOD
2 0.973472 0.973472 0.973472
4 0.993914 0.993914 0.993914
8 0.998618 0.998618 0.998618
16 0.999654 0.999654 0.999654
EOD
$s5 << EOD
2 0.972688 0.972688 0.972688
4 0.993205 0.993205 0.993205
8 0.998463 0.998463 0.998463
16 0.999649 0.999649 0.999649
EOD
$s6 << EOD
2 0.946827 0.946827 0.946827
4 0.990938 0.990938 0.990938
8 0.998223 0.998223 0.998223
16 0.999601 0.999601 0.999601
EOD
$s7 << EOD
2 0.111111111
4 0.272727273
8 0.466666667
16 0.652173913
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $s7 using 1:2 with lines lw 2 dt 2 title "gpipe bubble (N-1)/(M+N-1), M=8"
