set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-wifi-n.png"
set title "How much of the workers' idle time is the network, wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:16]
$s0 << EOD
2 0.497984799
4 0.615715265
8 0.591594333
16 0.403011409
EOD
$s1 << EOD
2 0.611071755
4 0.567159935
8 0.572057027
16 0.394743334
EOD
$s2 << EOD
2 0.696600171
4 0.520676545
8 0.597596731
16 0.62219815
EOD
$s3 << EOD
2 0.499974298
4 0.499952176
8 0.499952427
16 0.499956485
EOD
$s4 << EOD
2 0.500012327
4 0.49998189
8 0.499976968
16 0.499982994
EOD
$s5 << EOD
2 0.499972242
4 0.499262489
8 0.49955081
16 0.499842445
EOD
$s6 << EOD
2 1
4 0.999989909
8 0.999997996
16 0.998408365
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $s6 using 1:2 with linespoints lw 2 title "allreduce"
