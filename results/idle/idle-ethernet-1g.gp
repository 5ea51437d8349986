set terminal pngcairo size 1000,520 font ',10'
set output "idle-ethernet-1g.png"
set title "Idle fraction of the workers on ethernet-1g (simulated Pi 4Bs)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "idle fraction (mean; bars: min..max over seeds)" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:16]
$s0 << EOD
2 0.184592 0.184592 0.184592
4 0.356581 0.356581 0.356581
8 0.563675 0.563675 0.563675
16 0.697959 0.697959 0.697959
EOD
$s1 << EOD
2 0.184592 0.184592 0.184592
4 0.361988 0.361988 0.361988
8 0.572091 0.572091 0.572091
16 0.662353 0.662353 0.662353
EOD
$s2 << EOD
2 0.123855 0.123855 0.123855
4 0.243369 0.243369 0.243369
8 0.391038 0.391038 0.391038
16 0.461161 0.461161 0.461161
EOD
$s3 << EOD
2 0.432067 0.432067 0.432067
4 0.752116 0.752116 0.752116
8 0.923675 0.923675 0.923675
16 0.979625 0.979625 0.979625
EOD
$s4 << EOD
2 0.27585 0.27585 0.27585
4 0.60286 0.60286 0.60286
8 0.858178 0.858178 0.858178
16 0.923062 0.923062 0.923062
EOD
$s5 << EOD
2 0.429598 0.429598 0.429598
4 0.724891 0.724891 0.724891
8 0.910469 0.910469 0.910469
16 0.975677 0.975677 0.975677
EOD
$s6 << EOD
2 0.158598 0.158598 0.158598
4 0.360834 0.360834 0.360834
8 0.567655 0.567655 0.567655
16 0.736555 0.736555 0.736555
EOD
$s7 << EOD
2 0.111111111
4 0.272727273
8 0.466666667
16 0.652173913
EOD
plot $s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $s6 using 1:2:3:4 with yerrorlines lw 2 title "allreduce", \
     $s7 using 1:2 with lines lw 2 dt 2 title "gpipe bubble (N-1)/(M+N-1), M=8"
