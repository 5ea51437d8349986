set terminal pngcairo size 1000,520 font ',10'
set output "energy-cnn-ethernet-1g.png"
set title "Energy per training sample on ethernet-1g with the CNN (vgg-small) (simulated Pi 4Bs, all devices)" noenhanced
set xlabel "devices N (workers; ps adds its servers)" noenhanced
set ylabel "joules per sample" noenhanced
set key outside right top noenhanced
set grid
set logscale x 2
set logscale y
set format y "%g"
set xrange [2:12]
$p0s0 << EOD
2 0.23623 0.23623 0.23623
4 0.306662 0.306662 0.306662
8 0.458664 0.458664 0.458664
12 0.669625 0.669625 0.669625
EOD
$p0s1 << EOD
2 0.228649 0.228649 0.228649
4 0.299144 0.299144 0.299144
8 0.455382 0.455382 0.455382
12 0.664027 0.664027 0.664027
EOD
$p0s2 << EOD
2 0.222609 0.222609 0.222609
4 0.260097 0.260097 0.260097
8 0.343608 0.343608 0.343608
12 0.494596 0.494596 0.494596
EOD
$p0s3 << EOD
2 0.26239 0.26239 0.26239
4 0.233193 0.233193 0.233193
8 0.241755 0.241755 0.241755
12 0.276444 0.276444 0.276444
EOD
$p0s4 << EOD
2 0.334182 0.334182 0.334182
4 0.265487 0.265487 0.265487
8 0.243501 0.243501 0.243501
12 0.250974 0.250974 0.250974
EOD
$p0s5 << EOD
2 0.262356 0.262356 0.262356
4 0.230211 0.230211 0.230211
8 0.226735 0.226735 0.226735
12 0.237816 0.237816 0.237816
EOD
$p0s6 << EOD
2 0.186991 0.186991 0.186991
4 0.18803 0.18803 0.18803
8 0.190114 0.190114 0.190114
12 0.196761 0.196761 0.196761
EOD
$p0s7 << EOD
2 0.187 0.187 0.187
4 0.188074 0.188074 0.188074
8 0.190285 0.190285 0.190285
12 0.197124 0.197124 0.197124
EOD
plot $p0s0 using 1:2:3:4 with yerrorlines lw 2 title "ring-gpipe", \
     $p0s1 using 1:2:3:4 with yerrorlines lw 2 title "ring-1f1b", \
     $p0s2 using 1:2:3:4 with yerrorlines lw 2 title "ring-async", \
     $p0s3 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp", \
     $p0s4 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-k", \
     $p0s5 using 1:2:3:4 with yerrorlines lw 2 title "ps-asp", \
     $p0s6 using 1:2:3:4 with yerrorlines lw 2 title "ps-bsp-co", \
     $p0s7 using 1:2:3:4 with yerrorlines lw 2 title "allreduce"
