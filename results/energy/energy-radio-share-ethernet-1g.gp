set terminal pngcairo size 1000,520 font ',10'
set output "energy-radio-share-ethernet-1g.png"
set title "The radio's share of the energy, ethernet-1g with the MLP" noenhanced
set xlabel "devices N" noenhanced
set ylabel "radio joules / all joules" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:]
set xrange [2:64]
$p0s0 << EOD
2 0.146259
4 0.152075
8 0.159529
16 0.167175
32 0.173418
64 0.177548
EOD
$p0s1 << EOD
2 0.146259
4 0.152075
8 0.159602
16 0.167238
32 0.173518
64 0.177301
EOD
$p0s2 << EOD
2 0.143392
4 0.145026
8 0.151397
16 0.155206
32 0.160279
64 0.162436
EOD
$p0s3 << EOD
2 0.164016
4 0.171893
8 0.178265
16 0.180798
32 0.181547
64 0.181748
EOD
$p0s4 << EOD
2 0.164828
4 0.168885
8 0.175971
16 0.178597
32 0.180109
64 0.180924
EOD
$p0s5 << EOD
2 0.163917
4 0.170242
8 0.179455
16 0.182425
32 0.182901
64 0.182557
EOD
$p0s6 << EOD
2 0.146918
4 0.153806
8 0.17653
16 0.227994
32 0.262396
64 0.282331
EOD
$p0s7 << EOD
2 0.146905
4 0.153752
8 0.174887
16 0.224706
32 0.256616
64 0.272404
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
