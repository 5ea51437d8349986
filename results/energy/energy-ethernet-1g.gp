set terminal pngcairo size 1000,520 font ',10'
set output "energy-ethernet-1g.png"
set title "Energy per training sample on ethernet-1g (simulated Pi 4Bs, all devices)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "joules per sample" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set xrange [2:16]
$s0 << EOD
2 0.00795092 0.00795092 0.00795092
4 0.00990039 0.00990039 0.00990039
8 0.0141917 0.0141917 0.0141917
16 0.0235878 0.0235878 0.0235878
EOD
$s1 << EOD
2 0.00795092 0.00795092 0.00795092
4 0.00990045 0.00990045 0.00990045
8 0.0144419 0.0144419 0.0144419
16 0.020175 0.020175 0.020175
EOD
$s2 << EOD
2 0.00760977 0.00760977 0.00760977
4 0.00870052 0.00870052 0.00870052
8 0.0107312 0.0107312 0.0107312
16 0.0132458 0.0132458 0.0132458
EOD
$s3 << EOD
2 0.015284 0.015284 0.015284
4 0.0278582 0.0278582 0.0278582
8 0.0787261 0.0787261 0.0787261
16 0.276477 0.276477 0.276477
EOD
$s4 << EOD
2 0.0159171 0.0159171 0.0159171
4 0.0212403 0.0212403 0.0212403
8 0.0476922 0.0476922 0.0476922
16 0.0874098 0.0874098 0.0874098
EOD
$s5 << EOD
2 0.0152263 0.0152263 0.0152263
4 0.0252531 0.0252531 0.0252531
8 0.0674492 0.0674492 0.0674492
16 0.23227 0.23227 0.23227
EOD
$s6 << EOD
2 0.00772346 0.00772346 0.00772346
4 0.00976772 0.00976772 0.00976772
8 0.0141713 0.0141713 0.0141713
16 0.024043 0.024043 0.024043
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
