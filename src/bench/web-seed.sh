#!/usr/bin/env bash
# A stream whose only source is a web seed (BEP 19): a .torrent of the moov-at-end MP4 whose
# url-list names lighttpd on 127.0.0.2 and whose tracker does not answer, so no peer exists (the
# Internet Archive's torrents, or any niche file on a plain web server). Each client streams it
# ROUNDS times, clients alternating, each start fresh: the first 64 KiB over HTTP (T1, from
# process start), then 64 KiB at 90 % (a seek: curl's own time), then the whole file (from
# process start; its SHA-256 is checked after the clock stops). aria2c downloads the whole file
# to disk, the reference for throughput. peerflix is not run: torrent-stream reads no web seed.
#
#   src/bench/web-seed.sh        # CLIENTS="flux lt webtorrent aria2c" ROUNDS=5 PIECE_KIB=1024 RTT_MS=0
#
# RTT_MS puts the server that far away: every byte to and from it goes through delay-proxy.py,
# half of RTT_MS each way (loopback has no netem here), as a web seed across the Internet is.
#
# Needs root (unshare -n), lighttpd, mktorrent, curl, aria2c; python3-libtorrent and
# webtorrent-cli (setup-peers.sh) for theirs. Results: target/bench/web-seed/results.md.
set -euo pipefail
BENCH_OUT=${BENCH_OUT:-$(cd "$(dirname "$0")/../.." && pwd)/target/bench/web-seed}
export BENCH_OUT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

enter_netns "$@"
ROUNDS=${ROUNDS:-5}
PIECE_KIB=${PIECE_KIB:-1024}
RTT_MS=${RTT_MS:-0}
# read after enter_netns: an array is not exported, so the namespace's bash would not see CLIENTS
read -ra CLIENTS <<<"${CLIENTS:-flux lt webtorrent aria2c}"
NPM_BIN=$BENCH_CACHE/npm/node_modules/.bin
SERVER=127.0.0.2
SERVER_PORT=8080
SEED_PORT=$SERVER_PORT # where the torrent says the web seed is: the proxy's port when RTT_MS is set
((RTT_MS == 0)) || SEED_PORT=8081

[[ $BENCH_IN_NETNS == 1 ]] || die "needs its own network namespace (root): webtorrent's DHT must not reach anything but loopback"
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK" "$LOGS"
make_media
SIZE=$(stat -c %s "$MP4")
NAME=$(basename "$MP4")
SHA=$(sha256sum <"$MP4" | cut -d' ' -f1)
TORRENT=$WORK/web-seed.torrent
mktorrent -l "$(awk -v k="$PIECE_KIB" 'BEGIN { printf "%d", log(k * 1024) / log(2) }')" -a http://127.0.0.1:1/announce \
    -w "http://$SERVER:$SEED_PORT/$NAME" -o "$TORRENT" "$MP4" >/dev/null
HEX=$(bpy infohash "$TORRENT")
cat >"$WORK/lighttpd.conf" <<EOF
server.document-root = "$MEDIA_DIR"
server.bind = "$SERVER"
server.port = $SERVER_PORT
server.errorlog = "$LOGS/lighttpd.err"
EOF
spawn "$LOGS/lighttpd.out" "$LOGS/lighttpd.out2" lighttpd -D -f "$WORK/lighttpd.conf"
wait_port "$SERVER" "$SERVER_PORT" 10 || die "lighttpd did not listen"
if ((RTT_MS > 0)); then
    spawn "$LOGS/proxy.out" "$LOGS/proxy.err" "$PY" "$BENCH_DIR/delay-proxy.py" "$SERVER" "$SEED_PORT" "$SERVER" "$SERVER_PORT" \
        "$((RTT_MS / 2))"
    wait_port "$SERVER" "$SEED_PORT" 10 || die "delay-proxy.py did not listen"
fi
SEEK_AT=$((SIZE / 10 * 9))

# start CLIENT DIR ADDR: starts a streaming client; sets PID and URL (empty when it never served)
start() {
    local client=$1 dir=$2 addr=$3 port i
    URL=
    case $client in
        flux) spawn "$dir/stdout" "$dir/stderr" "$FLUX" stream "$TORRENT" --no-dht --bind "$addr" --peer-port 0 \
                  --port 0 --cache-dir "$dir/cache" --json ;;
        lt) spawn "$dir/stdout" "$dir/stderr" "$PY" "$BENCH_DIR/lt_stream.py" "$TORRENT" --bind "$addr" \
                --save "$dir/cache" --port 0 --window-mib 8 ;;
        webtorrent)
            port=$(bpy freeport)
            URL=http://127.0.0.1:$port/webtorrent/$HEX/$(urlencode "$NAME")
            spawn "$dir/stdout" "$dir/stderr" "$NPM_BIN/webtorrent" download "$TORRENT" --port "$port" \
                --out "$dir/data" --keep-seeding --quiet --torrent-port "$(freeport_besides 127.0.0.1 "$port")" ;;
    esac
    PID=$SPAWNED
    [[ $client == webtorrent ]] && return 0
    for ((i = 0; i < 3000; i++)); do
        URL=$(sed -En 's/.*"event": ?"ready".*"url": ?"([^"]*)".*/\1/p' "$dir/stdout" | head -1)
        [[ -n $URL ]] && return 0
        kill -0 "$PID" 2>/dev/null || return 0
        sleep 0.01
    done
}

