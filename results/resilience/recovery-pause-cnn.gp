set terminal pngcairo size 900,520 font ',10'
set output "recovery-pause-cnn.png"
set title "Seconds from node 1's failure to training again (pause), the CNN (vgg-small), wifi-n" noenhanced
set xlabel "devices N" noenhanced
set ylabel "simulated seconds" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set xrange [4:8]
$p0s0 << EOD
4 3.512
8 3.198
EOD
$p0s1 << EOD
4 3.948
8 9.025
EOD
$p0s2 << EOD
4 3.48
8 4.908
EOD
$p0s3 << EOD
4 3.462
8 2.759
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s2 using 1:2 with linespoints lw 2 title "allreduce", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp-co"
