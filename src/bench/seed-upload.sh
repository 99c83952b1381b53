#!/usr/bin/env bash
# Upload benchmark: one seeder, 4 aria2c leechers downloading from it at once.
#
#   mvn -q package -DskipTests && src/bench/seed-upload.sh
#
# The same MP4 as run.sh (~150 MiB, 256 KiB pieces) is seeded by transmission-daemon, then by
# `flux seed`, each alone in a loopback-only network namespace behind opentracker. Four aria2c
# leechers on fresh 127.0.0.x addresses start together from the magnet; their own upload is
# capped at 1 KiB/s so that (nearly) every byte they get comes from the seeder under test.
# Measured per seeder: time until all 4 have the whole file (sha256 checked), the seeder's
# aggregate upload = 4 x size / that time, the slowest and fastest leecher, and the seeder's
# peak RSS and CPU seconds over the run. Results: target/bench/seed-upload/results.md.
#
# flux seeds with the same piece size as the reference torrent, so its info-hash is the one the
# tracker already whitelists (the info dictionary is the same as mktorrent's). It binds 127.0.0.1:
# opentracker records the address an announce comes from and ignores the `ip` parameter, and
# bt's HTTP tracker client does not leave from flux's --bind address.
#
# Environment: ROUNDS=1, SEEDERS="transmission flux", LEECHERS=4, PIECE_KIB=256,
#              LEECH_TIMEOUT=300, BENCH_CACHE, BENCH_NETNS (as in run.sh).
set -euo pipefail

: "${BENCH_OUT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/bench/seed-upload}"
export BENCH_OUT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-1}
SEEDERS=${SEEDERS:-transmission flux}
LEECHERS=${LEECHERS:-4}
PIECE_KIB=${PIECE_KIB:-256}
LEECH_TIMEOUT=${LEECH_TIMEOUT:-300}

if [[ ${BENCH_IN_NETNS:-} != 1 ]]; then
    [[ -x $FLUX ]] || log "$FLUX missing: the flux part will fail (mvn -q package -DskipTests)"
    rm -rf "$OUT"
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

# ---- seeders: each sets SEED_PID and SEED_HEX (the info-hash leechers fetch) or fails ----------

seed_transmission() {  # seed_transmission ADDR
    start_transmission "$1" "$MEDIA_DIR"
    transmission_add "$TORRENT"
    SEED_PID=$TR_PID
    SEED_HEX=$HEX0
}

# The planned `flux seed`: it makes the torrent itself, so its info-hash is read from the magnet
# it prints (and added to the tracker's whitelist when it differs from mktorrent's).
seed_flux() {  # seed_flux ADDR
    local dir=$WORK/flux-seed-$1 deadline magnet
    mkdir -p "$dir"
    spawn "$dir/stdout" "$dir/stderr" "$FLUX" seed "$MP4" --no-dht --bind 127.0.0.1 --peer-port 0 --tracker "$ANNOUNCE" \
        --piece-size "${PIECE_KIB}K" --state "$dir/state"
    SEED_PID=$SPAWNED
    deadline=$((SECONDS + 120))  # hashing 150 MiB comes first
    until magnet=$(grep -o -m1 'magnet:?[^" ]*' "$dir/stdout" 2>/dev/null); do
        if ! kill -0 "$SEED_PID" 2>/dev/null || ((SECONDS >= deadline)); then
            log "flux seed printed no magnet: $(head -c 400 "$dir/stderr" | tr '\n' ' ')"
            return 1
        fi
        sleep 0.2
    done
    SEED_HEX=$(sed -E 's/.*xt=urn:btih:([0-9a-fA-F]{40}).*/\1/' <<<"$magnet" | tr 'A-F' 'a-f')
    [[ $SEED_HEX =~ ^[0-9a-f]{40}$ ]] || { log "flux seed: no hex info-hash in $magnet"; return 1; }
    [[ $SEED_HEX == "$HEX0" ]] || tracker_allow "$SEED_HEX"
}

# ---- one measurement ------------------------------------------------------------------------------

