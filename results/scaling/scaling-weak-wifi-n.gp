set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-wifi-n.png"
set title "Weak scaling on wifi-n (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 532.618 532.618 532.618
4 349.811 349.811 349.811
8 157.945 157.945 157.945
16 67.5914 67.5914 67.5914
EOD
$s1 << EOD
2 548.816 548.816 548.816
4 350.655 350.655 350.655
8 158.752 158.752 158.752
16 67.566 67.566 67.566
EOD
$s2 << EOD
2 663.592 663.592 663.592
4 386.307 386.307 386.307
8 158.183 158.183 158.183
16 66.3283 66.3283 66.3283
EOD
$s3 << EOD
2 8.75994 8.75994 8.75994
4 8.54042 8.54042 8.54042
8 7.67617 7.67617 7.67617
16 6.9105 6.9105 6.9105
EOD
$s4 << EOD
2 8.50246 8.50246 8.50246
4 7.66028 7.66028 7.66028
8 6.90357 6.90357 6.90357
16 6.75859 6.75859 6.75859
EOD
$s5 << EOD
2 8.7619 8.7619 8.7619
4 8.55735 8.55735 8.55735
8 7.68807 7.68807 7.68807
16 6.91664 6.91664 6.91664
EOD
$s6 << EOD
2 17.3739 17.3739 17.3739
4 11.3458 11.3458 11.3458
8 8.74162 8.74162 8.74162
16 7.36045 7.36045 7.36045
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
