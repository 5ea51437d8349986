set terminal pngcairo size 1000,520 font ',10'
set output "scaling-strong-wifi-n.png"
set title "Strong scaling on wifi-n with the MLP (global batch 256)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:64]
$p0s0 << EOD
2 263.891 263.891 263.891
4 299.296 299.296 299.296
8 156.446 156.446 156.446
16 72.4528 72.4528 72.4528
32 38.1561 38.1561 38.1561
64 19.6749 19.6749 19.6749
EOD
$p0s1 << EOD
2 240.394 240.394 240.394
4 254.782 254.782 254.782
8 154.921 154.921 154.921
16 72.0763 72.0763 72.0763
32 40.6673 40.6673 40.6673
64 21.1009 21.1009 21.1009
EOD
$p0s2 << EOD
2 261.304 261.304 261.304
4 306.434 306.434 306.434
8 158.352 158.352 158.352
16 66.3526 66.3526 66.3526
32 57.2419 57.2419 57.2419
64 43.1174 43.1174 43.1174
EOD
$p0s3 << EOD
2 9.0168 9.0168 9.0168
4 4.47279 4.47279 4.47279
8 2.01657 2.01657 2.01657
16 0.907908 0.907908 0.907908
32 0.604945 0.604945 0.604945
64 0.338512 0.338512 0.338512
EOD
$p0s4 << EOD
2 8.75802 8.75802 8.75802
4 4.01353 4.01353 4.01353
8 1.81376 1.81376 1.81376
16 0.888248 0.888248 0.888248
32 0.646047 0.646047 0.646047
64 0.417936 0.417936 0.417936
EOD
$p0s5 << EOD
2 9.01913 9.01913 9.01913
4 4.49417 4.49417 4.49417
8 2.02028 2.02028 2.02028
16 0.908396 0.908396 0.908396
32 0.60508 0.60508 0.60508
64 0.33856 0.33856 0.33856
EOD
$p0s6 << EOD
2 18.4485 18.4485 18.4485
4 6.46775 6.46775 6.46775
8 2.79446 2.79446 2.79446
16 1.30597 1.30597 1.30597
32 1.26335 1.26335 1.26335
64 0.903186 0.903186 0.903186
EOD
$p0s7 << EOD
2 17.5251 17.5251 17.5251
4 5.94565 5.94565 5.94565
8 2.30213 2.30213 2.30213
16 0.968117 0.968117 0.968117
32 0.933893 0.933893 0.933893
64 0.656717 0.656717 0.656717
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
