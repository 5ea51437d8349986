# ringtmp maxmodel's figure: gnuplot -e "out_dir='.'" maxmodel.gp, in its folder
set terminal pngcairo size 720,480 font ',10'
set output out_dir.'/maxmodel.png'
set title 'Largest model that fits: pi3b+ x N, grow width'
set xlabel 'devices N (ring stages; ps and allreduce workers)'
set ylabel 'largest trainable model (parameters)'
set logscale xy 2
set logscale y 10
set format y '10^{%L}'
set key outside right top
set grid
$v0 << EOD
1 71887750
2 106591830
4 205488835
8 600663475
16 1391012755
32 2971711315
64 6133108435
EOD
$v1 << EOD
1 71887750
2 106591830
4 205488835
8 600663475
16 1391012755
32 2971711315
64 6133108435
EOD
$v2 << EOD
1 71853802
2 105952207
4 70137784
8 120758830
16 152993309
32 170033455
64 176637809
EOD
$v3 << EOD
1 48046855
2 40151407
4 22302004
8 11796361
16 6084743
32 3080755
64 1543079
EOD
$v4 << EOD
1 48046855
2 40151407
4 22302004
8 23608672
16 24304105
32 24660205
64 24832804
EOD
$v5 << EOD
1 24107082
2 26405322
4 27720305
8 28428847
16 28773005
32 28968265
64 28996597
EOD
$v6 << EOD
1 71887750
2 57966982
4 64610234
8 68509537
16 70604809
32 71674630
64 72301969
EOD
plot $v0 using 1:2 with linespoints lw 2 pt 4 title 'ring gpipe', $v1 using 1:2 with linespoints lw 2 pt 5 title 'ring 1f1b', $v2 using 1:2 with linespoints lw 2 pt 6 title 'ring async', $v3 using 1:2 with linespoints lw 2 pt 7 title 'ps (1 server)', $v4 using 1:2 with linespoints lw 2 pt 8 title 'ps (N/4 servers)', $v5 using 1:2 with linespoints lw 2 pt 9 title 'ps (N servers on the workers'' devices)', $v6 using 1:2 with linespoints lw 2 pt 10 title 'allreduce'
