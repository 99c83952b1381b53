#!/usr/bin/env bash
# Streaming on a slow swarm: SEEDERS libtorrent (or Transmission) seeders whose upload is shaped to RATE each (tc on
# the namespace's loopback, 1500-byte packets, a 64-packet queue), 1 MiB pieces, so that a piece
# takes as long to arrive as on the Internet instead of the loopback bench's ~10 ms, and no seeder
# waits on a 1 s accept tick as aria2c does there. Each build given streams the MEDIA's .torrent
# from the seeders (--peer), one fresh client per start, builds alternating:
#   - the first byte (timed from process start, and curl's own time after the URL), then, PAUSE
#     seconds later, SEEKS 64 KiB Ranges at random offsets >= 50 % (curl's time, bytes compared);
#   - with MPV=1 (default), a second fresh client: process start -> mpv --frames=50 exits 0 on
#     its first URL (with the default MEDIA the moov is at the end, so mpv reads the end first);
#   - with PLAYER_SEEKS=5 (default; 0 = none), a third: mpv plays its URL in real time and is
#     sought that many times during playback (random 5-95 %, through its IPC socket), each timed
#     from the seek command to mpv's playback-restart, and the first range each seek waited for
#     from its request to its first byte (lib.sh's player_seeks).
#
#   src/bench/throttled-seek.sh [FLUX|lt...]  # default: target/flux; e.g. a baseline worktree's target/flux too
#                                             # lt: the libtorrent streamer of the main bench (lt_stream.py)
#   ROUNDS=3 SEEKS=8 SEEDERS=2 RATE=16mbit PIECE_KIB=1024 PAUSE=3 MPV=1 PLAYER_SEEKS=5
#   LAST_RATE=2mbit    the last seeder slower than the others
#   SEEDER=transmission  transmission-daemon seeders instead of libtorrent's (Transmission reads
#                      up to ~15 s of its rate into its send buffer, where a Cancel cannot reach)
#   LT_WINDOW_MIB=8    lt_stream.py's deadline window (the main bench's)
#   FLUX_ARGS=-v       extra flux arguments (FLUX_ARGS= for none)
#   MEDIA=mp4          the video streamed: mp4 (moov at the end), faststart (moov first), mkv, or
#                      long: the faststart MP4 ten times over (20 min, 1.5 GB; made once, by copying)
#
# Needs root (unshare -n, tc), python3-libtorrent, mktorrent, curl, mpv; the media come from
# run.sh's cache. Results: target/bench/throttled/results.md.
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
MPV=${MPV:-1}
# -v, as in run.sh: flux's verbose log is the evidence when a seek is slow
FLUX_ARGS=${FLUX_ARGS--v}
PLAYER_SEEKS=${PLAYER_SEEKS:-5}
SEEDER=${SEEDER:-libtorrent}
[[ $SEEDER == libtorrent || $SEEDER == transmission ]] || { echo "SEEDER: libtorrent or transmission" >&2; exit 2; }
TR_RPCS=()
BUILDS=("$@")
((${#BUILDS[@]})) || BUILDS=("$FLUX")

enter_netns "$@"
[[ $BENCH_IN_NETNS == 1 ]] || die "needs its own network namespace (root): the traffic shaping must not touch the host's loopback"
"$PY" -c 'import libtorrent' 2>/dev/null || die "python3-libtorrent is missing (src/bench/setup-peers.sh installs it)"
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK" "$LOGS"
make_media
case ${MEDIA:-mp4} in
    mp4) VIDEO=$MP4 ;;
    faststart) VIDEO=$FAST ;;
    mkv) VIDEO=$MKV ;;
    long)
        VIDEO=$MEDIA_DIR/flux-bench-long-faststart.mp4
        if [[ ! -s $VIDEO ]]; then
            timeout 600 ffmpeg -hide_banner -loglevel error -y -stream_loop 9 -i "$FAST" -c copy -movflags +faststart "$VIDEO.part.mp4"
            mv "$VIDEO.part.mp4" "$VIDEO"
        fi ;;
    *) die "MEDIA: mp4, faststart, mkv or long" ;;
