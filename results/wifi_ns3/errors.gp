set terminal pngcairo size 1200,760 font ',10'
set output "errors.png"
set multiplot layout 2,3 title "Simulator vs ns-3 (802.11, TCP through one access point): completion time, sim / ns-3" noenhanced
set title "pingpong" noenhanced
set xlabel "message size" noenhanced
set ylabel "sim / ns-3" noenhanced
set key top right noenhanced
set grid
set logscale x 2
set logscale y
set yrange [0.5:100]
set xrange [1024:8388608]
set key font ",7"
set format x "%.0s%cB"
set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
$p0s0 << EOD
1024 0.897145582
4096 1.04705481
16384 1.19143922
65536 1.19605402
262144 1.11447987
1048576 1.06476553
4194304 1.07720715
8388608 1.03816149
EOD
$p0s1 << EOD
1024 0.974095157
4096 1.00934794
16384 1.08907084
65536 1.04038721
262144 0.987774512
1048576 0.965929724
4194304 0.939390298
8388608 0.922560249
EOD
plot $p0s0 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#1b9e77" title "11ac,N=2", \
     $p0s1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#1b9e77" title "11n,N=2"
reset
set title "stream" noenhanced
set xlabel "message size" noenhanced
set ylabel "sim / ns-3" noenhanced
set key top right noenhanced
set grid
set logscale x 2
set logscale y
set yrange [0.5:100]
set xrange [1024:8388608]
set key font ",7"
set format x "%.0s%cB"
set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
$p1s0 << EOD
1024 2.07755274
4096 1.24113708
16384 1.21855428
65536 1.11926802
262144 1.08404146
1048576 1.06440231
4194304 1.07522488
8388608 1.07809553
EOD
$p1s1 << EOD
1024 0.591300492
4096 0.614995404
16384 0.896805336
65536 0.909251796
262144 0.964360009
1048576 0.931044144
4194304 0.904699291
8388608 0.92253571
EOD
plot $p1s0 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#1b9e77" title "11ac,N=2", \
     $p1s1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#1b9e77" title "11n,N=2"
reset
set title "ring" noenhanced
set xlabel "message size" noenhanced
set ylabel "sim / ns-3" noenhanced
set key top right noenhanced
set grid
set logscale x 2
set logscale y
set yrange [0.5:100]
set xrange [1024:8388608]
set key font ",7"
set format x "%.0s%cB"
set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
$p2s0 << EOD
1024 0.826764321
16384 1.08649398
262144 1.13288165
1048576 1.1406787
8388608 1.108701
EOD
$p2s1 << EOD
1024 0.6463235
16384 0.907866498
262144 1.07378155
1048576 1.08901255
8388608 1.05611416
EOD
$p2s2 << EOD
1024 0.594149728
16384 0.958014914
262144 1.02602141
1048576 0.975336582
EOD
$p2s3 << EOD
1024 0.669183627
16384 1.00019406
262144 0.940466655
1048576 1.06273553
EOD
$p2s4 << EOD
1024 0.679442671
16384 0.96321511
262144 0.926793016
1048576 1.07895826
EOD
$p2s5 << EOD
1024 0.603029678
16384 0.798795478
262144 1.06961909
1048576 1.03232101
8388608 0.906410142
EOD
$p2s6 << EOD
1024 0.759548923
16384 0.91021815
262144 1.06170837
1048576 1.03171457
8388608 0.911531992
EOD
$p2s7 << EOD
1024 0.67528579
16384 1.01492173
262144 1.01435491
1048576 0.986372082
EOD
$p2s8 << EOD
1024 0.760798267
16384 0.923717076
262144 0.919572951
1048576 1.08688653
EOD
$p2s9 << EOD
1024 0.883015026
16384 0.957461917
262144 0.960557366
1048576 1.04170623
EOD
plot $p2s0 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#1b9e77" title "11ac,N=2", \
     $p2s1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#d95f02" title "11ac,N=4", \
     $p2s2 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#7570b3" title "11ac,N=8", \
     $p2s3 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#e7298a" title "11ac,N=16", \
     $p2s4 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#66a61e" title "11ac,N=24", \
     $p2s5 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#1b9e77" title "11n,N=2", \
     $p2s6 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#d95f02" title "11n,N=4", \
     $p2s7 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#7570b3" title "11n,N=8", \
     $p2s8 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#e7298a" title "11n,N=16", \
     $p2s9 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#66a61e" title "11n,N=24"
