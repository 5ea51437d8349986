set terminal pngcairo size 900,520 font ',10'
set output "cost-model-bandwidth-1f1b.png"
set title "Ring 1f1b: time per iteration as c/T is swept by the link's bandwidth" noenhanced
set xlabel "c/T (a link's time per micro-batch over a stage's compute per micro-batch)" noenhanced
set ylabel "seconds per iteration" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set logscale y
set xrange [0.015887:81.3528]
$s0 << EOD
0.015887 0.142612
0.0890976 0.150167
0.278903 0.169754
0.821203 0.227641
2.71926 0.501901
8.14226 1.37643
27.1228 4.4373
81.3528 13.1826
EOD
$s1 << EOD
0.015887 0.14189
0.0890976 0.14189
0.278903 0.14189
0.821203 0.14189
2.71926 0.385836
8.14226 1.15531
27.1228 3.84846
81.3528 11.5432
EOD
$s2 << EOD
0.015887 0.144145
0.0890976 0.154532
0.278903 0.181464
0.821203 0.258411
2.71926 0.527726
8.14226 1.2972
27.1228 3.99035
81.3528 11.6851
EOD
plot $s0 using 1:2 with linespoints lw 2 title "measured (simulated)", \
     $s1 using 1:2 with lines lw 2 dt 2 title "I x max(c, T): overlap", \
     $s2 using 1:2 with lines lw 2 title "I x (c + T): no overlap"
