set terminal pngcairo size 1000,520 font ',10'
set output "model-size-pi4b-1GB.png"
set title "Largest trainable MLP on pi4b-1GB against N (memory plan, confirmed in sim)" noenhanced
set xlabel "devices N (workers; ps adds its servers but when co-located)" noenhanced
set ylabel "parameters (millions)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [1:64]
$p0s0 << EOD
1 63.55393
2 97.950631
4 188.537362
8 550.487986
16 1274.38923
32 2722.19173
64 5617.79672
EOD
$p0s1 << EOD
1 63.55393
2 97.950631
4 188.537362
8 550.487986
16 1274.38923
32 2722.19173
64 5617.79672
EOD
$p0s2 << EOD
1 63.537967
2 97.317735
4 64.405655
8 110.642542
16 140.131375
32 155.502055
64 161.489047
EOD
$p0s3 << EOD
1 42.495567
2 36.795847
4 20.44223
8 10.823392
16 5.560684
32 2.817205
64 1.40905
EOD
$p0s4 << EOD
1 42.495567
2 36.795847
4 20.44223
8 21.627577
16 22.281553
32 22.636135
64 22.759015
EOD
$p0s5 << EOD
1 21.324831
2 23.364106
4 24.522214
8 25.132957
16 25.46149
32 25.59376
64 25.703597
EOD
$p0s6 << EOD
1 63.55393
2 51.27919
4 57.170959
8 60.599986
16 62.48875
32 63.483265
64 63.985745
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-1-server", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-n/4-servers", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-co-located", \
     $p0s6 using 1:2 with linespoints lw 2 title "allreduce"
