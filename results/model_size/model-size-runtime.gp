set terminal pngcairo size 900,520 font ',10'
set output "model-size-runtime.png"
set title "Each node's memory: the plan behind maxmodel against the kernel's count" noenhanced
set xlabel "node; each case from: 1 ring-1f1b@2, 3 ring-1f1b@4, 7 ps-1-server@2, 10 ps-1-server@4, 15 allreduce@2, 17 allreduce@4" noenhanced
set ylabel "MiB" noenhanced
set key top left noenhanced
set grid
set logscale y
set format y "%g"
set xrange [0:21]
$p0s0 << EOD
1 192.615479
2 294.149734
3 64.3088379
4 166.476562
5 166.546875
6 165.880203
7 654.930534
8 655.075066
9 1059.26582
10 653.597282
11 653.194939
12 653.448845
13 653.417595
14 1877.30503
15 552.53989
16 552.246922
17 499.679287
18 499.921474
19 499.855068
20 499.921474
EOD
$p0s1 << EOD
1 197.980469
2 301.585938
3 69.0273438
4 174.027344
5 174.550781
6 173.882812
7 863.222656
8 863.96875
9 1147.48047
10 861.960938
11 862.207031
12 861.847656
13 862.011719
14 1672.47266
15 761.253906
16 761.59375
17 657.351562
18 657.863281
19 657.3125
20 708.964844
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "plan + baseline (what the memory plan predicts)", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "peak RSS, measured (launch --local)"
