#!/usr/bin/env bash
# flux streaming benchmark on a loopback swarm.
#
#   mvn -q package -DskipTests && src/bench/run.sh
#
# Builds a swarm in a network namespace with only loopback (opentracker on 127.0.0.1,
# transmission-daemon seeding on 127.0.0.2, aria2c seeding on 127.0.0.3), then starts every
# client fresh from a magnet, in a fresh directory, on a fresh 127.0.0.x, ROUNDS times, and
# measures (all times from process start unless said otherwise):
#   ready the client serves its URL (flux/lt: "ready" JSON event; others: a HEAD succeeds)
#   T1    first byte of `curl -r 0-0` on the client's URL
#   T2    right after T1: a 64 KiB Range at 90 % of the file (bytes checked against the source)
#         (T2 and seek are curl's own request time, %{time_total})
#   seek  median of 10 64 KiB Ranges at random offsets >= 50 % of the file, issued one after
#         the other on the SAME client right after T2 (not a fresh client per seek), each timed
#         on its own and byte-checked; later seeks can land on pieces that already arrived
#   seekf the same, but a fresh client per seek (SEEK_FRESH_CLIENTS): start, first byte, then one
#         64 KiB Range at a random offset >= 50 %; median of 10 (10 client starts per round)
#   fails client starts that never served a first byte (URL never ready, or T1 timed out), of all
#         starts of that client (main run, T3 runs, fresh-client seeks)
#   RSS   peak RSS (VmHWM) of the client's process tree, CPU = its user+system seconds, read
#         at the end of the T1/T2/seek/T4 run
#   Transmission unchoked it: when, in that run, the Transmission seeder first unchoked the
#         client (polled over its RPC): until then aria2c is its only seeder. Transmission
#         unchokes on its own schedule, so this is the seeders' part, not the client's ("later":
#         not before the run ended)
#   T3    a fresh client per container: mpv --vo=null --ao=null --frames=50 on the URL exits 0
#         (MP4 with moov at the end, and MKV); flux also with mpv started on its "listening"
#         URL, which it prints before the metadata (the ratio sets that against the others' T3)
#   T5    a fresh client per container: mpv plays the URL (no --frames, in real time) and is sought
#         5 times during playback to random positions (5-95 %, the same for every client in a
#         round) through its IPC socket; median of the 5 times from the seek command to mpv's
#         playback-restart (each checked to land at the target and play on)
#   T5 first byte  the same seeks, timed at the server's door: mpv reaches the client through
#         bench.py's rangeproxy, and the first range request each seek waited for is timed to its
#         first body byte (the issue's "first byte of a Range request" for seeks during playback);
#         median of the seeks that waited for one: a seek mpv answered from its own cache waits for
#         none, and a round where every seek did gives no value
#   T4    the whole file read over HTTP after the seeks into a file, until curl exits (sha256
#         checked afterwards, as aria2c's download is) -> throughput = size/T4
# and, for EXTRA_CLIENTS, one fresh client each for:
#   T1 .torrent   T1 with the MP4's .torrent file as input instead of the magnet
#   T1 multi      T1 of the video in a multi-file torrent (the MKV next to SRT subtitles): the
#                 client must pick the video itself (bytes checked against the MKV)
#   T3 faststart  T3 on the MP4 remuxed with +faststart (moov first)
# Before each client's block of runs the tracker is restarted and both seeders announce again
# (fresh_swarm): killed clients never say "stopped", and a tracker full of dead peers made
# clients that ask for 50 peers miss the seeders in a trial run.
# aria2c as a leecher gives the reference throughput (to disk), mpv on the local file the T3
# floor. Results: target/bench/results.md (+ results.tsv, logs/ with every client's output).
#
# Environment:
#   ROUNDS=3                 rounds (median and min-max over them)
#   CLIENTS="flux lt webtorrent peerflix aria2c"   clients to run (missing ones are skipped)
#   PIECES=256               piece size in KiB (PIECES=1024 for the 1 MiB variant); one size per
#                            run: aria2c refuses to seed two torrents of the same file
#   SWARM=main               main (Transmission + aria2c), transmission or aria2 (one seeder)
#   BENCH_CACHE=~/.cache/flux-bench   media, npm peers, bindshim.so (outside the repo)
#   BENCH_NETNS=1            0 = stay on the host's loopback
#   BENCH_SETUP=1            0 = don't install missing peers (setup-peers.sh) before starting
#   SEEK_FRESH_CLIENTS="flux lt"   clients that also get the fresh-client seek (seekf)
#   EXTRA_CLIENTS="flux lt"        clients that also get T1 .torrent, T1 multi and T3 faststart
#   FLUX_ARGS=-v             extra flux arguments (FLUX_ARGS= for none)
#   CASES="main t3 extra seekf t5"   which cases to run (main = ready, T1, T2, seek, T4, RSS, CPU)
#   MAIN_INPUT=torrent   the main case from the .torrent file instead of the magnet (the seeks and
#                        the whole file of a stream whose torrent is set up before any peer connects)
#   TR_UNCHOKE_AT=SECONDS   start each main-case client SECONDS before Transmission's next rechoke
#                        (instead of after a random pause), so that it unchokes every client connected
#                        by then at the same moment of its run: T2 and the seeks then compare clients
#                        on equal seeders (unset: Transmission's 10 s timer falls where it falls)
#   READY_TIMEOUT=120 T1_TIMEOUT=120 T2_TIMEOUT=60 SEEK_TIMEOUT=30 T3_TIMEOUT=120 T4_TIMEOUT=300
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-flux lt webtorrent peerflix aria2c}
PIECES=${PIECES:-256}
[[ $PIECES =~ ^[0-9]+$ ]] || { echo "PIECES takes one piece size in KiB per run (aria2c refuses to seed two torrents of the same file)" >&2; exit 2; }
SWARM=${SWARM:-main}
READY_TIMEOUT=${READY_TIMEOUT:-120}
T1_TIMEOUT=${T1_TIMEOUT:-120}
T2_TIMEOUT=${T2_TIMEOUT:-60}
SEEK_TIMEOUT=${SEEK_TIMEOUT:-30}
T3_TIMEOUT=${T3_TIMEOUT:-120}
T4_TIMEOUT=${T4_TIMEOUT:-300}
SEEKS=10
PLAYER_SEEKS=5
CASES=" ${CASES:-main t3 extra seekf t5} "
TR_UNCHOKE_AT=${TR_UNCHOKE_AT:-}
[[ -z $TR_UNCHOKE_AT || $TR_UNCHOKE_AT =~ ^[0-9]+(\.[0-9]+)?$ && ${TR_UNCHOKE_AT%%.*} -lt 10 ]] \
    || { echo "TR_UNCHOKE_AT takes seconds below 10 (Transmission's rechoke period)" >&2; exit 2; }
