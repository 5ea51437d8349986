set terminal pngcairo size 1000,520 font ',10'
set output "time-to-target-by-n.png"
set title "Simulated seconds to 80% test accuracy against N (wifi-n, each strategy at its best settings at N = 8)" noenhanced
set xlabel "devices N (workers; ps-bsp adds a server)" noenhanced
set ylabel "seconds (bars: min..max over seeds)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:8]
$p0s0 << EOD
2 28.9033333 23.1227 34.684
4 62.0162333 49.613 74.4195
8 98.2782667 78.6226 117.934
EOD
$p0s1 << EOD
2 20.4694667 16.7484 22.33
4 58.3599333 43.7734 65.6532
8 124.8589 93.6777 149.804
EOD
$p0s2 << EOD
2 405.047333 364.543 445.552
4 681.353667 490.575 817.624
8 1510.94 1269.19 1813.13
EOD
$p0s3 << EOD
2 931.340667 850.353 1012.33
4 1376.62667 1214.06 1539.19
8 2771.44333 2711.19 2891.95
EOD
$p0s4 << EOD
2 208.398667 187.559 229.238
4 597.168667 556.079 679.348
8 1227.91667 1121.17 1441.41
EOD
$p0s5 << EOD
2 164.947 158.349 178.143
4 471.907 453.031 509.659
8 1093.56333 1049.82 1181.05
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co"
