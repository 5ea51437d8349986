"""The study's shared machinery, for every experiment that `ringtmp figures` runs: simulated
runs (runs.py), tables over seeds (tables.py), the one plotting path (plot.py) and the
sentences a finding states (verdict.py). Standard library only: a fresh Debian 12 has it."""
