#!/usr/bin/env bash
# A large file from a flux seeder, to each client in turn.
#
#   mvn -q package -DskipTests && src/bench/big-file.sh
#
# `flux create` makes the torrent of a SIZE_MIB file of random bytes (the piece size it picks:
# 1 MiB for 1 GiB) and `flux seed` seeds it from that .torrent on 127.0.0.2 behind opentracker, in
# a loopback-only network namespace (DHT, LSD, UPnP off). Then each leecher, fresh and alone, from the magnet on its own
# 127.0.0.x: `flux stream` and libtorrent's streamer (`lt_stream.py`) with the whole file read
# over their HTTP URL into a file, aria2c to disk. Measured per leecher, from process start: the
# whole file (sha256 checked), MiB/s, peak RSS and CPU seconds; and the seeder's peak RSS and CPU
# over the run. The file is not a video: every client reads it from the head on, and flux fetches
# the file's last 0.5 % early (a file whose head names no index, as any player's would).
# Results: target/bench/big-file/results.md.
#
# Environment: SIZE_MIB=1024 ROUNDS=2 LEECHERS="flux lt aria2c" TIMEOUT=600 (per leecher),
#              BENCH_CACHE, BENCH_NETNS (as in run.sh).
set -euo pipefail
: "${BENCH_OUT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/bench/big-file}"
export BENCH_OUT
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-2}
LEECHERS=${LEECHERS:-flux lt aria2c}
TIMEOUT=${TIMEOUT:-600}

enter_netns "$@"
[[ $BENCH_IN_NETNS == 1 ]] || die "needs its own network namespace (root): the clients must not reach anything but loopback"
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$WORK" && mkdir -p "$WORK" "$LOGS"

FILE=$BENCH_CACHE/big-${SIZE_MIB}m/flux-big.bin
if [[ ! -s $FILE ]]; then
    log "writing $FILE ($SIZE_MIB MiB of random bytes)"
    mkdir -p "$(dirname "$FILE")"
    head -c "$((SIZE_MIB << 20))" /dev/urandom >"$FILE.part" && mv "$FILE.part" "$FILE"
fi
SIZE=$(stat -c %s "$FILE")
SHA=$(sha256sum <"$FILE" | cut -d' ' -f1)

RESULTS=$OUT/results.tsv
: >"$RESULTS"

