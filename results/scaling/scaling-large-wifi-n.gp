set terminal pngcairo size 1000,520 font ',10'
set output "scaling-large-wifi-n.png"
set title "Weak scaling to 1024 devices on wifi-n (timing only, 32 samples per device)" noenhanced
set xlabel "devices N" noenhanced
set ylabel "training samples per simulated second" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [64:1024]
$p0s0 << EOD
64 141.879
128 139.98
256 128.7
512 129.573
1024 127.168
EOD
$p0s1 << EOD
64 2.69497
EOD
$p0s2 << EOD
64 3.32708
128 5.13887
256 10.264
512 19.5837
1024 10.7949
EOD
$p0s3 << EOD
64 5.22746
128 10.3456
256 18.7433
512 37.0298
1024 72.4992
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "ring-1f1b", \
     $p0s1 using 1:2 with linespoints lw 2 title "ps-bsp", \
     $p0s2 using 1:2 with linespoints lw 2 title "ps-bsp-k", \
     $p0s3 using 1:2 with linespoints lw 2 title "allreduce"