MAIN_INPUT=${MAIN_INPUT:-magnet}
[[ $MAIN_INPUT == magnet || $MAIN_INPUT == torrent ]] || { echo "MAIN_INPUT: magnet or torrent" >&2; exit 2; }
# fresh-client seeks cost SEEKS client starts per round: webtorrent needs ~45 s per start
SEEK_FRESH_CLIENTS=${SEEK_FRESH_CLIENTS-flux lt}
# three more starts per round; webtorrent's URL for a file inside a multi-file torrent differs
EXTRA_CLIENTS=${EXTRA_CLIENTS-flux lt}
# -v: flux's verbose log is a few dozen lines per run and is the evidence when a run is slow.
FLUX_ARGS=${FLUX_ARGS--v}
NPM_BIN=$BENCH_CACHE/npm/node_modules/.bin
SHIM=$BENCH_CACHE/bindshim.so
[[ -f $SHIM ]] || SHIM=  # without it the npm clients connect from 127.0.0.1 (setup-peers.sh builds it)
# --ytdl=no: mpv would otherwise try youtube-dl/yt-dlp on every http URL first.
MPV=(mpv --no-config --vo=null --ao=null --frames=50 --ytdl=no)

# ---- preparation (outside the namespace: it may need the internet) ------------------------------

check_tools() {
    local t
    for t in opentracker transmission-daemon transmission-remote aria2c mktorrent ffmpeg mpv curl \
             setsid timeout sha256sum cmp awk /usr/bin/time; do
        command -v "$t" >/dev/null || die "missing tool: $t (apt-get install opentracker transmission-daemon transmission-cli aria2 mktorrent ffmpeg mpv curl time)"
    done
    [[ -x $FLUX ]] || die "$FLUX not found: run 'mvn -q package -DskipTests' first"
}

if [[ ${BENCH_IN_NETNS:-} != 1 ]]; then
    check_tools
    if [[ ${BENCH_SETUP:-1} == 1 && $CLIENTS =~ lt|webtorrent|peerflix ]]; then
        "$BENCH_DIR/setup-peers.sh" || log "setup-peers.sh failed; missing clients are skipped"
    fi
    # only this script's output: target/bench/seed-upload (seed-upload.sh) is left alone
    rm -rf "$WORK" "$LOGS" "$OUT/results.md" "$OUT/results.tsv" "$OUT/meta.tsv"
    mkdir -p "$OUT" "$WORK" "$LOGS"
    make_media
fi
enter_netns "$@"
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT" "$WORK" "$LOGS"
make_media

RESULTS=$OUT/results.tsv
META=$OUT/meta.tsv
: >"$RESULTS"

# Client starts in the current block, and how many never served a first byte.
STARTS=0
FAILED_STARTS=0
started() { STARTS=$((STARTS + 1)); }
failed_start() { FAILED_STARTS=$((FAILED_STARTS + 1)); }

