set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-ethernet-1g.png"
set title "Strong scaling on ethernet-1g (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 1018.19 1018.19 1018.19
4 1565.55 1565.55 1565.55
8 2075.01 2075.01 2075.01
16 2387.09 2387.09 2387.09
EOD
$s1 << EOD
2 1018.19 1018.19 1018.19
4 1565.54 1565.54 1565.54
8 2034.99 2034.99 2034.99
16 2822.6 2822.6 2822.6
EOD
$s2 << EOD
2 1078.51 1078.51 1078.51
4 1830.71 1830.71 1830.71
8 2856.84 2856.84 2856.84
16 4491.46 4491.46 4491.46
EOD
$s3 << EOD
2 716.657 716.657 716.657
4 625.325 625.325 625.325
8 384.465 384.465 384.465
16 204.005 204.005 204.005
EOD
$s4 << EOD
2 913.67 913.67 913.67
4 1001.6 1001.6 1001.6
8 714.035 714.035 714.035
16 768.106 768.106 768.106
EOD
$s5 << EOD
2 719.772 719.772 719.772
4 694.004 694.004 694.004
8 450.989 450.989 450.989
16 243.542 243.542 243.542
EOD
$s6 << EOD
2 1056.08 1056.08 1056.08
4 1593.51 1593.51 1593.51
8 2126.64 2126.64 2126.64
16 2523.53 2523.53 2523.53
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
