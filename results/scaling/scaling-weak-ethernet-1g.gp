set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-ethernet-1g.png"
set title "Weak scaling on ethernet-1g (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 796.286 796.286 796.286
4 1274.36 1274.36 1274.36
8 2075.01 2075.01 2075.01
16 3226.43 3226.43 3226.43
EOD
$s1 << EOD
2 796.286 796.286 796.286
4 1293.88 1293.88 1293.88
8 2034.99 2034.99 2034.99
16 4197.03 4197.03 4197.03
EOD
$s2 << EOD
2 1005.71 1005.71 1005.71
4 1712.4 1712.4 1712.4
8 2856.84 2856.84 2856.84
16 4669.46 4669.46 4669.46
EOD
$s3 << EOD
2 312.062 312.062 312.062
4 356.866 356.866 356.866
8 384.465 384.465 384.465
16 399.93 399.93 399.93
EOD
$s4 << EOD
2 499.759 499.759 499.759
4 624.747 624.747 624.747
8 714.035 714.035 714.035
16 1427.61 1427.61 1427.61
EOD
$s5 << EOD
2 314.433 314.433 314.433
4 397.034 397.034 397.034
8 450.989 450.989 450.989
16 476.618 476.618 476.618
EOD
$s6 << EOD
2 708.916 708.916 708.916
4 1164.24 1164.24 1164.24
8 2126.64 2126.64 2126.64
16 4037.86 4037.86 4037.86
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