# A random pause (0-1 s) before each client start. aria2c answers a new connection only on its
# event loop's ~1 s tick and Transmission on its 0.5 s bandwidth tick, so a client's start-up
# time is rounded up to the seeders' next tick; back-to-back runs of fixed length kept the same
# phase, which made one client look consistently lucky (libtorrent's 0.93-0.95 s) and another
# consistently unlucky. A random phase turns that into fair noise that the rounds average out.
desync() { sleep "0.$(printf '%03d' $((RANDOM % 1000)))"; }

# Which clients can run here; says why the others are skipped.
available() {
    case $1 in
        flux | aria2c) return 0 ;;
        lt) /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || { log "skip lt: no python3-libtorrent"; return 1; } ;;
        webtorrent | peerflix)
            [[ -x $NPM_BIN/$1 ]] || { log "skip $1: not installed in $BENCH_CACHE/npm (setup-peers.sh)"; return 1; }
            # they have no switch for DHT/LSD/UPnP: only inside the loopback-only namespace
            [[ $BENCH_IN_NETNS == 1 ]] || { log "skip $1: no network namespace to contain its DHT"; return 1; } ;;
        *) log "skip $1: unknown client"; return 1 ;;
    esac
}

# ---- clients --------------------------------------------------------------------------------------
# start_client CLIENT MAGNET HEX NAME ADDR RUNDIR: starts one client, sets CPID and, for the
# clients that do not announce their URL on stdout, URL_GUESS (their URL 404s/refuses until the
# metadata is in).
start_client() {
    local client=$1 magnet=$2 hex=$3 name=$4 addr=$5 dir=$6 port
    URL_GUESS=
    mkdir -p "$dir"
    case $client in
        flux)
            spawn "$dir/stdout" "$dir/stderr" "$FLUX" stream "$magnet" --no-dht --bind "$addr" \
                --peer-port 0 --port 0 --cache-dir "$dir/cache" --json $FLUX_ARGS ;;
        lt)
            spawn "$dir/stdout" "$dir/stderr" /usr/bin/python3 "$BENCH_DIR/lt_stream.py" "$magnet" \
                --bind "$addr" --save "$dir/data" --port 0 --window-mib 8 ;;
        webtorrent)
            port=$(bpy freeport)
            URL_GUESS=http://127.0.0.1:$port/webtorrent/$hex/$(urlencode "$name")
            spawn "$dir/stdout" "$dir/stderr" env BENCH_BIND_IPV4="$addr" LD_PRELOAD="$SHIM" \
                "$NPM_BIN/webtorrent" download "$magnet" --port "$port" --out "$dir/data" \
                --keep-seeding --quiet --torrent-port "$(freeport_besides 127.0.0.1 "$port")" ;;
        peerflix)
            port=$(bpy freeport)
            URL_GUESS=http://127.0.0.1:$port/
            # --tmp: torrent-stream keeps each torrent's metadata in <tmp>/torrent-stream (/tmp by
            # default, shared by every run); a later start that finds it there ignores the magnet's
            # trackers and, with DHT off, never meets a peer (every peerflix start failed that way
            # after its first success): each run gets its own, as every client starts fresh
            spawn "$dir/stdout" "$dir/stderr" env BENCH_BIND_IPV4="$addr" LD_PRELOAD="$SHIM" \
                "$NPM_BIN/peerflix" "$magnet" --port "$port" --hostname 127.0.0.1 --path "$dir/data" \
                --tmp "$dir/tmp" --quiet --peer-port "$(freeport_besides 127.0.0.1 "$port")" ;;
    esac
    [[ -n $SHIM ]] || [[ $client != webtorrent && $client != peerflix ]] || log "no bindshim.so: $client connects from 127.0.0.1"
    CPID=$SPAWNED
}

# wait_url DIR SECONDS [EVENT]: sets URL once the client serves its file (the "ready" JSON event
# for flux and lt_stream, or EVENT; a HEAD that succeeds for the others); fails when the client died.
wait_url() {
    local dir=$1 deadline=$((SECONDS + $2)) event=${3:-ready}
    URL=
    while ((SECONDS < deadline)); do
        if [[ -n $URL_GUESS ]]; then
            curl -sfI --max-time 2 "$URL_GUESS" >/dev/null 2>&1 && { URL=$URL_GUESS; return 0; }
        else
            # grep, not python: this loop runs every 50 ms next to a starting client on 2 cores
            URL=$(grep -m1 -E "\"event\": ?\"$event\"" "$dir/stdout" 2>/dev/null | sed -E 's/.*"url": ?"([^"]*)".*/\1/') || true
            [[ -n $URL ]] && return 0
        fi
        kill -0 "$CPID" 2>/dev/null || { log "client exited before serving (see $dir/stderr)"; return 1; }
        sleep 0.05
    done
    log "no URL within $2 s"
    return 1
}

# range_ok FILE OFFSET LENGTH SOURCE: the bytes fetched equal the source's bytes at OFFSET.
range_ok() { [[ $(stat -c %s "$1") == "$3" ]] && cmp -s -n "$3" -i "0:$2" "$1" "$4"; }

