set terminal pngcairo size 1000,520 font ',10'
set output "energy-wifi-n.png"
set title "Energy per training sample on wifi-n with the MLP (simulated Pi 4Bs, all devices)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "joules per sample" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:64]
$p0s0 << EOD
2 0.0327036 0.0327036 0.0327036
4 0.0534133 0.0534133 0.0534133
8 0.187056 0.187056 0.187056
16 0.785766 0.785766 0.785766
32 2.96327 2.96327 2.96327
64 11.4668 11.4668 11.4668
EOD
$p0s1 << EOD
2 0.0353111 0.0353111 0.0353111
4 0.0616325 0.0616325 0.0616325
8 0.188828 0.188828 0.188828
16 0.789826 0.789826 0.789826
32 2.78098 2.78098 2.78098
64 10.693 10.693 10.693
EOD
$p0s2 << EOD
2 0.0330489 0.0330489 0.0330489
4 0.0523988 0.0523988 0.0523988
8 0.18497 0.18497 0.18497
16 0.857312 0.857312 0.857312
32 1.97905 1.97905 1.97905
64 5.24157 5.24157 5.24157
EOD
$p0s3 << EOD
2 1.19944 1.19944 1.19944
4 3.98564 3.98564 3.98564
8 15.8055 15.8055 15.8055
16 66.0952 66.0952 66.0952
32 192.382 192.382 192.382
64 676.622 676.622 676.622
EOD
$p0s4 << EOD
2 1.63596 1.63596 1.63596
4 5.31293 5.31293 5.31293
8 19.5028 19.5028 19.5028
16 79.4425 79.4425 79.4425
32 218.306 218.306 218.306
64 674.512 674.512 674.512
EOD
$p0s5 << EOD
2 1.19914 1.19914 1.19914
4 3.96694 3.96694 3.96694
8 15.7766 15.7766 15.7766
16 66.0598 66.0598 66.0598
32 192.34 192.34 192.34
64 676.528 676.528 676.528
EOD
$p0s6 << EOD
2 0.398677 0.398677 0.398677
4 2.21647 2.21647 2.21647
8 10.1615 10.1615 10.1615
16 43.2992 43.2992 43.2992
32 89.5137 89.5137 89.5137
64 250.141 250.141 250.141
EOD
$p0s7 << EOD
2 0.418798 0.418798 0.418798
4 2.40768 2.40768 2.40768
8 12.3166 12.3166 12.3166
16 58.3492 58.3492 58.3492
32 120.968 120.968 120.968
64 343.754 343.754 343.754
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
