set terminal pngcairo size 900,520 font ',10'
set output "cost-model-bandwidth-1f1b.png"
set title "Ring 1f1b: time per iteration as c/T is swept by the link's bandwidth" noenhanced
set xlabel "c/T (a link's time per micro-batch over a stage's compute per micro-batch)" noenhanced
set ylabel "seconds per iteration" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [0.015887:81.3528]
$p0s0 << EOD
0.015887 0.142612
0.0890976 0.150167
0.170443 0.158561
0.414478 0.183751
0.821203 0.227641
1.63465 0.32875
4.07501 0.720534
8.14226 1.37643
16.2768 2.68823
40.6803 6.62363
81.3528 13.1826
EOD
$p0s1 << EOD
0.015887 0.14189
0.0890976 0.14189
0.170443 0.14189
0.414478 0.14189
0.821203 0.14189
1.63465 0.231942
4.07501 0.578204
8.14226 1.15531
16.2768 2.30952
40.6803 5.77214
81.3528 11.5432
EOD
$p0s2 << EOD
0.015887 0.144145
0.0890976 0.154532
0.170443 0.166074
0.414478 0.200701
0.821203 0.258411
1.63465 0.373832
4.07501 0.720094
8.14226 1.2972
16.2768 2.45141
40.6803 5.91403
81.3528 11.6851
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "measured (simulated)", \
     $p0s1 using 1:2 with lines lw 2 dt 2 title "I x max(c, T): overlap", \
     $p0s2 using 1:2 with lines lw 2 title "I x (c + T): no overlap"
