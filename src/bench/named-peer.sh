#!/usr/bin/env bash
# A stream from a peer the user names: `flux stream MP4.torrent --peer ARIA2C`, with no tracker
# that answers, so the only peer is the named one (a seedbox on the LAN, a friend's client). aria2c
# accepts a connection only on its ~1 s tick, like a peer a round trip or two away: what matters
# is how early the connection is made. Each build given streams it ROUNDS times, builds
# alternating, one fresh client per start after a random 0-0.9 s pause (the tick's phase); the
# time is from process start to the first 64 KiB of the file over HTTP (bytes compared).
#
#   src/bench/named-peer.sh [FLUX|lt...]   # default: target/flux; e.g. a baseline worktree's target/flux too
#                                          # lt: the libtorrent streamer of the main bench (lt_stream.py --peer)
#   ROUNDS=12 PIECE_KIB=256
#
# Needs root (unshare -n), aria2c, mktorrent, curl (python3-libtorrent for lt); the MP4 comes
# from run.sh's cache.
# Results: target/bench/named-peer/results.md.
set -euo pipefail
BENCH_OUT=${BENCH_OUT:-$(cd "$(dirname "$0")/../.." && pwd)/target/bench/named-peer}
export BENCH_OUT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-12}
PIECE_KIB=${PIECE_KIB:-256}
BUILDS=("$@")
((${#BUILDS[@]})) || BUILDS=("$FLUX")

enter_netns "$@"
[[ $BENCH_IN_NETNS == 1 ]] || die "needs its own network namespace (root): the clients must not reach anything but loopback"
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK" "$LOGS"
make_media
TORRENT=$(make_torrent "$MP4" "$PIECE_KIB" http://127.0.0.1:1/announce)
HEX=$(bpy infohash "$TORRENT")
start_aria2_seeder 127.0.0.2 "$MEDIA_DIR" "$TORRENT"
wait_port 127.0.0.2 "$ARIA_SEED_PORT" 60 || die "aria2c did not listen"
wait_aria2_steady 60 "$HEX"

declare -A TIMES
for ((round = 1; round <= ROUNDS; round++)); do
    for b in "${!BUILDS[@]}"; do
        dir=$WORK/runs/b$b-r$round
        mkdir -p "$dir"
        sleep "0.$((RANDOM % 10))"
        next_addr addr
        t0=$(now)
        if [[ ${BUILDS[$b]} == lt ]]; then
            spawn "$dir/stdout" "$dir/stderr" "$PY" "$BENCH_DIR/lt_stream.py" "$TORRENT" --bind "$addr" \
                --save "$dir/cache" --port 0 --peer "127.0.0.2:$ARIA_SEED_PORT"
        else
            spawn "$dir/stdout" "$dir/stderr" "${BUILDS[$b]}" stream "$TORRENT" --no-dht --bind "$addr" --peer-port 0 \
                --port 0 --cache-dir "$dir/cache" --json --peer "127.0.0.2:$ARIA_SEED_PORT"
        fi
        pid=$SPAWNED
        url=
        for ((i = 0; i < 1500 && ${#url} == 0; i++)); do
            url=$(sed -En 's/.*"event": ?"ready".*"url": ?"([^"]*)".*/\1/p' "$dir/stdout" | head -1)
            [[ -n $url ]] || sleep 0.01
        done
        t=fail
        if [[ -n $url ]] && curl -sf -m 30 -r 0-65535 -o "$dir/first" "$url" \
            && cmp -s "$dir/first" <(head -c 65536 "$MP4"); then
            t=$(since "$t0")
        fi
        log "round $round: ${BUILDS[$b]}: $t s"
        TIMES[$b]+="$t "
        stop_pid "$pid"
    done
done

{
    echo "# flux: first byte from a named peer (aria2c, --peer, no tracker)"
    echo
    echo "$(date -u '+%F %H:%M') UTC; ${PIECE_KIB} KiB pieces; $ROUNDS starts per build; seconds from process start to the first 64 KiB."
    echo
    echo "| build | median (s) | min (s) | max (s) | failed |"
    echo "|---|---|---|---|---|"
    for b in "${!BUILDS[@]}"; do
        read -ra all <<<"${TIMES[$b]}"
        ok=$(printf '%s\n' "${all[@]}" | grep -v fail || true)
        failed=$(printf '%s\n' "${all[@]}" | grep -c fail || true)
        if [[ -n $ok ]]; then
            echo "| ${BUILDS[$b]} | $(median <<<"$ok") | $(sort -g <<<"$ok" | head -1) | $(sort -g <<<"$ok" | tail -1) | $failed |"
        else
            echo "| ${BUILDS[$b]} | - | - | - | $failed |"
        fi
    done
} | tee "$OUT/results.md"