# start_fresh CLIENT LABEL ROUND INPUT HEX SRC METRIC: a fresh client on a fresh address for one
# measurement, its output in RUN_DIR; sets RUN_DIR, RUN_ADDR and RUN_T0 (INPUT: a magnet or a
# .torrent file). RUN_DIR/t0 lines up with the "time" (epoch ms) of flux's JSON events.
start_fresh() {
    local client=$1 label=$2 round=$3 input=$4 hex=$5 src=$6 metric=$7 addr
    next_addr addr
    RUN_ADDR=$addr
    RUN_DIR=$WORK/runs/$label-r$round-$metric
    log "$label round $round: $metric on $addr"
    if [[ $metric == main && -n $TR_UNCHOKE_AT && -n ${TR_STARTED:-} ]]; then
        await_rechoke_in "$TR_UNCHOKE_AT"
    else
        desync
    fi
    RUN_T0=$(now)
    start_client "$client" "$input" "$hex" "$(basename "$src")" "$addr" "$RUN_DIR"
    echo "$RUN_T0" >"$RUN_DIR/t0"
    started
}

# One client, fresh: T1, T2, the seeks, T4, then RSS/CPU. A stage that fails is recorded as
# "fail"; when T1 fails the later stages are not tried (they would only wait for their timeouts).
run_main() {  # run_main CLIENT LABEL ROUND MAGNET HEX SRC
    local label=$2 round=$3 src=$6 dir t0 size
    size=$(stat -c %s "$src")
    start_fresh "$@" main  # "main": T1, T2, the seeks and T4 on this one client
    dir=$RUN_DIR t0=$RUN_T0
    local served=0 watch=
    if [[ -n ${TR_RPC:-} ]]; then  # when Transmission unchokes it (bench.py unchoked)
        "$PY" "$BENCH_DIR/bench.py" unchoked "$TR_RPC" "$5" "$RUN_ADDR" 300 >"$dir/unchoked.txt" 2>/dev/null &
        watch=$!
    fi
    if wait_url "$dir" "$READY_TIMEOUT"; then
        record "$label" ready "$round" "$(since "$t0")"
        served=1
    else
        record "$label" ready "$round" fail
    fi
    if ((served)) && measure_t1 "$label" "$round" "$t0" "$dir" "$src"; then
        measure_t2 "$label" "$round" "$dir" "$src" "$size"
        measure_seeks "$label" "$round" "$dir" "$src" "$size"
        measure_t4 "$label" "$round" "$t0" "$src" "$size"
    else
        failed_start
        local m
        for m in t1 t2 seek t4 mibs; do record "$label" "$m" "$round" fail; done
    fi
    if [[ -n $watch ]]; then
        kill "$watch" 2>/dev/null || true  # done already when it saw the unchoke
        wait "$watch" 2>/dev/null || true  # killed while it polled: nothing to report
        local at
        at=$(cat "$dir/unchoked.txt")
        [[ $at =~ ^[0-9.]+$ ]] && at=$(since "$t0" "$at") || at=later
        record "$label" trunchoke "$round" "$at"
    fi
    client_stats "$label" "$round" "$dir"
    stop_pid "$CPID"
    discard_data "$dir"
}

# T1: retried while the URL is not served yet (webtorrent answers 404 until it has the metadata).
measure_t1() {  # measure_t1 LABEL ROUND T0 DIR SRC
    first_byte "$3" "$4" "$5" && record "$1" t1 "$2" "$FIRST_BYTE"
}

