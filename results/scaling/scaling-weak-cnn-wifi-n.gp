set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-cnn-wifi-n.png"
set title "Weak scaling on wifi-n with the CNN (vgg-small) (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 16.5284 16.5284 16.5284
4 6.85561 6.85561 6.85561
8 3.23363 3.23363 3.23363
12 3.0166 3.0166 3.0166
EOD
$p0s1 << EOD
2 19.1661 19.1661 19.1661
4 6.95105 6.95105 6.95105
8 3.13726 3.13726 3.13726
12 2.93752 2.93752 2.93752
EOD
$p0s2 << EOD
2 20.6745 20.6745 20.6745
4 6.93134 6.93134 6.93134
8 2.93627 2.93627 2.93627
12 2.72752 2.72752 2.72752
EOD
$p0s3 << EOD
2 12.3387 12.3387 12.3387
4 13.947 13.947 13.947
8 13.6773 13.6773 13.6773
12 13.3619 13.3619 13.3619
EOD
$p0s4 << EOD
2 12.0699 12.0699 12.0699
4 12.7066 12.7066 12.7066
8 12.3918 12.3918 12.3918
12 12.4188 12.4188 12.4188
EOD
$p0s5 << EOD
2 12.341 12.341 12.341
4 14.6248 14.6248 14.6248
8 14.4353 14.4353 14.4353
12 13.9579 13.9579 13.9579
EOD
$p0s6 << EOD
2 19.9564 19.9564 19.9564
4 18.8982 18.8982 18.8982
8 18.3929 18.3929 18.3929
12 18.2157 18.2157 18.2157
EOD
$p0s7 << EOD
2 19.362 19.362 19.362
4 17.6171 17.6171 17.6171
8 15.3719 15.3719 15.3719
12 14.4991 14.4991 14.4991
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
