# Sourced by compare.sh and fit.sh. sim_cases BIN NS3_CSV PLATFORMS PATTERNS: every case of
# NS3_CSV (pattern, standard, stations, bytes) whose pattern matches the extended regex
# PATTERNS, through sim_patterns (BIN) for as many rounds as ns-3 ran, on wifi-n for 802.11n
# and wifi-ac for 802.11ac from PLATFORMS, each air hop at the profile's air_latency_s (ns-3
# models no host stack: sim_patterns --latency air). Prints the CSV, header first.
sim_cases() {
  local bin=$1 ns3_csv=$2 platforms=$3 patterns=$4
  echo "pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean"
  tail -n +2 "$ns3_csv" | awk -F, -v want="^($patterns)\$" '$1 ~ want { k = $1 "," $2 "," $3 "," $4;
      if (!(k in n)) order[++m] = k; n[k]++ } END { for (i = 1; i <= m; i++) print order[i] "," n[order[i]] }' |
    while IFS=, read -r pattern standard stations bytes rounds; do
      "$bin" --pattern "$pattern" --network "wifi-$standard" --stations "$stations" --bytes "$bytes" \
        --rounds "$rounds" --platforms "$platforms" --latency air | tail -n +2
    done
}