# The seeder: `flux create` makes the torrent (its piece size chosen for the size), the tracker
# whitelists its info-hash, and `flux seed` seeds it from the .torrent.
tracker_port
TORRENT=$WORK/flux-big.torrent
"$FLUX" -q create "$FILE" -o "$TORRENT" -t "$ANNOUNCE" --json >"$WORK/create.json"
read -r MAGNET HEX PIECE_KIB < <("$PY" -c 'import json, sys; c = json.load(open(sys.argv[1]))
print(c["magnet"], c["infoHash"], c["pieceLength"] // 1024)' "$WORK/create.json")
start_tracker "$HEX"
SEED_DIR=$WORK/seeder
mkdir -p "$SEED_DIR"
log "flux seed: $SIZE_MIB MiB, pieces of $PIECE_KIB KiB"
spawn "$SEED_DIR/stdout" "$SEED_DIR/stderr" "$FLUX" seed "$TORRENT" --data "$(dirname "$FILE")" --no-dht \
    --bind 127.0.0.2 --peer-port 0 --state "$SEED_DIR/state"
SEED_PID=$SPAWNED
wait_seeders 1 300 "$HEX"

# leech CLIENT DIR ADDR: starts it; sets CPID and, for the streamers, URL once they serve it.
leech() {
    local client=$1 dir=$2 addr=$3 i
    URL=
    case $client in
        flux)
            spawn "$dir/stdout" "$dir/stderr" "$FLUX" stream "$MAGNET" --no-dht --bind "$addr" --peer-port 0 \
                --port 0 --cache-dir "$dir/cache" --json ;;
        lt)
            spawn "$dir/stdout" "$dir/stderr" /usr/bin/python3 "$BENCH_DIR/lt_stream.py" "$MAGNET" \
                --bind "$addr" --save "$dir/data" --port 0 ;;
        aria2c)
            local aria
            aria2_on aria "$addr" "$(bpy freeport "$addr")"
            spawn "$dir/stdout" "$dir/stderr" timeout "$TIMEOUT" aria2c "${aria[@]}" --seed-time=0 -d "$dir/data" "$MAGNET"
            CPID=$SPAWNED
            return 0 ;;
    esac
    CPID=$SPAWNED
    for ((i = 0; i < 1200 && ${#URL} == 0; i++)); do
        URL=$(sed -En 's/.*"event": ?"ready".*"url": ?"([^"]*)".*/\1/p' "$dir/stdout" | head -1)
        [[ -n $URL ]] || { kill -0 "$CPID" 2>/dev/null || return 1; sleep 0.05; }
    done
    [[ -n $URL ]]
}

run_leecher() {  # run_leecher CLIENT ROUND
    local client=$1 round=$2 dir addr t0 t body rc=0 rss cpu stats=
    dir=$WORK/runs/$client-r$round
    mkdir -p "$dir"
    next_addr addr
    log "$client round $round on $addr"
    t0=$(now)
    if leech "$client" "$dir" "$addr"; then
        if [[ $client == aria2c ]]; then
            # its peak RSS and CPU, sampled while it runs: it exits once the file is whole
            # (a sample of the exited process, a zombie until reaped, has no RSS: kept out)
            (while kill -0 "$CPID" 2>/dev/null; do
                read -r rss cpu < <(bpy stats "$CPID") && ((rss > 0)) && echo "$rss $cpu" >"$dir/stats"
                sleep 0.5
            done) &
            wait "$CPID" || rc=$?
            t=$(since "$t0")
            wait $! || true
            stats=$(cat "$dir/stats" 2>/dev/null) || true
            body=$dir/data/$(basename "$FILE")
        else
            body=$dir/body
            timeout "$TIMEOUT" curl -sf -o "$body" "$URL" || rc=$?
            t=$(since "$t0")
            stats=$(bpy stats "$CPID")
        fi
    else
        rc=1
    fi
    stop_pid "$CPID"
    if [[ $rc == 0 && -s $body && $(sha256sum <"$body" | cut -d' ' -f1) == "$SHA" ]]; then
        record "$client" whole "$round" "$t"
        record "$client" mibs "$round" "$(awk -v s="$SIZE" -v t="$t" 'BEGIN { printf "%.1f", s / 1048576 / t }')"
    else
        record "$client" whole "$round" fail
    fi
    read -r rss cpu <<<"${stats:-0 0}"
    record "$client" rss "$round" "$((rss / 1024))"
    record "$client" cpu "$round" "$cpu"
    rm -rf "$dir/body" "$dir/data" "$dir/cache"
}

for ((round = 1; round <= ROUNDS; round++)); do
    for client in $LEECHERS; do
        run_leecher "$client" "$round"
    done
done
read -r rss cpu < <(bpy stats "$SEED_PID")
record seeder rss all "$((rss / 1024))"
record seeder cpu all "$cpu"

{
    echo "# A $SIZE_MIB MiB file ($PIECE_KIB KiB pieces) from a flux seeder ($(date -u '+%F %H:%M') UTC, $(git -C "$REPO" rev-parse --short HEAD), $ROUNDS rounds, $(nproc) cores)"
    echo
    echo "| leecher | whole file | MiB/s | peak RSS (MiB) | CPU (s) |"
    echo "|---|---|---|---|---|"
    for client in $LEECHERS; do
        row="| $client"
        for m in whole mibs rss cpu; do
            row+=" | $(awk -F'\t' -v c="$client" -v m="$m" '$1 == c && $2 == m { printf "%s%s", sep, $4; sep = " / " }' "$RESULTS")"
        done
        echo "$row |"
    done
    echo
    echo "Seeder (flux seed): peak RSS $((rss / 1024)) MiB, CPU $cpu s over the run. Each cell: round 1 / round 2 ..."
} >"$OUT/results.md"
cat "$OUT/results.md"
