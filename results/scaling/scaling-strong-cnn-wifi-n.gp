set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-cnn-wifi-n.png"
set title "Strong scaling on wifi-n with the CNN (vgg-small) (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 22.8188 22.8188 22.8188
4 6.9895 6.9895 6.9895
8 3.23363 3.23363 3.23363
12 3.03639 3.03639 3.03639
EOD
$p0s1 << EOD
2 20.205 20.205 20.205
4 6.91387 6.91387 6.91387
8 3.13726 3.13726 3.13726
12 3.00757 3.00757 3.00757
EOD
$p0s2 << EOD
2 21.0199 21.0199 21.0199
4 6.93324 6.93324 6.93324
8 2.93627 2.93627 2.93627
12 2.7351 2.7351 2.7351
EOD
$p0s3 << EOD
2 27.1654 27.1654 27.1654
4 24.174 24.174 24.174
8 13.6773 13.6773 13.6773
12 9.06284 9.06284 9.06284
EOD
$p0s4 << EOD
2 26.8365 26.8365 26.8365
4 22.2885 22.2885 22.2885
8 12.3918 12.3918 12.3918
12 8.4117 8.4117 8.4117
EOD
$p0s5 << EOD
2 27.1682 27.1682 27.1682
4 25.3835 25.3835 25.3835
8 14.4353 14.4353 14.4353
12 9.29329 9.29329 9.29329
EOD
$p0s6 << EOD
2 34.3911 34.3911 34.3911
4 31.2752 31.2752 31.2752
8 18.3929 18.3929 18.3929
12 12.43 12.43 12.43
EOD
$p0s7 << EOD
2 33.9422 33.9422 33.9422
4 29.5001 29.5001 29.5001
8 15.3719 15.3719 15.3719
12 9.84514 9.84514 9.84514
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
