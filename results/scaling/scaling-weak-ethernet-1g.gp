set terminal pngcairo size 1000,520 font ',10'
set output "scaling-weak-ethernet-1g.png"
set title "Weak scaling on ethernet-1g with the MLP (32 samples per device, N micro-batches)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:64]
$p0s0 << EOD
2 207.362 207.362 207.362
4 349.761 349.761 349.761
8 630.153 630.153 630.153
16 1137.37 1137.37 1137.37
32 1956.52 1956.52 1956.52
64 3126.09 3126.09 3126.09
EOD
$p0s1 << EOD
2 207.362 207.362 207.362
4 351.215 351.215 351.215
8 627.809 627.809 627.809
16 1120.39 1120.39 1120.39
32 1894.02 1894.02 1894.02
64 4116.36 4116.36 4116.36
EOD
$p0s2 << EOD
2 285.725 285.725 285.725
4 542.671 542.671 542.671
8 893.836 893.836 893.836
16 1676.38 1676.38 1676.38
32 2988.49 2988.49 2988.49
64 4728.42 4728.42 4728.42
EOD
$p0s3 << EOD
2 81.0982 81.0982 81.0982
4 93.1667 93.1667 93.1667
8 100.656 100.656 100.656
16 104.871 104.871 104.871
32 107.114 107.114 107.114
64 108.272 108.272 108.272
EOD
$p0s4 << EOD
2 129.094 129.094 129.094
4 162.409 162.409 162.409
8 186.47 186.47 186.47
16 373.049 373.049 373.049
32 746.1 746.1 746.1
64 1491.77 1491.77 1491.77
EOD
$p0s5 << EOD
2 81.7918 81.7918 81.7918
4 109.432 109.432 109.432
8 123.567 123.567 123.567
16 130.968 130.968 130.968
32 142.289 142.289 142.289
64 148.53 148.53 148.53
EOD
$p0s6 << EOD
2 182.791 182.791 182.791
4 302.986 302.986 302.986
8 558.091 558.091 558.091
16 1073.41 1073.41 1073.41
32 2105.11 2105.11 2105.11
64 4164.42 4164.42 4164.42
EOD
$p0s7 << EOD
2 181.706 181.706 181.706
4 300.489 300.489 300.489
8 552.375 552.375 552.375
16 1059.17 1059.17 1059.17
32 2065.43 2065.43 2065.43
64 4041.11 4041.11 4041.11
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
