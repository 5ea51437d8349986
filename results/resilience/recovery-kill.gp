set terminal pngcairo size 900,520 font ',10'
set output "recovery-kill.png"
set title "Seconds from node 1's failure to training again (kill), the MLP, wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "simulated seconds" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:16]
$p0s0 << EOD
4 2.8065
8 2.1857
16 2.2678
EOD
$p0s1 << EOD
4 2.411
8 5.112
16 10.96
EOD
$p0s2 << EOD
4 2.855
8 3.352
16 6.8
EOD
$p0s3 << EOD
4 2.122
8 1.649
16 2.71
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s2 using 1:2 with linespoints lw 2 title "allreduce", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp-co"