first_byte() {  # first_byte T0 DIR SRC: sets FIRST_BYTE (seconds since T0)
    local deadline=$((SECONDS + T1_TIMEOUT))
    while ((SECONDS < deadline)); do
        if curl -sf -r 0-0 --max-time $((deadline - SECONDS + 1)) -o "$2/t1.bin" "$URL" 2>/dev/null; then
            FIRST_BYTE=$(since "$1")
            range_ok "$2/t1.bin" 0 1 "$3" || { log "T1: wrong first byte"; return 1; }
            return 0
        fi
        kill -0 "$CPID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

# timed_range OFFSET TIMEOUT OUTFILE: GETs 64 KiB at OFFSET, prints curl's own request time (so
# process start-up of curl and the byte check are not counted).
timed_range() {
    curl -sf --max-time "$2" -r "$1-$(($1 + 65535))" -o "$3" -w '%{time_total}' "$URL"
}

# T2: a 64 KiB Range at 90 % of the file, right after T1.
measure_t2() {  # measure_t2 LABEL ROUND DIR SRC SIZE
    local off=$(($5 * 9 / 10)) t
    if t=$(timed_range "$off" "$T2_TIMEOUT" "$3/t2.bin") && range_ok "$3/t2.bin" "$off" 65536 "$4"; then
        record "$1" t2 "$2" "$t"
    else
        record "$1" t2 "$2" fail
    fi
}

# Seeks one after the other on this client, the same offsets for every client in a round;
# seeks.txt keeps each one's time and offset.
# The requests go back to back (bytes checked afterwards) so that as little of the file as
# possible arrives between them; still, on a fast swarm the later ones can hit pieces that the
# background download already has. seekf (run_seek_fresh) avoids that.
measure_seeks() {  # measure_seeks LABEL ROUND DIR SRC SIZE
    local off t i offs
    mapfile -t offs < <(bpy offsets "$5" "$SEEKS" "$2" 65536)
    : >"$3/seeks.txt"
    for i in "${!offs[@]}"; do
        t=$(timed_range "${offs[$i]}" "$SEEK_TIMEOUT" "$3/seek$i.bin") || t=fail
        echo "$t ${offs[$i]}" >>"$3/seeks.txt"
    done
    i=0
    while read -r t off; do
        [[ $t == fail ]] || range_ok "$3/seek$i.bin" "$off" 65536 "$4" || sed -i "$((i + 1))s/^[^ ]*/fail/" "$3/seeks.txt"
        i=$((i + 1))
    done <"$3/seeks.txt"
    if grep -q fail "$3/seeks.txt"; then
        record "$1" seek "$2" fail
    else
        record "$1" seek "$2" "$(awk '{print $1}' "$3/seeks.txt" | median)"
    fi
}

# T4: the whole file over HTTP into a file; throughput counts from process start. The sha256 is
# checked after the clock stops, as for aria2c: piped through sha256sum, the checksum (1 s of CPU
# for the 146 MiB on a 2-core VM) competed with the client and the seeders for the cores, and T4
# ended up to 3.6 s after the client had the whole file (HISTORY.md, session 27).
measure_t4() {  # measure_t4 LABEL ROUND T0 SRC SIZE
    local rc=0 t body=$WORK/t4-body
    timeout "$T4_TIMEOUT" curl -sf -o "$body" "$URL" || rc=$?
    t=$(since "$3")
    if [[ $rc == 0 && $(sha256sum <"$body" | cut -d' ' -f1) == "$(sha_of "$4")" ]]; then
        record "$1" t4 "$2" "$t"
        record "$1" mibs "$2" "$(awk -v s="$5" -v t="$t" 'BEGIN { printf "%.2f", s / 1048576 / t }')"
    else
        record "$1" t4 "$2" fail
        record "$1" mibs "$2" fail
    fi
    rm -f "$body"
}

# After a client stopped: note how much data it left behind (flux should clean its cache on
# exit unless --keep), then delete it so that a run needs ~1 GB of disk, not several.
discard_data() {  # discard_data DIR
    { du -sm "$1/cache" "$1/data" 2>/dev/null || true; } \
        | awk '{ s += $1 } END { print s + 0 " MiB left after exit" }' >"$1/left.txt"
    rm -rf "$1/cache" "$1/data"
}

# Peak RSS and CPU of the client's tree (while it still runs), plus flux's /status.json.
client_stats() {
    local label=$1 round=$2 dir=$3 rss cpu
    if kill -0 "$CPID" 2>/dev/null; then
        read -r rss cpu < <(bpy stats "$CPID")
        record "$label" rss "$round" "$((rss / 1024))"
        record "$label" cpu "$round" "$cpu"
    fi
    if [[ -n ${URL:-} && $label == flux* ]]; then
        curl -s --max-time 5 "$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$URL")/status.json" \
            >"$dir/status.json" 2>/dev/null || true
    fi
}

declare -A SHA
sha_of() {
    [[ -n ${SHA[$1]:-} ]] || SHA[$1]=$(sha256sum "$1" | cut -d' ' -f1)
    printf '%s' "${SHA[$1]}"
}