declare -A T1 T2 T4
for ((round = 1; round <= ROUNDS; round++)); do
    for client in "${CLIENTS[@]}"; do
        case $client in
            lt) "$PY" -c 'import libtorrent' 2>/dev/null || { log "skip lt: no python3-libtorrent"; continue; } ;;
            webtorrent) [[ -x $NPM_BIN/webtorrent ]] || { log "skip webtorrent: run setup-peers.sh"; continue; } ;;
        esac
        dir=$WORK/runs/$client-r$round
        mkdir -p "$dir"
        next_addr addr
        t0=$(now)
        if [[ $client == aria2c ]]; then
            t=fail
            if timeout 300 aria2c -q -d "$dir/data" --seed-time=0 --enable-dht=false --enable-dht6=false \
                --bt-enable-lpd=false --enable-peer-exchange=false --bt-tracker-connect-timeout=1 \
                "$TORRENT" >"$dir/stdout" 2>"$dir/stderr"; then
                t=$(since "$t0")
                [[ $(sha256sum <"$dir/data/$NAME" | cut -d' ' -f1) == "$SHA" ]] || t=fail
            fi
            T4[$client]+="$t "
            log "round $round: aria2c: whole file $t s"
            rm -rf "$dir/data"
            continue
        fi
        start "$client" "$dir" "$addr"
        t1=fail t2=fail t4=fail
        for ((i = 0; i < 3000; i++)); do # webtorrent answers 404 until it has the torrent in
            if curl -sf -m 30 -r 0-65535 -o "$dir/first" "$URL" 2>/dev/null; then
                cmp -s "$dir/first" <(head -c 65536 "$MP4") && t1=$(since "$t0")
                break
            fi
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.01
        done
        if [[ $t1 != fail ]]; then
            if t=$(curl -sf -m 30 -r "$SEEK_AT-$((SEEK_AT + 65535))" -o "$dir/seek" -w '%{time_total}' "$URL") \
                && cmp -s "$dir/seek" <(tail -c +$((SEEK_AT + 1)) "$MP4" | head -c 65536); then
                t2=$t
            fi
            if curl -sf -m 300 -o "$dir/whole" "$URL"; then
                t=$(since "$t0")
                [[ $(sha256sum <"$dir/whole" | cut -d' ' -f1) == "$SHA" ]] && t4=$t
            fi
        fi
        log "round $round: $client: first byte $t1 s, seek $t2 s, whole file $t4 s"
        T1[$client]+="$t1 " T2[$client]+="$t2 " T4[$client]+="$t4 "
        stop_pid "$PID"
        rm -rf "$dir/whole" "$dir/cache" "$dir/data"
    done
done

# summary VALUES: "median (min–max)", or "-" with the failures counted
summary() {
    local ok failed
    ok=$(tr ' ' '\n' <<<"$1" | grep -v -e fail -e '^$' || true)
    failed=$(tr ' ' '\n' <<<"$1" | grep -c fail || true)
    if [[ -n $ok ]]; then
        printf '%s (%s–%s)' "$(median <<<"$ok")" "$(sort -g <<<"$ok" | head -1)" "$(sort -g <<<"$ok" | tail -1)"
    else
        printf -- '-'
    fi
    ((failed == 0)) || printf ', %d failed' "$failed"
}
rate() {
    local ok
    ok=$(tr ' ' '\n' <<<"$1" | grep -v -e fail -e '^$' || true)
    [[ -n $ok ]] && awk -v s="$SIZE" -v t="$(median <<<"$ok")" 'BEGIN { printf "%.1f", s / 1048576 / t }' || printf -- '-'
}
{
    echo "# Streaming from a web seed alone (lighttpd, no peer)"
    echo
    echo "$(date -u '+%F %H:%M') UTC; $(basename "$MP4"), $((SIZE / 1048576)) MiB, ${PIECE_KIB} KiB pieces; $ROUNDS starts per client; $NETWORK$( ((RTT_MS == 0)) || echo "; the server $RTT_MS ms away (delay-proxy.py)")."
    echo "First byte and whole file: seconds from process start; seek: curl's time for 64 KiB at 90 %; median (min–max)."
    echo
    echo "| client | first byte (s) | seek (s) | whole file (s) | MiB/s |"
    echo "|---|---|---|---|---|"
    for client in "${CLIENTS[@]}"; do
        [[ -n ${T4[$client]:-} ]] || continue
        echo "| $client | $(summary "${T1[$client]:-}") | $(summary "${T2[$client]:-}") | $(summary "${T4[$client]}") | $(rate "${T4[$client]}") |"
    done
} | tee "$OUT/results.md"
