set terminal pngcairo size 1000,520 font ',10'
set output "idle-cnn-ethernet-1g.png"
set title "Idle fraction of the workers on ethernet-1g with the CNN (vgg-small) (simulated Pi 4Bs)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "idle fraction (mean; bars: min..max over seeds)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:12]
$p0s0 << EOD
2 0.236664 0.236664 0.236664
4 0.439112 0.439112 0.439112
8 0.631728 0.631728 0.631728
12 0.733388 0.733388 0.733388
EOD
$p0s1 << EOD
2 0.219275 0.219275 0.219275
4 0.427433 0.427433 0.427433
8 0.634092 0.634092 0.634092
12 0.738125 0.738125 0.738125
EOD
$p0s2 << EOD
2 0.193065 0.193065 0.193065
4 0.325259 0.325259 0.325259
8 0.499955 0.499955 0.499955
12 0.643422 0.643422 0.643422
EOD
$p0s3 << EOD
2 0.0140097 0.0140097 0.0140097
4 0.0536203 0.0536203 0.0536203
8 0.184522 0.184522 0.184522
12 0.330299 0.330299 0.330299
EOD
$p0s4 << EOD
2 0.00707351 0.00707351 0.00707351
4 0.0275879 0.0275879 0.0275879
8 0.101712 0.101712 0.101712
12 0.13359 0.13359 0.13359
EOD
$p0s5 << EOD
2 0.0138526 0.0138526 0.0138526
4 0.0387041 0.0387041 0.0387041
8 0.118599 0.118599 0.118599
12 0.19893 0.19893 0.19893
EOD
$p0s6 << EOD
2 0.00359421 0.00359421 0.00359421
4 0.0105965 0.0105965 0.0105965
8 0.0243227 0.0243227 0.0243227
12 0.0657753 0.0657753 0.0657753
EOD
$p0s7 << EOD
2 0.00353922 0.00353922 0.00353922
4 0.010646 0.010646 0.010646
8 0.0249601 0.0249601 0.0249601
12 0.0673197 0.0673197 0.0673197
EOD
$p0s8 << EOD
2 0.111111111
4 0.272727273
8 0.466666667
12 0.578947368
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $p0s8 using 1:2 with lines lw 2 dt 2 title "gpipe bubble (N-1)/(M+N-1), M=8"
