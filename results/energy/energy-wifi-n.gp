set terminal pngcairo size 1000,520 font ',10'
set output "energy-wifi-n.png"
set title "Energy per training sample on wifi-n (simulated Pi 4Bs, all devices)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "joules per sample" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 0.0102348 0.0102348 0.0102348
4 0.0402886 0.0402886 0.0402886
8 0.180963 0.180963 0.180963
16 0.78637 0.78637 0.78637
EOD
$s1 << EOD
2 0.0122007 0.0122007 0.0122007
4 0.0403611 0.0403611 0.0403611
8 0.180056 0.180056 0.180056
16 0.792773 0.792773 0.792773
EOD
$s2 << EOD
2 0.0117407 0.0117407 0.0117407
4 0.0382077 0.0382077 0.0382077
8 0.180715 0.180715 0.180715
16 0.84553 0.84553 0.84553
EOD
$s3 << EOD
2 0.315008 0.315008 0.315008
4 1.04713 1.04713 1.04713
8 4.1521 4.1521 4.1521
16 17.3613 17.3613 17.3613
EOD
$s4 << EOD
2 0.429726 0.429726 0.429726
4 1.39598 1.39598 1.39598
8 5.12385 5.12385 5.12385
16 20.8744 20.8744 20.8744
EOD
$s5 << EOD
2 0.314942 0.314942 0.314942
4 1.04469 1.04469 1.04469
8 4.14572 4.14572 4.14572
16 17.351 17.351 17.351
EOD
$s6 << EOD
2 0.109904 0.109904 0.109904
4 0.633605 0.633605 0.633605
8 3.24349 3.24349 3.24349
16 15.3436 15.3436 15.3436
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
