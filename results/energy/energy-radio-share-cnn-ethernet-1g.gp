set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-cnn-ethernet-1g.png"
set title "The radio's share of the energy, ethernet-1g with the CNN (vgg-small)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:12]
$p0s0 << EOD
2 0.150397
4 0.157613
8 0.165635
12 0.170733
EOD
$p0s1 << EOD
2 0.149355
4 0.157005
8 0.165518
12 0.17064
EOD
$p0s2 << EOD
2 0.148465
4 0.153272
8 0.16021
12 0.166807
EOD
$p0s3 << EOD
2 0.153529
4 0.149986
8 0.151112
12 0.154964
EOD
$p0s4 << EOD
2 0.159606
4 0.153858
8 0.151332
12 0.152238
EOD
$p0s5 << EOD
2 0.153525
4 0.149571
8 0.149072
12 0.150593
EOD
$p0s6 << EOD
2 0.142122
4 0.14234
8 0.142771
12 0.144088
EOD
$p0s7 << EOD
2 0.142122
4 0.142344
8 0.142792
12 0.144136
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
