set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-cnn-ethernet-1g.png"
set title "Weak scaling on ethernet-1g with the CNN (vgg-small) (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 27.6232 27.6232 27.6232
4 41.6733 41.6733 41.6733
8 63.1822 63.1822 63.1822
12 70.3883 70.3883 70.3883
EOD
$p0s1 << EOD
2 31.6384 31.6384 31.6384
4 43.75 43.75 43.75
8 63.6824 63.6824 63.6824
12 70.8899 70.8899 70.8899
EOD
$p0s2 << EOD
2 35.7975 35.7975 35.7975
4 59.0434 59.0434 59.0434
8 87.1942 87.1942 87.1942
12 88.8501 88.8501 88.8501
EOD
$p0s3 << EOD
2 42.8796 42.8796 42.8796
4 81.4078 81.4078 81.4078
8 147.815 147.815 147.815
12 203.018 203.018 203.018
EOD
$p0s4 << EOD
2 44.0608 44.0608 44.0608
4 85.7654 85.7654 85.7654
8 162.824 162.824 162.824
12 244.233 244.233 244.233
EOD
$p0s5 << EOD
2 42.9059 42.9059 42.9059
4 83.8784 83.8784 83.8784
8 159.764 159.764 159.764
12 228.821 228.821 228.821
EOD
$p0s6 << EOD
2 44.6717 44.6717 44.6717
4 88.7296 88.7296 88.7296
8 176.842 176.842 176.842
12 264.944 264.944 264.944
EOD
$p0s7 << EOD
2 44.6642 44.6642 44.6642
4 88.6843 88.6843 88.6843
8 176.658 176.658 176.658
12 264.536 264.536 264.536
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
