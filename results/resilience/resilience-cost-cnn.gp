set terminal pngcairo size 900,520 font ',10'
set output "resilience-cost-cnn.png"
set title "What resilience costs when nothing fails, the CNN (vgg-small) (wifi-n)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "% longer than the same run with it off" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:8]
$p0s0 << EOD
4 12.5619685
8 5.16104983
EOD
$p0s1 << EOD
4 10.2277419
8 4.9290744
EOD
$p0s2 << EOD
4 0
8 0
EOD
$p0s3 << EOD
4 14.9534251
8 7.11668164
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s2 using 1:2 with linespoints lw 2 title "allreduce", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp-co"
