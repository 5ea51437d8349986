set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-ethernet-1g.png"
set title "How much of the workers' idle time is the network, ethernet-1g" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:16]
$s0 << EOD
2 0.0378355508
4 0.0376475471
8 0.0579708165
16 0.0440644794
EOD
$s1 << EOD
2 0.0378355508
4 0.048316795
8 0.0641308813
16 0.0804389804
EOD
$s2 << EOD
2 0.0536027613
4 0.0717720827
8 0.090879403
16 0.148177751
EOD
$s3 << EOD
2 0.496397549
4 0.497239787
8 0.497663139
16 0.497875207
EOD
$s4 << EOD
2 0.496443719
4 0.828162426
8 0.923790869
16 0.89549456
EOD
$s5 << EOD
2 0.49598229
4 0.44679269
8 0.450870925
16 0.456479962
EOD
$s6 << EOD
2 1
4 0.9999806
8 0.999952436
16 0.999846583
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $s6 using 1:2 with linespoints lw 2 title "allreduce"
