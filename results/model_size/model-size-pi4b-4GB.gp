set terminal pngcairo size 1000,520 font ',10'
set output "model-size-pi4b-4GB.png"
set title "Largest trainable MLP on pi4b-4GB against N (memory plan, confirmed in sim)" noenhanced
set xlabel "devices N (workers; ps adds its servers but when co-located)" noenhanced
set ylabel "parameters (millions)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [1:64]
$p0s0 << EOD
1 446.064982
2 489.755562
4 962.669749
8 2853.44104
16 6634.98361
32 14198.0688
64 29324.2391
EOD
$p0s1 << EOD
1 446.064982
2 489.755562
4 962.669749
8 2853.44104
16 6634.98361
32 14198.0688
64 29324.2391
EOD
$p0s2 << EOD
1 446.022735
2 488.384215
4 324.49759
8 572.075332
16 733.813003
32 824.587165
64 868.114855
EOD
$p0s3 << EOD
1 297.714687
2 190.474855
4 105.808237
8 55.998925
16 28.853359
32 14.641885
64 7.372804
EOD
$p0s4 << EOD
1 297.714687
2 190.474855
4 105.808237
8 112.038415
16 115.376684
32 117.220555
64 118.054669
EOD
$p0s5 << EOD
1 149.072262
2 162.86343
4 170.79595
8 174.98188
16 177.208745
32 178.27309
64 178.737019
EOD
$p0s6 << EOD
1 446.064982
2 358.035082
4 398.344715
8 421.99873
16 434.944265
32 441.613855
64 444.944122
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-1-server", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-n/4-servers", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-co-located", \
     $p0s6 using 1:2 with linespoints lw 2 title "allreduce"
