set terminal pngcairo size 900,520 font ',10'
set output "model-size-runtime.png"
set title "Each node's memory: the plan behind maxmodel against the kernel's count" noenhanced
set xlabel "node; each case from: 1 ring-1f1b@2, 3 ring-1f1b@4, 7 ps-1-server@2, 10 ps-1-server@4, 15 allreduce@2, 17 allreduce@4" noenhanced
set ylabel "MiB" noenhanced
set key top left noenhanced
set grid
set logscale y
set xrange [0:21]
$p0s0 << EOD
1 191.849854
2 293.079422
3 64.5432129
4 166.792969
5 166.222656
6 166.122391
7 655.200066
8 655.297722
9 1059.12519
10 653.386345
11 653.757439
12 653.503532
13 653.507439
14 1877.62144
15 552.493015
16 552.000828
17 499.987881
18 499.983974
19 499.980068
20 499.710537
EOD
$p0s1 << EOD
1 197.832031
2 302
3 69.7226562
4 175.542969
5 174.429688
6 173.558594
7 1067.44141
8 1068.49219
9 1671.96094
10 1066.23047
11 1067.08203
12 1066.15234
13 1066.60938
14 2489.87109
15 760.554688
16 760.105469
17 708.429688
18 657.933594
19 657.5625
20 657.828125
EOD
plot $p0s0 using 1:2 with points pt 7 ps 1.5 lw 2 title "plan + baseline (what the memory plan predicts)", \
     $p0s1 using 1:2 with points pt 5 ps 1.5 lw 2 title "peak RSS, measured (launch --local)"
