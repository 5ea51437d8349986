set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-wifi-n.png"
set title "The radio's share of the energy, wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:16]
$s0 << EOD
2 0.212443
4 0.234288
8 0.236166
16 0.235035
EOD
$s1 << EOD
2 0.215748
4 0.234286
8 0.236182
16 0.235018
EOD
$s2 << EOD
2 0.21465
4 0.234231
8 0.236142
16 0.234883
EOD
$s3 << EOD
2 0.246212
4 0.241258
8 0.237225
16 0.235017
EOD
$s4 << EOD
2 0.242673
4 0.239183
8 0.236415
16 0.23467
EOD
$s5 << EOD
2 0.246213
4 0.241276
8 0.237231
16 0.235018
EOD
$s6 << EOD
2 0.250388
4 0.243107
8 0.237723
16 0.23514
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $s6 using 1:2 with linespoints lw 2 title "allreduce"
