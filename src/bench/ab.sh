#!/usr/bin/env bash
# Two or more flux builds through run.sh's main case (flux alone), alternating: each build once,
# then each again, PAIRS times, so that whatever drifts on the machine meanwhile falls on every
# build alike (the same build's round medians of fetched seeks moved between 16 and 36 ms in one
# afternoon). Then a summary per build: seeks that had to be fetched (> 8 ms) as p25 / median /
# p75 and each round's median, T2, first byte, the whole file, CPU and RSS, and from flux's -v log
# the pieces fetched for a seek, in all and after their last block was read. The "alternating
# pairs" of HISTORY.md are runs of this.
#
#   src/bench/ab.sh OLD/target/flux target/flux    # OLD: a worktree of the baseline, built there
#   PAIRS=3 ROUNDS=2; PIECES, TR_UNCHOKE_AT and the rest as run.sh
#
# A variant of one build with other JVM options is a two-line wrapper script:
#   printf '#!/bin/sh\nFLUX_JAVA_OPTS=-Dx=y exec %s "$@"\n' "$PWD/target/flux" > /tmp/v/flux
# Results: target/bench/ab/<a|b|...><pair>/ (run.sh's own, with .log beside each), the summary
# in target/bench/ab/summary.txt. Needs what run.sh needs (root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$(cd "$here/../.." && pwd)/target/bench/ab}
pairs=${PAIRS:-3}
(($# >= 2 && $# <= 6)) || { echo "usage: ab.sh FLUX_A FLUX_B [... up to 6 builds]" >&2; exit 2; }
builds=()
for b in "$@"; do
  [[ -x $b ]] || { echo "ab.sh: $b is not an executable flux launcher" >&2; exit 2; }
  builds+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")")
done
letters=(a b c d e f)
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
rm -rf "$out" && mkdir -p "$out"
for ((i = 1; i <= pairs; i++)); do
  for k in "${!builds[@]}"; do
    run=$out/${letters[$k]}$i
    echo "ab.sh: pair $i, ${letters[$k]}: ${builds[$k]}" >&2
    FLUX=${builds[$k]} BENCH_OUT=$run ROUNDS=${ROUNDS:-2} CLIENTS=flux CASES=main "$here/run.sh" > "$run.log" 2>&1 \
      || echo "ab.sh: $run failed, see $run.log" >&2
  done
done
"$PY" "$here/bench.py" ab "$out" "${builds[@]}" | tee "$out/summary.txt"
