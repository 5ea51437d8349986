set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-cnn-wifi-n.png"
set title "How much of the workers' idle time is the network, wifi-n with the CNN (vgg-small)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:12]
$p0s0 << EOD
2 0.416302796
4 0.453025236
8 0.412464237
12 0.288485548
EOD
$p0s1 << EOD
2 0.631301486
4 0.62356537
8 0.527851016
12 0.335006305
EOD
$p0s2 << EOD
2 0.722566655
4 0.7157514
8 0.669194558
12 0.547051802
EOD
$p0s3 << EOD
2 0.499971286
4 0.499952268
8 0.49995349
12 0.50033052
EOD
$p0s4 << EOD
2 0.500012262
4 0.49998276
8 0.499976385
12 0.500257468
EOD
$p0s5 << EOD
2 0.499986265
4 0.482928422
8 0.485266507
12 0.492663168
EOD
$p0s6 << EOD
2 0.500022817
4 0.499993129
8 0.499987757
12 0.500362586
EOD
$p0s7 << EOD
2 1
4 0.999961449
8 0.999994536
12 0.995052525
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