reset
set title "ps" noenhanced
set xlabel "message size" noenhanced
set ylabel "sim / ns-3" noenhanced
set key top right noenhanced
set grid
set logscale x 2
set logscale y
set yrange [0.5:100]
set xrange [1024:8388608]
set key font ",7"
set format x "%.0s%cB"
set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
$p3s0 << EOD
1024 0.943408863
16384 1.18266292
262144 1.14689876
1048576 1.10051395
8388608 1.06310679
EOD
$p3s1 << EOD
1024 0.720681016
16384 1.00437951
262144 1.03508361
1048576 1.05194773
8388608 1.03619524
EOD
$p3s2 << EOD
1024 0.741090606
16384 0.871485021
262144 0.979433867
1048576 0.93207273
EOD
$p3s3 << EOD
1024 0.780054649
16384 1.04905755
262144 1.00858585
1048576 1.08221727
EOD
$p3s4 << EOD
1024 0.798879674
16384 0.965406293
262144 0.872907449
EOD
$p3s5 << EOD
1024 0.986862394
16384 1.08497524
262144 0.999434522
1048576 0.965246154
8388608 0.909854979
EOD
$p3s6 << EOD
1024 0.933743447
16384 1.1204319
262144 0.965876047
1048576 0.981668058
8388608 0.936835506
EOD
$p3s7 << EOD
1024 0.972141761
16384 1.04292165
262144 0.88048351
1048576 0.946920406
EOD
$p3s8 << EOD
1024 0.925715951
16384 1.02150494
262144 0.921276668
1048576 1.04225184
EOD
$p3s9 << EOD
1024 1.07266111
16384 0.904011099
262144 0.973862607
EOD
plot $p3s0 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#1b9e77" title "11ac,N=2", \
     $p3s1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#d95f02" title "11ac,N=4", \
     $p3s2 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#7570b3" title "11ac,N=8", \
     $p3s3 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#e7298a" title "11ac,N=16", \
     $p3s4 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#66a61e" title "11ac,N=24", \
     $p3s5 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#1b9e77" title "11n,N=2", \
     $p3s6 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#d95f02" title "11n,N=4", \
     $p3s7 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#7570b3" title "11n,N=8", \
     $p3s8 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#e7298a" title "11n,N=16", \
     $p3s9 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#66a61e" title "11n,N=24"
reset
set title "allreduce" noenhanced
set xlabel "message size" noenhanced
set ylabel "sim / ns-3" noenhanced
set key top right noenhanced
set grid
set logscale x 2
set logscale y
set yrange [0.5:100]
set xrange [1024:8388608]
set key font ",7"
set format x "%.0s%cB"
set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
$p4s0 << EOD
1024 0.802178021
16384 1.18393037
262144 1.13068455
1048576 1.13522271
8388608 1.08994716
EOD
$p4s1 << EOD
1024 0.914784127
16384 0.980528504
262144 1.1167215
1048576 1.09756514
8388608 0.987198778
EOD
$p4s2 << EOD
1024 0.938529285
16384 1.07009993
262144 1.07079617
1048576 0.977156885
EOD
$p4s3 << EOD
1024 1.25619731
16384 1.46512458
262144 1.3706052
1048576 1.18006058
EOD
$p4s4 << EOD
1024 1.23384324
16384 1.32350978
262144 1.37711457
EOD
$p4s5 << EOD
1024 0.939211578
16384 0.884137492
262144 1.02014704
1048576 1.02635073
8388608 0.895886744
EOD
$p4s6 << EOD
1024 1.05380567
16384 1.03476831
262144 1.01964398
1048576 0.958982331
8388608 0.940721289
EOD
$p4s7 << EOD
1024 1.18063825
16384 1.27512474
262144 1.02532558
1048576 1.02379999
EOD
$p4s8 << EOD
1024 1.41787376
16384 1.45735106
262144 1.2215933
1048576 1.08924266
EOD
$p4s9 << EOD
1024 1.52656834
16384 1.55057145
262144 1.25043751
EOD
plot $p4s0 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#1b9e77" title "11ac,N=2", \
     $p4s1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#d95f02" title "11ac,N=4", \
     $p4s2 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#7570b3" title "11ac,N=8", \
     $p4s3 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#e7298a" title "11ac,N=16", \
     $p4s4 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc rgb "#66a61e" title "11ac,N=24", \
     $p4s5 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#1b9e77" title "11n,N=2", \
     $p4s6 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#d95f02" title "11n,N=4", \
     $p4s7 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#7570b3" title "11n,N=8", \
     $p4s8 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#e7298a" title "11n,N=16", \
     $p4s9 using 1:2 with linespoints pt 7 ps 0.5 lw 2 dt 2 lc rgb "#66a61e" title "11n,N=24"
unset multiplot
