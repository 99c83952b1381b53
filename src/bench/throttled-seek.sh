#!/usr/bin/env bash
# Seeks on a slow swarm: SEEDERS libtorrent seeders whose upload is shaped to RATE each (tc on the
# namespace's loopback, 1500-byte packets, a 64-packet queue), 1 MiB pieces, so that a sought
# piece takes as long to arrive as on the Internet instead of the loopback bench's ~10 ms. Each
# build given streams the MP4's .torrent from the seeders (--peer), reads the first byte (timed),
# waits PAUSE seconds, then times SEEKS 64 KiB Ranges at random offsets >= 50 % (curl's request
# time, bytes compared). Builds alternate, one fresh client per start.
#
#   src/bench/throttled-seek.sh [FLUX...]     # default: target/flux; e.g. a baseline worktree's target/flux too
#   ROUNDS=3 SEEKS=8 SEEDERS=2 RATE=16mbit PIECE_KIB=1024 PAUSE=3
#   LAST_RATE=2mbit    the last seeder slower than the others
#
# Needs root (unshare -n, tc), python3-libtorrent, mktorrent, curl; the media come from run.sh's
# cache. Results: target/bench/throttled/results.md.
set -euo pipefail
BENCH_OUT=${BENCH_OUT:-$(cd "$(dirname "$0")/../.." && pwd)/target/bench/throttled}
export BENCH_OUT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
SEEKS=${SEEKS:-8}
SEEDERS=${SEEDERS:-2}
((SEEDERS >= 1 && SEEDERS <= 6)) || { echo "SEEDERS: 1 to 6" >&2; exit 2; }
RATE=${RATE:-16mbit}
PIECE_KIB=${PIECE_KIB:-1024}
PAUSE=${PAUSE:-3}
BUILDS=("$@")
((${#BUILDS[@]})) || BUILDS=("$FLUX")

enter_netns "$@"
[[ $BENCH_IN_NETNS == 1 ]] || die "needs its own network namespace (root): the traffic shaping must not touch the host's loopback"
"$PY" -c 'import libtorrent' 2>/dev/null || die "python3-libtorrent is missing (src/bench/setup-peers.sh installs it)"
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK" "$LOGS"
make_media
TORRENT=$(make_torrent "$MP4" "$PIECE_KIB" http://127.0.0.1:1/announce)
SIZE=$(stat -c %s "$MP4")

# Internet-sized packets and a shaped, short queue for everything the seeders send.
ip link set lo mtu 1500
tc qdisc add dev lo root handle 1: htb default 10
tc class add dev lo parent 1: classid 1:10 htb rate 10gbit
PEERS=()
for ((n = 3; n < 3 + SEEDERS; n++)); do
    rate=$RATE
    ((n < 2 + SEEDERS)) || rate=${LAST_RATE:-$RATE}
    tc class add dev lo parent 1: classid "1:$n" htb rate "$rate" ceil "$rate" burst 16k cburst 16k
    tc qdisc add dev lo parent "1:$n" handle "$n:" pfifo limit 64
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip src "127.0.0.$n/32" flowid "1:$n"
    spawn "$LOGS/lt-seed-$n.log" "$LOGS/lt-seed-$n.err" "$PY" "$BENCH_DIR/lt_seed.py" "127.0.0.$n" "$((7000 + n))" "$TORRENT" "$MEDIA_DIR"
    PEERS+=(--peer "127.0.0.$n:$((7000 + n))")
done
for ((n = 3; n < 3 + SEEDERS; n++)); do wait_port "127.0.0.$n" "$((7000 + n))" 20 || die "the seeder on 127.0.0.$n did not listen"; done

# one_start BUILD_INDEX ROUND: a fresh client, its first byte, then the seeks -> seeks.txt
one_start() {
    local b=$1 round=$2 dir addr url i off t
    dir=$WORK/runs/b$b-r$round
    mkdir -p "$dir"
    next_addr addr
    spawn "$dir/stdout" "$dir/stderr" "${BUILDS[$b]}" stream "$TORRENT" --no-dht --bind "$addr" --peer-port 0 \
        --port 0 --cache-dir "$dir/cache" --json -v "${PEERS[@]}"
    local pid=$SPAWNED
    for ((i = 0; i < 300; i++)); do
        grep -q '"ready"' "$dir/stdout" 2>/dev/null && break
        sleep 0.05
    done
    url=$(bpy jsonfield "$dir/stdout" ready url)
    if [[ -z $url ]]; then
        log "build $b round $round: no ready event"
        stop_pid "$pid"
        return 0
    fi
    curl -sf --max-time 60 -r 0-0 -o /dev/null -w '%{time_total}\n' "$url" >"$dir/first.txt" || echo fail >"$dir/first.txt"
    sleep "$PAUSE"
    mapfile -t offs < <(bpy offsets "$SIZE" "$SEEKS" "$round" 65536)
    for off in "${offs[@]}"; do
        t=$(curl -sf --max-time 60 -r "$off-$((off + 65535))" -o "$dir/seek.bin" -w '%{time_total}' "$url") || t=fail
        cmp -s -n 65536 -i "0:$off" "$dir/seek.bin" "$MP4" || t=fail
        echo "$t $off" >>"$dir/seeks.txt"
    done
    stop_pid "$pid"
    rm -rf "$dir/cache"
}

for ((round = 1; round <= ROUNDS; round++)); do
    for b in "${!BUILDS[@]}"; do
        log "round $round: ${BUILDS[$b]}"
        one_start "$b" "$round"
    done
done

{
    echo "# flux: seeks on a throttled swarm"
    echo
    echo "$(date -u '+%F %H:%M') UTC; $SEEDERS libtorrent $("$PY" -c 'import libtorrent; print(libtorrent.__version__)') seeders, each shaped to $RATE${LAST_RATE:+ (the last to $LAST_RATE)};"
    echo "$((PIECE_KIB)) KiB pieces; $ROUNDS rounds x $SEEKS seeks of 64 KiB >= 50 %, ${PAUSE} s after the first byte."
    echo
    echo "| build | seeks | median (s) | min (s) | max (s) | failed | first byte after the URL, median (s) |"
    echo "|---|---|---|---|---|---|---|"
    for b in "${!BUILDS[@]}"; do
        cat "$WORK"/runs/b$b-r*/seeks.txt 2>/dev/null | awk '{print $1}' >"$WORK/b$b.times" || true
        ok=$(grep -vc fail "$WORK/b$b.times" || true)
        failed=$(grep -c fail "$WORK/b$b.times" || true)
        sorted=$(grep -v fail "$WORK/b$b.times" | sort -g || true)
        first=$(cat "$WORK"/runs/b$b-r*/first.txt 2>/dev/null | grep -v fail | median || echo -)
        echo "| ${BUILDS[$b]} | $ok | $(median <<<"$sorted" || echo -) | $(head -1 <<<"$sorted") | $(tail -1 <<<"$sorted") | $failed | $first |"
    done
} | tee "$OUT/results.md"