# seekf: a fresh client per seek. Each one waits for its first byte (as for T1), then asks for
# 64 KiB at a random offset >= 50 % of the file: the piece is almost surely not there yet, so
# this is the time to fetch it from the swarm ("a seek answered within one seeder round trip").
run_seek_fresh() {  # run_seek_fresh CLIENT LABEL ROUND MAGNET HEX SRC
    local label=$2 round=$3 src=$6 dir t0 t off i=0 times=() size
    size=$(stat -c %s "$src")
    for off in $(bpy offsets "$size" "$SEEKS" "$((round + 1000))" 65536); do
        start_fresh "$@" "seekf$i"
        dir=$RUN_DIR t0=$RUN_T0
        if ! wait_url "$dir" "$READY_TIMEOUT" || ! first_byte "$t0" "$dir" "$src"; then
            failed_start
            echo "nostart $off" >"$dir/seek.txt"
        elif t=$(timed_range "$off" "$SEEK_TIMEOUT" "$dir/seek.bin") && range_ok "$dir/seek.bin" "$off" 65536 "$src"; then
            times+=("$t")
            echo "$t $off" >"$dir/seek.txt"
        else
            echo "fail $off" >"$dir/seek.txt"
        fi
        stop_pid "$CPID"
        discard_data "$dir"
        i=$((i + 1))
    done
    # a client that never started is counted in "failed starts", not here; a seek that got no
    # (or wrong) bytes fails the round
    if ((${#times[@]})) && ! grep -qs '^fail' "$WORK/runs/$label-r$round"-seekf*/seek.txt; then
        record "$label" seekf "$round" "$(printf '%s\n' "${times[@]}" | median)"
    else
        record "$label" seekf "$round" fail
    fi
}

# A fresh client: process start -> first byte.
run_t1() {  # run_t1 CLIENT LABEL ROUND INPUT HEX SRC METRIC
    local label=$2 round=$3 src=$6 metric=$7
    start_fresh "$@"
    if wait_url "$RUN_DIR" "$READY_TIMEOUT" && first_byte "$RUN_T0" "$RUN_DIR" "$src"; then
        record "$label" "$metric" "$round" "$FIRST_BYTE"
    else
        failed_start
        record "$label" "$metric" "$round" fail
    fi
    stop_pid "$CPID"
    discard_data "$RUN_DIR"
}

# A fresh client per container: process start -> mpv has played 50 frames. EVENT: the JSON event
# whose URL mpv gets (flux's "listening" comes before the metadata).
run_t3() {  # run_t3 CLIENT LABEL ROUND INPUT HEX SRC METRIC [EVENT]
    local label=$2 round=$3 metric=$7 event=${8:-ready}
    start_fresh "${@:1:7}"
    if ! wait_url "$RUN_DIR" "$READY_TIMEOUT" "$event"; then
        failed_start
        record "$label" "$metric" "$round" fail
    elif timeout "$T3_TIMEOUT" "${MPV[@]}" "$URL" >"$RUN_DIR/mpv.log" 2>&1; then
        record "$label" "$metric" "$round" "$(since "$RUN_T0")"
    else
        record "$label" "$metric" "$round" fail
    fi
    stop_pid "$CPID"
    discard_data "$RUN_DIR"
}

# A fresh client per container: mpv plays its URL and is sought PLAYER_SEEKS times (player_seeks).
run_t5() {  # run_t5 CLIENT LABEL ROUND INPUT HEX SRC METRIC
    local label=$2 round=$3 metric=$7
    start_fresh "$@"
    if ! wait_url "$RUN_DIR" "$READY_TIMEOUT"; then
        failed_start
        record "$label" "$metric" "$round" fail
    elif player_seeks "$URL" "$RUN_DIR" "$round" "$PLAYER_SEEKS"; then
        record "$label" "$metric" "$round" "$(median <"$RUN_DIR/pseeks.txt")"
        local asked
        asked=$(grep -v cached "$RUN_DIR/pfirst.txt" || true)  # none: no seek waited for a range
        [[ -n $asked ]] && record "$label" "${metric}fb" "$round" "$(median <<<"$asked")"
    else
        record "$label" "$metric" "$round" fail
    fi
    stop_pid "$CPID"
    discard_data "$RUN_DIR"
}

# aria2c as a leecher: whole file to disk, the throughput reference.
run_aria2() {  # run_aria2 LABEL ROUND MAGNET SRC
    local label=$1 round=$2 magnet=$3 src=$4 addr dir t0 t rc=0 size rss u s aria
    size=$(stat -c %s "$src")
    next_addr addr
    dir=$WORK/runs/$label-r$round-main
    mkdir -p "$dir/data"
    log "$label round $round: T4 on $addr"
    desync
    t0=$(now)
    aria2_on aria "$addr" "$(bpy freeport "$addr")"  # timed as before: its free port was looked up in the command
    timeout "$T4_TIMEOUT" /usr/bin/time -f '%M %U %S' -o "$dir/time.txt" \
        aria2c "${aria[@]}" --seed-time=0 -d "$dir/data" "$magnet" >"$dir/stdout" 2>"$dir/stderr" || rc=$?
    t=$(since "$t0")
    if [[ $rc == 0 && $(sha256sum <"$dir/data/$(basename "$src")" | cut -d' ' -f1) == "$(sha_of "$src")" ]]; then
        record "$label" t4 "$round" "$t"
        record "$label" mibs "$round" "$(awk -v s="$size" -v t="$t" 'BEGIN { printf "%.2f", s / 1048576 / t }')"
        read -r rss u s <"$dir/time.txt"
        record "$label" rss "$round" "$((rss / 1024))"
        record "$label" cpu "$round" "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"
    else
        record "$label" t4 "$round" fail
        record "$label" mibs "$round" fail
    fi
    rm -rf "$dir/data"
}

# The floor for T3: mpv on the local files.
run_mpv_local() {  # run_mpv_local ROUND
    local t0 kind file
    for kind in mp4 mkv fast; do
        case $kind in mp4) file=$MP4 ;; mkv) file=$MKV ;; fast) file=$FAST ;; esac
        desync
        t0=$(now)
        if timeout "$T3_TIMEOUT" "${MPV[@]}" "$file" >"$LOGS/mpv-local-$kind.log" 2>&1; then
            record "mpv (local file)" "t3$kind" "$1" "$(since "$t0")"
        fi
    done
}

