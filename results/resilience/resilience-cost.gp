set terminal pngcairo size 900,520 font ',10'
set output "resilience-cost.png"
set title "What resilience costs when nothing fails, the MLP (wifi-n)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "% longer than the same run with it off" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:16]
$p0s0 << EOD
4 431.974662
8 222.148669
16 122.950225
EOD
$p0s1 << EOD
4 11.1394515
8 5.02158885
16 2.4581485
EOD
$p0s2 << EOD
4 0
8 0
16 0
EOD
$p0s3 << EOD
4 17.0434275
8 7.34825212
16 3.37510248
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s2 using 1:2 with linespoints lw 2 title "allreduce", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp-co"
