set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-wifi-n.png"
set title "The radio's share of the energy, wifi-n with the MLP" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:64]
$p0s0 << EOD
2 0.195303
4 0.214838
8 0.2306
16 0.233736
32 0.233874
64 0.23356
EOD
$p0s1 << EOD
2 0.198083
4 0.217254
8 0.230623
16 0.233732
32 0.233934
64 0.233604
EOD
$p0s2 << EOD
2 0.195123
4 0.214126
8 0.230472
16 0.233649
32 0.234321
64 0.234275
EOD
$p0s3 << EOD
2 0.246163
4 0.241246
8 0.237223
16 0.235016
32 0.234378
64 0.233766
EOD
$p0s4 << EOD
2 0.242639
4 0.239175
8 0.236413
16 0.23467
32 0.234209
64 0.233769
EOD
$p0s5 << EOD
2 0.246165
4 0.241284
8 0.23723
16 0.235017
32 0.234378
64 0.233766
EOD
$p0s6 << EOD
2 0.251112
4 0.243983
8 0.238747
16 0.235903
32 0.235919
64 0.235116
EOD
$p0s7 << EOD
2 0.250231
4 0.243103
8 0.237731
16 0.235142
32 0.235147
64 0.234527
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