versions() {
    local v
    {
        printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
        printf 'machine\t%s cores (nproc), %s MiB RAM, %s, load average at start %s\n' "$(nproc)" \
            "$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -sr)" "$(cut -d' ' -f1-3 /proc/loadavg)"
        printf 'network\t%s\n' "$NETWORK"
        printf 'swarm\t%s; opentracker on 127.0.0.1 (HTTP); each client on a fresh 127.0.0.x\n' "$SWARM_DESC"
        printf 'file\t%s (%s bytes, moov at end) and %s (%s bytes); single-file torrents, pieces %s KiB; extra cases (clients: %s): the MP4 as a .torrent file, %s (+faststart), %s/ (the MKV + SRT subtitles, multi-file torrent)\n' \
            "$(basename "$MP4")" "$(stat -c %s "$MP4")" "$(basename "$MKV")" "$(stat -c %s "$MKV")" "$PIECES" \
            "${EXTRA_CLIENTS:-none}" "$(basename "$FAST")" "$(basename "$MULTI")"
        printf 'rounds\t%s (each client fresh from a %s in a fresh directory); seeks: %s Ranges of 64 KiB at random offsets >= 50 %%; "seek" = back to back on one client right after T2, "seekf" = a fresh client per seek, right after its first byte (clients: %s)\n' "$ROUNDS" "$([[ $MAIN_INPUT == torrent ]] && echo ".torrent file in the main case, a magnet elsewhere" || echo magnet)" "$SEEKS" "${SEEK_FRESH_CLIENTS:-none}"
        [[ -z $TR_UNCHOKE_AT ]] || printf 'transmission unchoke\teach main-case client started %s s before the Transmission seeder'"'"'s next rechoke (TR_UNCHOKE_AT), not after a random pause\n' "$TR_UNCHOKE_AT"
        printf 'columns\t"URL ready" = flux/lt: their "ready" JSON event (after the metadata); webtorrent: its URL stops answering 404 (after the metadata); peerflix: its HTTP server is up (it may be before the metadata). T2, seek and seekf are curl'"'"'s own request time; everything else counts from process start. RSS/CPU: the T1/T2/seek/T4 run, read before the client is stopped\n'
        printf 'flux\t%s (commit %s), run as `flux stream MAGNET --no-dht --bind 127.0.0.x --peer-port 0 --port 0 --cache-dir DIR --json %s`\n' \
            "$("$FLUX" --version 2>/dev/null | head -1)" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" "$FLUX_ARGS"
        printf 'java\t%s\n' "$(java -version 2>&1 | head -1)"
        printf 'transmission\t%s\n' "$(transmission-daemon -V 2>&1 | head -1)"
        printf 'aria2c\t%s\n' "$(aria2c --version | head -1)"
        v=$(/usr/bin/python3 -c 'import libtorrent; print(libtorrent.__version__)' 2>/dev/null) || v=absent
        printf 'libtorrent\t%s (python3-libtorrent, src/bench/lt_stream.py, 8 MiB deadline window)\n' "$v"
        [[ -x $NPM_BIN/webtorrent ]] && v=$("$NPM_BIN/webtorrent" --version 2>/dev/null) || v=absent
        printf 'webtorrent-cli\t%s\n' "$v"
        [[ -x $NPM_BIN/peerflix ]] && v=$(node -p "require('$BENCH_CACHE/npm/node_modules/peerflix/package.json').version" 2>/dev/null) || v=absent
        printf 'peerflix\t%s\n' "$v"
        printf 'mpv\t%s\n' "$(mpv --version | head -1 | cut -d' ' -f1-2)"
        printf 'opentracker\t%s\n' "$(dpkg-query -W -f '${Version}' opentracker 2>/dev/null || echo '?')"
    } >"$META"
}

# Before each client's block of runs: a restarted tracker that knows only the seeders, and an
# aria2c past its slow first seconds.
fresh_swarm() {
    restart_tracker
    [[ -z ${TR_PID:-} ]] || reannounce_transmission
    [[ -z ${ARIA_SEED_PID:-} ]] || restart_aria2_seeder
    wait_seeders "$SEEDERS" 60 "${HEXES[@]}"
    [[ -z ${ARIA_SEED_PID:-} ]] || wait_aria2_steady 30 "${HEXES[0]}"
}

# ---- main -------------------------------------------------------------------------------------------

