set terminal pngcairo size 900,520 font ',10'
set output "cost-model-microbatch-gpipe.png"
set title "Ring gpipe: time per iteration as c/T is swept by the micro-batch size" noenhanced
set xlabel "c/T (a link's time per micro-batch over a stage's compute per micro-batch)" noenhanced
set ylabel "seconds per iteration" noenhanced
set key top left noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [0.813942:1.07845]
$p0s0 << EOD
0.813942 0.659829
0.81498 0.390343
0.817054 0.2556
0.821203 0.188226
0.829502 0.15454
0.846098 0.137697
0.879291 0.133005
0.945677 0.142687
1.07845 0.192482
EOD
$p0s1 << EOD
0.813942 0.412772
0.81498 0.257982
0.817054 0.180588
0.821203 0.14189
0.829502 0.122542
0.846098 0.112867
0.879291 0.10803
0.945677 0.105612
1.07845 0.112592
EOD
$p0s2 << EOD
0.813942 0.748744
0.81498 0.468233
0.817054 0.328138
0.821203 0.258411
0.829502 0.22419
0.846098 0.208364
0.879291 0.20302
0.945677 0.205486
1.07845 0.216995
EOD
plot $p0s0 using 1:2 with linespoints lw 2 title "measured (simulated)", \
     $p0s1 using 1:2 with lines lw 2 dt 2 title "I x max(c, T): overlap", \
     $p0s2 using 1:2 with lines lw 2 title "I x (c + T): no overlap"
