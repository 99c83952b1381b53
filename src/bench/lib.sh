# shellcheck shell=bash
# Shared pieces of the benchmark scripts (run.sh, seed-upload.sh): the loopback lab (network
# namespace, opentracker, Transmission and aria2c seeders), test media, torrents, process
# bookkeeping. Sourced, not run. Facts behind the choices: /work/shared/research/peer-lab.md.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
OUT=${BENCH_OUT:-$REPO/target/bench}
WORK=$OUT/work
LOGS=$OUT/logs
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flux-bench}
# Debian's python has libtorrent; the helpers need only the stdlib but must not go through a
# slow pyenv shim inside timed loops.
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
FLUX=${FLUX:-$REPO/target/flux}
export BENCH_CACHE

log() { printf '[bench %(%T)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
bpy() { "$PY" "$BENCH_DIR/bench.py" "$@"; }

# record CLIENT METRIC ROUND VALUE: one result line in $RESULTS (the calling script's), and in the log.
record() {
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"
    log "$1 round $3: $2 = $4"
}

# Seconds since the epoch with microseconds (bash 5), and differences as decimals.
now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.3f", b - a }'; }  # since T0 [END]: seconds from T0 to END (now)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2);
    printf "%.3f", (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# ---- process bookkeeping ----------------------------------------------------------------------
# Every long-running process is started with setsid, so it leads its own process group and
# stop_pid can end it together with any children it spawned, by id only.
PIDS=()

spawn() {  # spawn OUTFILE ERRFILE cmd... ; sets SPAWNED
    local out=$1 err=$2
    shift 2
    setsid "$@" >"$out" 2>"$err" </dev/null &
    SPAWNED=$!
    PIDS+=("$SPAWNED")
}

stop_pid() {  # TERM the group, KILL it after 5 s
    local pid=$1 i p keep=()
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# player_seeks URL DIR SEED N: mpv plays URL (no window, no sound, in real time) and is sought
# N times during playback through its IPC socket (bench.py mpvseeks); DIR/pseeks.txt gets each
# seek's time, the command to mpv's playback-restart. mpv reaches the client through
# bench.py's rangeproxy, which times each request mpv makes: DIR/pfirst.txt gets, per seek, the
# time from the first request it waited for to that request's first byte ("cached" when it
# waited for none), then the seek's times. Fails when a seek failed or mpv did not quit.
player_seeks() {
    local url=$1 dir=$2 rc=0 proxied= i
    rm -f "$dir/mpv.sock" "$dir/ranges.log" "$dir/proxy.url"
    spawn "$dir/proxy.url" "$dir/proxy.err" "$PY" "$BENCH_DIR/bench.py" rangeproxy "$url" "$dir/ranges.log"
    local proxy_pid=$SPAWNED
    for ((i = 0; i < 100; i++)); do
        proxied=$(head -1 "$dir/proxy.url" 2>/dev/null) && [[ -n $proxied ]] && break
        sleep 0.02
    done
    if [[ -z $proxied ]]; then
        log "the range proxy did not start: $(tail -1 "$dir/proxy.err")"
        stop_pid "$proxy_pid"
        return 1
    fi
    spawn "$dir/mpv-seeks.log" "$dir/mpv-seeks.err" mpv --no-config --vo=null --ao=null --ytdl=no \
        --keep-open=yes --input-ipc-server="$dir/mpv.sock" "$proxied"
    local mpv_pid=$SPAWNED
    bpy mpvseeks "$dir/mpv.sock" "$4" "$3" "$dir/ranges.log" "$dir/pfirst.txt" >"$dir/pseeks.txt" \
        2>>"$dir/mpv-seeks.err" || rc=$?
    stop_pid "$mpv_pid"
    stop_pid "$proxy_pid"
    ((rc == 0)) && ! grep -q fail "$dir/pseeks.txt"
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in "${PIDS[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
}

# ---- network ----------------------------------------------------------------------------------
# Re-executes the calling script in a new network namespace that has only loopback, so no
# DHT/LSD/uTP packet can leave the box whatever a client does. When unshare is not allowed
# (no root, a container without CAP_SYS_ADMIN) the run stays on the host's loopback with every
# process bound to its own 127.0.0.x, and the clients that cannot be kept off the network
# (webtorrent, peerflix: no switch for DHT/LSD/UPnP) are skipped.
enter_netns() {
    if [[ ${BENCH_IN_NETNS:-} == 1 ]]; then
        ip link set lo up
        NETWORK="network namespace with loopback only ($(ip -o link | awk -F': ' '{print $2}' | paste -sd, -))"
        return 0
    fi
    if [[ ${BENCH_NETNS:-1} == 1 ]] && unshare -n true 2>/dev/null && command -v ip >/dev/null; then
        export BENCH_IN_NETNS=1
        exec unshare -n -- bash "$0" "$@"
    fi
    log "no network namespace (unshare -n failed or BENCH_NETNS=0): using the host's loopback"
    NETWORK="host loopback, every process bound to its own 127.0.0.x"
    BENCH_IN_NETNS=0
}

# A fresh loopback address for each client process: Transmission refuses an IP it has seen
# finish as a seed, and drops a second handshake from an IP that is mid-handshake.
ADDR_SEQ=0
next_addr() {  # next_addr VAR
    local n=$ADDR_SEQ
    ADDR_SEQ=$((ADDR_SEQ + 1))
    printf -v "$1" '127.0.%d.%d' $((n / 200)) $((10 + n % 200))
}

wait_port() {  # wait_port HOST PORT SECONDS
    local host=$1 port=$2 deadline=$((SECONDS + $3))
    until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

urlencode() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# ---- media and torrents -----------------------------------------------------------------------
# ~150 MiB H.264/AAC MP4 with the moov atom at the END (no +faststart): a player must fetch the
# tail before it can play, which is what separates good streamers from sequential ones. The MKV
# is the same streams remuxed (ffmpeg writes its Cues at the end too). Cached across runs:
# encoding two minutes of 720p takes about a minute on two cores.
# Also: the MP4 with +faststart (moov first, the easy case) and a folder for a multi-file
# torrent, the MKV (a hard link) next to SRT subtitles.
MEDIA_SECONDS=${MEDIA_SECONDS:-120}
make_media() {  # sets MEDIA_DIR MP4 MKV FAST MULTI
    MEDIA_DIR=$BENCH_CACHE/media-${MEDIA_SECONDS}s
    MP4=$MEDIA_DIR/flux-bench.mp4
    MKV=$MEDIA_DIR/flux-bench.mkv
    FAST=$MEDIA_DIR/flux-bench-faststart.mp4
    MULTI=$MEDIA_DIR/flux-bench-multi
    mkdir -p "$MEDIA_DIR"
    if [[ ! -s $MP4 ]]; then
        log "encoding $MP4 (${MEDIA_SECONDS}s of 1280x720 testsrc2 at 10 Mbit/s)"
        timeout 1800 ffmpeg -hide_banner -loglevel error -y \
            -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$MEDIA_SECONDS" \
            -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$MEDIA_SECONDS" \
            -c:v libx264 -preset veryfast -b:v 10M -maxrate 10M -bufsize 20M -g 50 -pix_fmt yuv420p \
            -c:a aac -b:a 128k "$MP4.part.mp4"
        mv "$MP4.part.mp4" "$MP4"
    fi
    if [[ ! -s $MKV ]]; then
        timeout 600 ffmpeg -hide_banner -loglevel error -y -i "$MP4" -c copy "$MKV.part.mkv"
        mv "$MKV.part.mkv" "$MKV"
    fi
    if [[ ! -s $FAST ]]; then
        timeout 600 ffmpeg -hide_banner -loglevel error -y -i "$MP4" -c copy -movflags +faststart "$FAST.part.mp4"
        mv "$FAST.part.mp4" "$FAST"
    fi
    if [[ ! -s $MULTI/flux-bench.srt ]]; then
        mkdir -p "$MULTI"
        ln -f "$MKV" "$MULTI/flux-bench.mkv"
        local i
        for ((i = 0; i < MEDIA_SECONDS / 10; i++)); do
            printf '%d\n00:%02d:%02d,000 --> 00:%02d:%02d,000\nsubtitle %d\n\n' $((i + 1)) \
                $((i * 10 / 60)) $((i * 10 % 60)) $(((i * 10 + 5) / 60)) $(((i * 10 + 5) % 60)) $((i + 1))
        done >"$MULTI/flux-bench.srt"
    fi
    bpy moov-at-end "$MP4" || die "$MP4 does not end with its moov atom"
    ! bpy moov-at-end "$FAST" || die "$FAST should have its moov atom first"
    chmod -R a+rX "$MEDIA_DIR"
}

# make_torrent FILE PIECE_KIB ANNOUNCE -> prints the .torrent path (a folder: multi-file torrent)
make_torrent() {
    local file=$1 kib=$2 announce=$3 log2
    log2=$(awk -v k="$kib" 'BEGIN { printf "%d", log(k * 1024) / log(2) }')
    local t=$WORK/torrents/$(basename "$file")-${kib}k.torrent
    mkdir -p "$WORK/torrents"
    rm -f "$t"
    mktorrent -l "$log2" -a "$announce" -o "$t" "$file" >/dev/null
    printf '%s' "$t"
}

magnet_of() {  # magnet_of HEX NAME ANNOUNCE
    printf 'magnet:?xt=urn:btih:%s&dn=%s&tr=%s' "$1" "$(urlencode "$2")" "$(urlencode "$3")"
}

# ---- the swarm --------------------------------------------------------------------------------
# opentracker: Debian's build serves only whitelisted info-hashes (-w, a path inside the -d
# chroot) and refuses to run as root (-u nobody).
tracker_port() {  # sets TRACKER_PORT and ANNOUNCE (the torrents need it before the tracker runs)
    TRACKER_PORT=$(bpy freeport 127.0.0.1)
    ANNOUNCE=http://127.0.0.1:$TRACKER_PORT/announce
}

start_tracker() {  # start_tracker HEX... ; needs tracker_port; sets TRACKER_PID TRACKER_DIR
    TRACKER_DIR=$WORK/tracker
    mkdir -p "$TRACKER_DIR"
    chmod 755 "$TRACKER_DIR"
    printf '%s\n' "$@" >"$TRACKER_DIR/whitelist"
    chmod 644 "$TRACKER_DIR/whitelist"
    spawn "$LOGS/opentracker.log" "$LOGS/opentracker.log" opentracker -i 127.0.0.1 \
        -p "$TRACKER_PORT" -P "$TRACKER_PORT" -d "$TRACKER_DIR" -w whitelist -u nobody
    TRACKER_PID=$SPAWNED
    wait_port 127.0.0.1 "$TRACKER_PORT" 10 || die "opentracker did not start: $(cat "$LOGS/opentracker.log")"
}

# A clean tracker between clients. Killed clients never send "stopped", so opentracker keeps
# listing them for ~20 min; after a few dozen runs a client that asks for 50 peers (bt, aria2c,
# webtorrent) can get only dead ones and wait for its next announce. Restarting the tracker
# (same port, same whitelist) and making both seeders announce again gives every client the
# same swarm: the seeders plus at most its own earlier runs.
restart_tracker() {
    stop_pid "$TRACKER_PID"
    local hexes
    mapfile -t hexes <"$TRACKER_DIR/whitelist"
    start_tracker "${hexes[@]}"
}

# Transmission announces again when its torrents are stopped and started (a plain
# --reannounce is refused within the tracker's min interval). aria2c has no such switch
# without RPC: restart_aria2_seeder starts a new process instead. (A short
# --bt-tracker-interval would do it too, but then aria2c learns of each new client within
# seconds and dials it: that hid webtorrent's 40 s of uTP attempts in a trial run.)
reannounce_transmission() {
    timeout 30 transmission-remote "$TR_RPC" -t all --stop >/dev/null
    sleep 2  # a stop and a start within a second are merged: no new announce
    timeout 30 transmission-remote "$TR_RPC" -t all --start >/dev/null
    TR_STARTED=$(now)
}

# Transmission 3.00 unchokes peers only in its rechoke pass, which a torrent's start runs at once
# and which then re-arms itself every 10 s (libtransmission/peer-mgr.c: tr_peerMgrStartTorrent
# calls rechokePulse, and rechokePulse re-arms its timer; allowed-fast is compiled out). So after
# reannounce_transmission a client connected to it is unchoked at TR_STARTED + 10 s, + 20 s, ...
TR_RECHOKE_SECONDS=10
await_rechoke_in() {  # await_rechoke_in SECONDS: sleeps until Transmission's next rechoke is SECONDS away
    local wait
    wait=$(awk -v now="$(now)" -v started="$TR_STARTED" -v lead="$1" -v period="$TR_RECHOKE_SECONDS" \
        'BEGIN { w = period - lead - (now - started) % period; while (w < 0) w += period; printf "%.3f", w }')
    sleep "$wait"
}

# Re-reads the whitelist (opentracker reloads it on SIGHUP) after appending HEX.
tracker_allow() {
    printf '%s\n' "$1" >>"$TRACKER_DIR/whitelist"
    kill -HUP "$TRACKER_PID" 2>/dev/null || true
}

# A port free on ADDR that is none of the PORTs given: each lookup closes its probe before the
# port is used, so two in a row can name the same one (in the tests a Transmission seeder once got
# one port for its peers and its RPC server, and its peers got HTTP answers).
freeport_besides() {  # freeport_besides ADDR PORT...
    local addr=$1 port i
    shift
    for i in {1..20}; do
        port=$(bpy freeport "$addr")
        [[ " $* " == *" $port "* ]] || { echo "$port"; return 0; }
    done
    return 1
}

# transmission-daemon with DHT, LPD, PEX, uTP and port mapping off; it seeds straight from the
# media directory (nothing is written there once the data verifies).
start_transmission() {  # start_transmission ADDR DATA_DIR ; sets TR_PID TR_RPC TR_PEER
    local addr=$1 data=$2 dir=$WORK/transmission-$1 peer rpc
    rm -rf "$dir"
    mkdir -p "$dir/config"
    peer=$(bpy freeport "$addr")
    rpc=$(freeport_besides "$addr" "$peer")
    cat >"$dir/config/settings.json" <<EOF
{"bind-address-ipv4": "$addr", "bind-address-ipv6": "::1", "peer-port": $peer,
 "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
 "port-forwarding-enabled": false, "rpc-enabled": true, "rpc-bind-address": "$addr", "rpc-port": $rpc,
 "rpc-authentication-required": false, "rpc-whitelist-enabled": false,
 "rpc-host-whitelist-enabled": false, "download-dir": "$data", "encryption": 1,
 "ratio-limit-enabled": false, "idle-seeding-limit-enabled": false,
 "speed-limit-up-enabled": false, "start-added-torrents": true,
 "peer-limit-global": 400, "peer-limit-per-torrent": 100, "message-level": 1, "cache-size-mb": 16}
EOF
    spawn "$LOGS/transmission-$addr.log" "$LOGS/transmission-$addr.log" \
        transmission-daemon -f -g "$dir/config"
    TR_PID=$SPAWNED
    TR_RPC=$addr:$rpc
    TR_PEER=$addr:$peer
    wait_port "$addr" "$rpc" 20 || die "transmission-daemon did not start: $(tail -5 "$LOGS/transmission-$addr.log")"
}

transmission_add() {  # transmission_add TORRENT...
    local t
    for t in "$@"; do
        timeout 30 transmission-remote "$TR_RPC" -a "$t" >/dev/null
    done
}

# aria2_on VAR ADDR PORT: sets the array VAR to what every aria2c of the benches starts with,
# seeder or leecher: bound to ADDR:PORT, DHT, LPD and IPv6 off (loopback only), no preallocation,
# no .torrent saved, quiet.
aria2_on() {
    local -n args=$1
    args=(--enable-dht=false --enable-dht6=false --bt-enable-lpd=false --disable-ipv6 --interface="$2"
        --listen-port="$3" --file-allocation=none --bt-save-metadata=false --summary-interval=0
        --console-log-level=warn)
}

# aria2c seeding the given torrents (one process, -Z: each torrent its own download). The first
# start verifies the data (-V); restarts trust it (--bt-seed-unverified) to start in a moment.
start_aria2_seeder() {  # start_aria2_seeder ADDR DATA_DIR TORRENT... ; sets ARIA_SEED_PID
    local addr=$1 data=$2 port check=-V
    shift 2
    [[ -z ${ARIA_SEED_ARGS:-} ]] || check=--bt-seed-unverified=true
    ARIA_SEED_ARGS=("$addr" "$data" "$@")
    port=$(bpy freeport "$addr")
    local aria
    aria2_on aria "$addr" "$port"
    spawn "$LOGS/aria2-seeder-$addr.log" "$LOGS/aria2-seeder-$addr.log" aria2c "${aria[@]}" --seed-ratio=0 "$check" \
        --auto-file-renaming=false --allow-overwrite=false -Z -d "$data" "$@"
    ARIA_SEED_PID=$SPAWNED
    ARIA_SEED_PORT=$port
}

restart_aria2_seeder() {
    stop_pid "$ARIA_SEED_PID"
    start_aria2_seeder "${ARIA_SEED_ARGS[@]}"
}

# aria2c accepts connections only on its event loop's 1 s tick (aria2's PeerListenCommand is not
# in its poll set), and in the first ~4 s after it starts that loop runs slower still: back-to-back
# probe handshakes were answered after 0.65, 1.66, 1.36, then 0.85-0.88 s every time from ~5 s on
# (4 restarts alike). The first client after fresh_swarm was timed against that start-up (its
# handshake waited 1.9-2.4 s). This waits until three probes in a row (from 127.0.0.254, no
# client's address) are answered within a tick.
wait_aria2_steady() {  # wait_aria2_steady SECONDS HEX
    local deadline=$((SECONDS + $1)) hex=$2 took fast=0
    while ((fast < 3)); do
        ((SECONDS < deadline)) || { log "aria2c's answers are still slow ($took s); going on"; return 0; }
        took=$(bpy handshake 127.0.0.254 "${ARIA_SEED_ARGS[0]}" "$ARIA_SEED_PORT" "$hex")
        if [[ $took != fail ]] && awk -v t="$took" 'BEGIN { exit !(t < 1.1) }'; then
            fast=$((fast + 1))
        else
            fast=0
        fi
    done
}

# Waits until the tracker lists at least N seeders for every HEX (seeders verify 300 MiB first).
wait_seeders() {  # wait_seeders N SECONDS HEX...
    local n=$1 deadline=$((SECONDS + $2)) h
    shift 2
    for h in "$@"; do
        until (($(bpy scrape "$ANNOUNCE" "$h") >= n)); do
            ((SECONDS < deadline)) || die "fewer than $n seeders announced $h (see $LOGS)"
            sleep 0.5
        done
    done
}
