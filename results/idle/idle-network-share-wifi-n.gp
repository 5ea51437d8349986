set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-wifi-n.png"
set title "How much of the workers' idle time is the network, wifi-n with the MLP" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:64]
$p0s0 << EOD
2 0.258045531
4 0.375375762
8 0.466908401
16 0.359081642
32 0.204993172
64 0.10792652
EOD
$p0s1 << EOD
2 0.392565715
4 0.387897648
8 0.449941221
16 0.366471383
32 0.205751837
64 0.106724084
EOD
$p0s2 << EOD
2 0.593847658
4 0.551356736
8 0.613611791
16 0.621398958
32 0.485577366
64 0.32914138
EOD
$p0s3 << EOD
2 0.499929491
4 0.499945112
8 0.499956931
16 0.499964987
32 0.499954995
64 0.499950998
EOD
$p0s4 << EOD
2 0.499968632
4 0.499975344
8 0.499980973
16 0.499990997
32 0.499992499
64 0.4999955
EOD
$p0s5 << EOD
2 0.499934637
4 0.498835734
8 0.499599861
16 0.499898964
32 0.499953994
64 0.499954998
EOD
$p0s6 << EOD
2 0.49993257
4 0.499980804
8 0.499992483
16 0.499995498
32 0.499995499
64 0.499993999
EOD
$p0s7 << EOD
2 1
4 0.999994952
8 0.999998998
16 0.999533812
32 0.999193834
64 0.546196583
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
