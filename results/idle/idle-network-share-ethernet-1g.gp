set terminal pngcairo size 1000,520 font ',10'
set output "idle-network-share-ethernet-1g.png"
set title "How much of the workers' idle time is the network, ethernet-1g with the MLP" noenhanced
set xlabel "devices N" noenhanced
set ylabel "idle waiting on bytes in flight / all idle" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set yrange [0:1]
set xrange [2:64]
$p0s0 << EOD
2 0.0146538704
4 0.0124117396
8 0.0076993439
16 0.00990336656
32 0.0167723672
64 0.0130701676
EOD
$p0s1 << EOD
2 0.0146538704
4 0.0162950815
8 0.0160441244
16 0.0174522993
32 0.0205265592
64 0.0225130356
EOD
$p0s2 << EOD
2 0.0458389371
4 0.0438943453
8 0.0312290311
16 0.0467220702
32 0.0723417241
64 0.170664591
EOD
$p0s3 << EOD
2 0.496357149
4 0.49725625
8 0.497706721
16 0.497931742
32 0.498045461
64 0.498101399
EOD
$p0s4 << EOD
2 0.496365076
4 0.828628835
8 0.924217496
16 0.896154974
32 0.883434059
64 0.877265605
EOD
$p0s5 << EOD
2 0.496557748
4 0.447962571
8 0.483068934
16 0.475776762
32 0.484798885
64 0.492144184
EOD
$p0s6 << EOD
2 0.492786057
4 0.496339894
8 0.497329666
16 0.497659582
32 0.497676856
64 0.497426833
EOD
$p0s7 << EOD
2 1
4 0.999988531
8 0.999974682
16 0.999937679
32 0.999843649
64 0.99915685
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-gpipe", \
     $p0s1 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s2 using 1:2 with linespoints lw 2 title "ring-async", \
     $p0s3 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s4 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2 with linespoints lw 2 title "ps-asp", \
     $p0s6 using 1:2 with linespoints lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2 with linespoints lw 2 title "allreduce"
