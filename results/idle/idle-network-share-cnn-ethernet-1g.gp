set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-cnn-ethernet-1g.png"
set title "How much of the workers' idle time is the network, ethernet-1g with the CNN (vgg-small)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:12]
$p0s0 << EOD
2 0.0345248961
4 0.0690659786
8 0.0479248981
12 0.0303093315
EOD
$p0s1 << EOD
2 0.034653198
4 0.0669569266
8 0.0557288217
12 0.0342149365
EOD
$p0s2 << EOD
2 0.0407005413
4 0.0896642368
8 0.0733065976
12 0.045957552
EOD
$p0s3 << EOD
2 0.496401779
4 0.497242649
8 0.497664777
12 0.513577092
EOD
$p0s4 << EOD
2 0.496449429
4 0.827775945
8 0.923548844
12 0.685188263
EOD
$p0s5 << EOD
2 0.496669217
4 0.417560413
8 0.362985354
12 0.340857588
EOD
$p0s6 << EOD
2 0.492987332
4 0.496277073
8 0.496967853
12 0.276418352
EOD
$p0s7 << EOD
2 1
4 0.999924854
8 0.999815706
12 0.547808442
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
