set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-ethernet-1g.png"
set title "The radio's share of the energy, ethernet-1g" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:16]
$s0 << EOD
2 0.148229
4 0.154843
8 0.163
16 0.170496
EOD
$s1 << EOD
2 0.148229
4 0.154843
8 0.163326
16 0.168581
EOD
$s2 << EOD
2 0.146213
4 0.150677
8 0.15657
16 0.161363
EOD
$s3 << EOD
2 0.164333
4 0.172212
8 0.178409
16 0.180842
EOD
$s4 << EOD
2 0.165028
4 0.169219
8 0.176191
16 0.178731
EOD
$s5 << EOD
2 0.164242
4 0.171177
8 0.17906
16 0.182058
EOD
$s6 << EOD
2 0.14712
4 0.154193
8 0.177118
16 0.223725
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $s6 using 1:2 with linespoints lw 2 title "allreduce"