main() {
    local kib t hex src torrents=() hexes=() run_clients=() c
    for c in $CLIENTS; do available "$c" && run_clients+=("$c"); done
    ((${#run_clients[@]})) || die "no client to run"

    declare -gA MAG HEX TOR
    # torrents first: opentracker needs their hashes in its whitelist when it starts
    tracker_port
    for kib in $PIECES; do
        for src in "$MP4" "$MKV" "$FAST" "$MULTI"; do
            t=$(make_torrent "$src" "$kib" "$ANNOUNCE")
            torrents+=("$t")
            TOR[$src:$kib]=$t
            hex=$(bpy infohash "$t")
            hexes+=("$hex")
            HEX[$src:$kib]=$hex
            MAG[$src:$kib]=$(magnet_of "$hex" "$(basename "$src")" "$ANNOUNCE")
        done
    done
    start_tracker "${hexes[@]}"

    local seeders=0
    case $SWARM in
        main | transmission)
            start_transmission 127.0.0.2 "$MEDIA_DIR"
            transmission_add "${torrents[@]}"
            seeders=$((seeders + 1)) ;;&
        main | aria2)
            start_aria2_seeder 127.0.0.3 "$MEDIA_DIR" "${torrents[@]}"
            seeders=$((seeders + 1)) ;;
    esac
    case $SWARM in
        main) SWARM_DESC="Transmission 3.00 on 127.0.0.2 + aria2c on 127.0.0.3, both seeding" ;;
        transmission) SWARM_DESC="Transmission 3.00 alone on 127.0.0.2" ;;
        aria2) SWARM_DESC="aria2c alone on 127.0.0.3" ;;
        *) die "SWARM must be main, transmission or aria2" ;;
    esac
    log "waiting for $seeders seeder(s) to verify and announce"
    wait_seeders "$seeders" 300 "${hexes[@]}"
    SEEDERS=$seeders
    HEXES=("${hexes[@]}")
    versions

    local round label suffix
    for ((round = 1; round <= ROUNDS; round++)); do
        run_mpv_local "$round"
        for kib in $PIECES; do
            [[ $kib == 256 ]] && suffix= || suffix=@${kib}KiB
            for c in "${run_clients[@]}"; do
                label=$c$suffix
                fresh_swarm
                STARTS=0
                FAILED_STARTS=0
                if [[ $c == aria2c ]]; then
                    run_aria2 "$label" "$round" "${MAG[$MP4:$kib]}" "$MP4"
                    continue
                fi
                if [[ $CASES == *" main "* ]]; then
                    main_input=${MAG[$MP4:$kib]}
                    [[ $MAIN_INPUT == torrent ]] && main_input=${TOR[$MP4:$kib]}
                    run_main "$c" "$label" "$round" "$main_input" "${HEX[$MP4:$kib]}" "$MP4"
                fi
                if [[ $CASES == *" t3 "* ]]; then
                    run_t3 "$c" "$label" "$round" "${MAG[$MP4:$kib]}" "${HEX[$MP4:$kib]}" "$MP4" t3mp4
                    run_t3 "$c" "$label" "$round" "${MAG[$MKV:$kib]}" "${HEX[$MKV:$kib]}" "$MKV" t3mkv
                    if [[ $c == flux ]]; then
                        run_t3 "$c" "$label" "$round" "${MAG[$MP4:$kib]}" "${HEX[$MP4:$kib]}" "$MP4" t3mp4s listening
                        run_t3 "$c" "$label" "$round" "${MAG[$MKV:$kib]}" "${HEX[$MKV:$kib]}" "$MKV" t3mkvs listening
                    fi
                fi
                if [[ $CASES == *" t5 "* ]]; then
                    run_t5 "$c" "$label" "$round" "${MAG[$MP4:$kib]}" "${HEX[$MP4:$kib]}" "$MP4" t5mp4
                    run_t5 "$c" "$label" "$round" "${MAG[$MKV:$kib]}" "${HEX[$MKV:$kib]}" "$MKV" t5mkv
                fi
                if [[ $CASES == *" extra "* && " $EXTRA_CLIENTS " == *" $c "* ]]; then
                    run_t1 "$c" "$label" "$round" "${TOR[$MP4:$kib]}" "${HEX[$MP4:$kib]}" "$MP4" t1torrent
                    run_t1 "$c" "$label" "$round" "${MAG[$MULTI:$kib]}" "${HEX[$MULTI:$kib]}" "$MKV" t1multi
                    run_t3 "$c" "$label" "$round" "${MAG[$FAST:$kib]}" "${HEX[$FAST:$kib]}" "$FAST" t3fast
                fi
                if [[ $CASES == *" seekf "* && " $SEEK_FRESH_CLIENTS " == *" $c "* ]]; then
                    run_seek_fresh "$c" "$label" "$round" "${MAG[$MP4:$kib]}" "${HEX[$MP4:$kib]}" "$MP4"
                fi
                record "$label" starts "$round" "$STARTS"
                record "$label" fails "$round" "$FAILED_STARTS"
            done
        done
    done
    cp -r "$WORK/runs" "$LOGS/runs"   # stdout/stderr/mpv logs of every run, for evidence
    rm -rf "$LOGS"/runs/*/cache "$LOGS"/runs/*/data "$LOGS"/runs/*/*.bin
    rm -rf "$WORK/runs"
    printf 'load average at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$META"
    bpy report "$RESULTS" "$META" "$OUT/results.md"
}

main
