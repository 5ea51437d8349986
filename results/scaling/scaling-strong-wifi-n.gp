set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-wifi-n.png"
set title "Strong scaling on wifi-n (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 819.218 819.218 819.218
4 367.59 367.59 367.59
8 157.945 157.945 157.945
16 71.9907 71.9907 71.9907
EOD
$s1 << EOD
2 666.704 666.704 666.704
4 366.895 366.895 366.895
8 158.752 158.752 158.752
16 71.4063 71.4063 71.4063
EOD
$s2 << EOD
2 698.543 698.543 698.543
4 388.935 388.935 388.935
8 158.183 158.183 158.183
16 66.9312 66.9312 66.9312
EOD
$s3 << EOD
2 34.325 34.325 34.325
4 17.0232 17.0232 17.0232
8 7.67617 7.67617 7.67617
16 3.45643 3.45643 3.45643
EOD
$s4 << EOD
2 33.3361 33.3361 33.3361
4 15.2742 15.2742 15.2742
8 6.90357 6.90357 6.90357
16 3.38042 3.38042 3.38042
EOD
$s5 << EOD
2 34.3326 34.3326 34.3326
4 17.0636 17.0636 17.0636
8 7.68807 7.68807 7.68807
16 3.45849 3.45849 3.45849
EOD
$s6 << EOD
2 66.7393 66.7393 66.7393
4 22.59 22.59 22.59
8 8.74162 8.74162 8.74162
16 3.68156 3.68156 3.68156
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
