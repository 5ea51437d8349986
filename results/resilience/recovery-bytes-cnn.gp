set terminal pngcairo size 900,520 font ',10'
set output "recovery-bytes-cnn.png"
set title "Megabytes sent to heal a failure (and to readmit a paused node), the CNN (vgg-small), wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "MB sent to heal (and to readmit)" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [4:8]
$p0s0 << EOD
4 2.337092
8 2.338584
EOD
$p0s1 << EOD
4 4.748433
8 4.714713
EOD
$p0s2 << EOD
4 9.347106
8 18.69421
EOD
$p0s3 << EOD
4 21.030964
8 39.725172
EOD
$p0s4 << EOD
4 2.336932
8 2.338228
EOD
$p0s5 << EOD
4 4.67408
8 4.67696
EOD
$p0s6 << EOD
4 8.179071
8 8.763991
EOD
$p0s7 << EOD
4 29.795759
8 28.338091
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b (kill)", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b (pause)", \
     $p0s2 using 1:2 with linespoints lw 2 title "ps-bsp (kill)", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp (pause)", \
     $p0s4 using 1:2 with linespoints lw 2 title "allreduce (kill)", \
     $p0s5 using 1:2 with linespoints lw 2 title "allreduce (pause)", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co (kill)", \
     $p0s7 using 1:2 with linespoints lw 2 title "ps-bsp-co (pause)"