run_seeder() {  # run_seeder KIND ROUND
    local kind=$1 round=$2 addr t0 t m i pids=() dirs=() times=() rc all_ok=1 sum size rss cpu
    size=$(stat -c %s "$MP4")
    next_addr addr
    log "$kind round $round: seeding on $addr"
    if ! "seed_$kind" "$addr" || ! wait_seeders 1 120 "$SEED_HEX"; then
        for m in up upt; do record "$kind" "$m" "$round" fail; done
        [[ -n ${SEED_PID:-} ]] && stop_pid "$SEED_PID"
        return 0
    fi
    local magnet
    magnet=$(magnet_of "$SEED_HEX" "$(basename "$MP4")" "$ANNOUNCE")
    t0=$(now)
    for ((i = 0; i < LEECHERS; i++)); do
        local la d aria
        next_addr la
        d=$WORK/runs/$kind-r$round-leecher$i
        mkdir -p "$d/data"
        # --max-upload-limit: leechers barely trade among themselves, the seeder does the work
        aria2_on aria "$la" "$(bpy freeport "$la")"
        spawn "$d/stdout" "$d/stderr" bash -c 'timeout "$0" aria2c "$@"; echo "$? $EPOCHREALTIME" >"'"$d"'/done"' \
            "$LEECH_TIMEOUT" "${aria[@]}" --seed-time=0 --max-upload-limit=1K -d "$d/data" "$magnet"
        pids+=("$SPAWNED")
        dirs+=("$d")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" 2>/dev/null || true
        read -r rc t <"${dirs[$i]}/done" || rc=1
        sum=$(sha256sum <"${dirs[$i]}/data/$(basename "$MP4")" 2>/dev/null | cut -d' ' -f1) || true
        if [[ $rc == 0 && $sum == "$SHA0" ]]; then
            times+=("$(since "$t0" "$t")")
        else
            all_ok=0
        fi
        rm -rf "${dirs[$i]}/data"
    done
    read -r rss cpu < <(bpy stats "$SEED_PID")
    if ((all_ok)); then
        local slowest fastest
        slowest=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
        fastest=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
        record "$kind" upt "$round" "$slowest"
        record "$kind" first "$round" "$fastest"
        record "$kind" up "$round" "$(awk -v n="$LEECHERS" -v s="$size" -v t="$slowest" 'BEGIN { printf "%.2f", n * s / 1048576 / t }')"
    else
        record "$kind" upt "$round" fail
        record "$kind" up "$round" fail
    fi
    record "$kind" rss "$round" "$((rss / 1024))"
    record "$kind" cpu "$round" "$cpu"
    stop_pid "$SEED_PID"
    SEED_PID=
}

main() {
    local t
    tracker_port
    TORRENT=$(make_torrent "$MP4" "$PIECE_KIB" "$ANNOUNCE")
    HEX0=$(bpy infohash "$TORRENT")
    SHA0=$(sha256sum "$MP4" | cut -d' ' -f1)
    start_tracker "$HEX0"
    {
        printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
        printf 'machine\t%s cores, %s MiB RAM\n' "$(nproc)" "$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
        printf 'network\t%s\n' "$NETWORK"
        printf 'setup\t%s leechers (aria2c, upload capped at 1 KiB/s) start together from a magnet; one seeder alone; %s (%s bytes), %s KiB pieces\n' \
            "$LEECHERS" "$(basename "$MP4")" "$(stat -c %s "$MP4")" "$PIECE_KIB"
        printf 'flux\t%s\n' "$("$FLUX" --version 2>/dev/null | head -1)"
        printf 'transmission\t%s\n' "$(transmission-daemon -V 2>&1 | head -1)"
        printf 'aria2c\t%s\n' "$(aria2c --version | head -1)"
    } >"$META"
    local round kind
    for ((round = 1; round <= ROUNDS; round++)); do
        for kind in $SEEDERS; do
            run_seeder "$kind" "$round"
        done
    done
    cp -r "$WORK/runs" "$LOGS/runs" 2>/dev/null || true
    for t in "$WORK"/flux-seed-*; do [[ -d $t ]] && cp -r "$t" "$LOGS/"; done
    bpy report "$RESULTS" "$META" "$OUT/results.md"
}

main