esac
TORRENT=$(make_torrent "$VIDEO" "$PIECE_KIB" http://127.0.0.1:1/announce)
SIZE=$(stat -c %s "$VIDEO")

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
    if [[ $SEEDER == transmission ]]; then
        start_transmission "127.0.0.$n" "$MEDIA_DIR"
        transmission_add "$TORRENT"
        PEERS+=(--peer "$TR_PEER")
        TR_RPCS+=("$TR_RPC")
    else
        spawn "$LOGS/lt-seed-$n.log" "$LOGS/lt-seed-$n.err" "$PY" "$BENCH_DIR/lt_seed.py" "127.0.0.$n" "$((7000 + n))" "$TORRENT" "$MEDIA_DIR"
        PEERS+=(--peer "127.0.0.$n:$((7000 + n))")
    fi
done
for ((n = 3; n < 3 + SEEDERS; n++)); do
    [[ $SEEDER == transmission ]] || wait_port "127.0.0.$n" "$((7000 + n))" 20 || die "the seeder on 127.0.0.$n did not listen"
done
for rpc in "${TR_RPCS[@]}"; do  # each checks the data before it seeds
    for ((i = 0; i < 120; i++)); do
        timeout 10 transmission-remote "$rpc" -t all -i | grep -q 'Percent Done: 100%' && break
        sleep 0.5
    done
    ((i < 120)) || die "transmission-daemon on $rpc did not verify the data (see $LOGS)"
done

# start_client BUILD_INDEX DIR [EVENTS]: a fresh client of that build on a fresh address; sets
# CPID, T0 its start, and URL from the first of the JSON EVENTS (default ready; an extended regex)
# it printed, empty when none came within 15 s.
start_client() {
    local b=$1 dir=$2 events=${3:-ready} addr i
    mkdir -p "$dir"
    next_addr addr
    T0=$(now)
    if [[ ${BUILDS[$b]} == lt ]]; then
        spawn "$dir/stdout" "$dir/stderr" "$PY" "$BENCH_DIR/lt_stream.py" "$TORRENT" --bind "$addr" \
            --save "$dir/cache" --port 0 --window-mib "${LT_WINDOW_MIB:-8}" "${PEERS[@]}"
    else
        spawn "$dir/stdout" "$dir/stderr" "${BUILDS[$b]}" stream "$TORRENT" --no-dht --bind "$addr" --peer-port 0 \
            --port 0 --cache-dir "$dir/cache" --json $FLUX_ARGS "${PEERS[@]}"
    fi
    CPID=$SPAWNED
    echo "$T0" >"$dir/t0"  # lines up with the "time" (epoch ms) of flux's JSON events
    URL=
    for ((i = 0; i < 750; i++)); do
        grep -qE "\"event\": ?\"($events)\"" "$dir/stdout" 2>/dev/null && break
        sleep 0.02
    done
    URL=$(grep -m1 -E "\"event\": ?\"($events)\"" "$dir/stdout" 2>/dev/null | sed -E 's/.*"url": ?"([^"]*)".*/\1/') || true
    [[ -n $URL ]] || log "${BUILDS[$b]}: no $events event within 15 s (see $dir/stderr)"
}

# one_start BUILD_INDEX ROUND: a fresh client, its first byte, then the seeks -> seeks.txt
one_start() {
    local b=$1 round=$2 dir off t
    dir=$WORK/runs/b$b-r$round
    start_client "$b" "$dir"
    if [[ -n $URL ]]; then
        t=$(curl -sf --max-time 60 -r 0-0 -o "$dir/first.bin" -w '%{time_total}' "$URL") &&
            cmp -s -n 1 "$dir/first.bin" "$VIDEO" || t=fail
        echo "$t" >"$dir/first.txt"
        [[ $t == fail ]] && echo fail >"$dir/start.txt" || echo "$(since "$T0")" >"$dir/start.txt"
        sleep "$PAUSE"
        mapfile -t offs < <(bpy offsets "$SIZE" "$SEEKS" "$round" 65536)
        for off in "${offs[@]}"; do
            t=$(curl -sf --max-time 60 -r "$off-$((off + 65535))" -o "$dir/seek.bin" -w '%{time_total}' "$URL") || t=fail
            cmp -s -n 65536 -i "0:$off" "$dir/seek.bin" "$VIDEO" || t=fail
            echo "$t $off" >>"$dir/seeks.txt"
        done
    fi
    stop_pid "$CPID"
    rm -rf "$dir/cache"
}

# mpv_start BUILD_INDEX ROUND: a fresh client, process start -> mpv's 50 frames -> mpv.txt; mpv
# gets the client's first URL (flux's "listening" comes before its "ready", as a player would)
mpv_start() {
    local b=$1 round=$2 dir
    dir=$WORK/runs/b$b-r$round-mpv
    start_client "$b" "$dir" 'listening|ready'
    if [[ -n $URL ]] && timeout 60 mpv --no-config --vo=null --ao=null --frames=50 --ytdl=no "$URL" >"$dir/mpv.log" 2>&1; then
        echo "$(since "$T0")" >"$dir/mpv.txt"
    else
        echo fail >"$dir/mpv.txt"
    fi
    stop_pid "$CPID"
    rm -rf "$dir/cache"
}

# mpv_seeks BUILD_INDEX ROUND: a fresh client, mpv playing its first URL, PLAYER_SEEKS seeks
# during playback -> pseeks.txt (each seek's time; "fail" when one failed)
mpv_seeks() {
    local b=$1 round=$2 dir
    dir=$WORK/runs/b$b-r$round-pseek
    start_client "$b" "$dir" 'listening|ready'
    [[ -n $URL ]] && player_seeks "$URL" "$dir" "$round" "$PLAYER_SEEKS" || echo fail >>"$dir/pseeks.txt"
    stop_pid "$CPID"
    rm -rf "$dir/cache"
}

for ((round = 1; round <= ROUNDS; round++)); do
    for b in "${!BUILDS[@]}"; do
        log "round $round: ${BUILDS[$b]}"
        one_start "$b" "$round"
        ((MPV)) && mpv_start "$b" "$round"
        ((PLAYER_SEEKS)) && mpv_seeks "$b" "$round"
    done
done

# medians FILE...: "median (min-max), n failed" of the numbers first on each line of the files
# given (words other than "fail", such as "cached", are left out)
medians() {
    local all ok
    all=$(cat "$@" 2>/dev/null) || true
    ok=$(awk '$1 ~ /^[0-9.]+$/ { print $1 }' <<<"$all" | sort -g) || true
    [[ -n $ok ]] || { echo -; return; }
    printf '%s (%s-%s)' "$(median <<<"$ok")" "$(head -1 <<<"$ok")" "$(tail -1 <<<"$ok")"
    grep -q fail <<<"$all" && printf ', %s failed' "$(grep -c fail <<<"$all")"
    return 0
}

# cached_of FILE...: ", k of n from mpv's cache" when some seeks waited for no range
cached_of() {
    local n k
    n=$(cat "$@" 2>/dev/null | grep -c . || true)
    k=$(cat "$@" 2>/dev/null | grep -c cached || true)
    ((k == 0)) || printf ", %s of %s from mpv's cache" "$k" "$n"
}

{
    echo "# flux: streaming on a throttled swarm"
    echo
    if [[ $SEEDER == transmission ]]; then
        seeders="transmission-daemon $(transmission-daemon -V 2>&1 | awk '{print $2}')"
    else
        seeders="libtorrent $("$PY" -c 'import libtorrent; print(libtorrent.__version__)')"
    fi
    echo "$(date -u '+%F %H:%M') UTC; $SEEDERS $seeders seeders, each shaped to $RATE${LAST_RATE:+ (the last to $LAST_RATE)};"
    echo "${MEDIA:-mp4} ($(basename "$VIDEO")), $((PIECE_KIB)) KiB pieces; $ROUNDS rounds x $SEEKS seeks of 64 KiB >= 50 %, ${PAUSE} s after the first byte; median (min-max)."
    echo
    echo "| build | seeks | median (s) | min (s) | max (s) | failed | first byte after the URL (s) | first byte from start (s) | mpv's 50 frames from start (s) | mpv's seeks during playback (s) | first byte of mpv's range after a seek (s) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for b in "${!BUILDS[@]}"; do
        cat "$WORK"/runs/b$b-r*/seeks.txt 2>/dev/null | awk '{print $1}' >"$WORK/b$b.times" || true
        ok=$(grep -vc fail "$WORK/b$b.times" || true)
        failed=$(grep -c fail "$WORK/b$b.times" || true)
        sorted=$(grep -v fail "$WORK/b$b.times" | sort -g || true)
        echo "| ${BUILDS[$b]} | $ok | $(median <<<"$sorted" || echo -) | $(head -1 <<<"$sorted") | $(tail -1 <<<"$sorted") | $failed |" \
            "$(medians "$WORK"/runs/b$b-r*/first.txt) | $(medians "$WORK"/runs/b$b-r*/start.txt) | $(medians "$WORK"/runs/b$b-r*-mpv/mpv.txt) | $(medians "$WORK"/runs/b$b-r*-pseek/pseeks.txt) |" \
            "$(medians "$WORK"/runs/b$b-r*-pseek/pfirst.txt)$(cached_of "$WORK"/runs/b$b-r*-pseek/pfirst.txt) |"
    done
} | tee "$OUT/results.md"
