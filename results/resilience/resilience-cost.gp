set terminal pngcairo size 900,520 font ',10'
set output "resilience-cost.png"
set title "What resilience costs when nothing fails (wifi-n)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "% longer than the same run with it off" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:8]
$s0 << EOD
4 272.170182
8 133.939557
EOD
$s1 << EOD
4 11.3408062
8 5.11740498
EOD
$s2 << EOD
4 0
8 0
EOD
plot $s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $s2 using 1:2 with linespoints lw 2 title "allreduce"
