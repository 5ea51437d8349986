set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-cnn-wifi-n.png"
set title "The radio's share of the energy, wifi-n with the CNN (vgg-small)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:12]
$p0s0 << EOD
2 0.224405
4 0.239224
8 0.237366
12 0.235937
EOD
$p0s1 << EOD
2 0.225263
4 0.239158
8 0.237236
12 0.235909
EOD
$p0s2 << EOD
2 0.224986
4 0.239174
8 0.236964
12 0.235643
EOD
$p0s3 << EOD
2 0.216396
4 0.22674
8 0.232903
12 0.233849
EOD
$p0s4 << EOD
2 0.220355
4 0.228112
8 0.232912
12 0.233676
EOD
$p0s5 << EOD
2 0.216394
4 0.226448
8 0.232899
12 0.233871
EOD
$p0s6 << EOD
2 0.19921
4 0.220869
8 0.232136
12 0.233939
EOD
$p0s7 << EOD
2 0.199574
4 0.221493
8 0.232265
12 0.233735
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
