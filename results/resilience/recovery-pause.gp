set terminal pngcairo size 900,520 font ',10'
set output "recovery-pause.png"
set title "Seconds from node 1's failure to training again (pause), wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "simulated seconds" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:8]
$s0 << EOD
4 1.9226
8 1.8596
EOD
$s1 << EOD
4 2.234
8 3.087
EOD
$s2 << EOD
4 2.444
8 2.849
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s2 using 1:2 with linespoints lw 2 title "allreduce"
