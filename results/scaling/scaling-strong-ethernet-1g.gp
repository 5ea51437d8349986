set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-ethernet-1g.png"
set title "Strong scaling on ethernet-1g with the MLP (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:64]
$p0s0 << EOD
2 274.132 274.132 274.132
4 441.052 441.052 441.052
8 630.153 630.153 630.153
16 790.114 790.114 790.114
32 873.867 873.867 873.867
64 867.764 867.764 867.764
EOD
$p0s1 << EOD
2 274.132 274.132 274.132
4 441.051 441.051 441.051
8 627.809 627.809 627.809
16 786.432 786.432 786.432
32 862.981 862.981 862.981
64 919.328 919.328 919.328
EOD
$p0s2 << EOD
2 298.024 298.024 298.024
4 564.259 564.259 564.259
8 893.836 893.836 893.836
16 1525.48 1525.48 1525.48
32 2391.15 2391.15 2391.15
64 4246.45 4246.45 4246.45
EOD
$p0s3 << EOD
2 183.452 183.452 183.452
4 162.439 162.439 162.439
8 100.656 100.656 100.656
16 53.5439 53.5439 53.5439
32 27.2099 27.2099 27.2099
64 13.6617 13.6617 13.6617
EOD
$p0s4 << EOD
2 232.293 232.293 232.293
4 258.525 258.525 258.525
8 186.47 186.47 186.47
16 201.349 201.349 201.349
32 209.682 209.682 209.682
64 214.042 214.042 214.042
EOD
$p0s5 << EOD
2 184.336 184.336 184.336
4 190.537 190.537 190.537
8 123.567 123.567 123.567
16 66.9939 66.9939 66.9939
32 36.3885 36.3885 36.3885
64 18.8053 18.8053 18.8053
EOD
$p0s6 << EOD
2 267.665 267.665 267.665
4 409.89 409.89 409.89
8 558.091 558.091 558.091
16 680.966 680.966 680.966
32 764.492 764.492 764.492
64 812.827 812.827 812.827
EOD
$p0s7 << EOD
2 267.081 267.081 267.081
4 407.598 407.598 407.598
8 552.375 552.375 552.375
16 669.544 669.544 669.544
32 743.737 743.737 743.737
64 775.859 775.859 775.859
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
