set terminal pngcairo size 900,520 font ',10'
set output "recovery-bytes.png"
set title "Megabytes sent to heal a failure (and to readmit a paused node), the MLP, wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "MB sent to heal (and to readmit)" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [4:16]
$p0s0 << EOD
4 1.332164
8 1.333656
16 1.340096
EOD
$p0s1 << EOD
4 2.796689
8 2.733913
16 2.747369
EOD
$p0s2 << EOD
4 5.327394
8 10.654786
16 21.30957
EOD
$p0s3 << EOD
4 11.986612
8 22.641396
16 43.950964
EOD
$p0s4 << EOD
4 2.663792
8 1.3333
16 1.339348
EOD
$p0s5 << EOD
4 3.996012
8 2.667104
16 2.679776
EOD
$p0s6 << EOD
4 4.661823
8 4.995511
16 36.394491
EOD
$p0s7 << EOD
4 10.989167
8 11.490835
16 73.457519
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b (kill)", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b (pause)", \
     $p0s2 using 1:2 with linespoints lw 2 title "ps-bsp (kill)", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp (pause)", \
     $p0s4 using 1:2 with linespoints lw 2 title "allreduce (kill)", \
     $p0s5 using 1:2 with linespoints lw 2 title "allreduce (pause)", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co (kill)", \
     $p0s7 using 1:2 with linespoints lw 2 title "ps-bsp-co (pause)"
