#!/usr/bin/env bash
# Installs the optional peers the benchmark compares flux with, outside the repository:
#   - python3-libtorrent (Debian package, for src/bench/lt_stream.py)
#   - webtorrent-cli 6.0.1 and peerflix 0.39.0 (npm) in $BENCH_CACHE/npm
#   - bindshim.so (gives the npm clients their own 127.0.0.x source address)
# Idempotent; run.sh calls it before entering its network namespace (which has no internet).
# Every step may fail: the client that needs it is then skipped by run.sh, with a note.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flux-bench}
mkdir -p "$BENCH_CACHE"

say() { printf 'setup-peers: %s\n' "$*" >&2; }

install_libtorrent() {
    if /usr/bin/python3 -c 'import libtorrent' 2>/dev/null; then return 0; fi
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing python3-libtorrent (apt)"
        timeout 300 apt-get install -y -q python3-libtorrent >/dev/null || say "apt-get install python3-libtorrent failed"
    else
        say "python3-libtorrent missing (apt-get install python3-libtorrent); lt_stream is skipped"
    fi
}

# npm quirks (research/peer-lab.md): a dependency's preinstall runs `npx only-allow pnpm`, so
# install with --ignore-scripts and rebuild only the native modules that matter; npm >= 11
# also wants them listed in "allowScripts". webtorrent 3 then dies at start because
# node-datachannel's native addon is missing: a stub loader replaces it (no WebRTC on TCP).
install_node_peers() {
    local dir=$BENCH_CACHE/npm
    if [[ -x $dir/node_modules/.bin/webtorrent && -x $dir/node_modules/.bin/peerflix \
          && -f $dir/node_modules/node-datachannel/stub-native.cjs ]]; then return 0; fi
    command -v npm >/dev/null || { say "npm missing; webtorrent and peerflix are skipped"; return 0; }
    mkdir -p "$dir"
    cat >"$dir/package.json" <<'EOF'
{"name": "flux-bench-peers", "private": true,
 "allowScripts": {"bufferutil": true, "utf-8-validate": true, "utp-native": true}}
EOF
    say "installing webtorrent-cli@6.0.1 peerflix@0.39.0 into $dir"
    # a second try: a registry's hiccup should not cost a CI run its webtorrent tests
    local try
    for try in 1 2; do
        (cd "$dir" && timeout 240 npm install --ignore-scripts --no-audit --no-fund \
            webtorrent-cli@6.0.1 peerflix@0.39.0 >"$dir/install.log" 2>&1 \
         && timeout 120 npm rebuild bufferutil utf-8-validate utp-native >>"$dir/install.log" 2>&1) && break
        [[ $try == 2 ]] && { say "npm install failed, see $dir/install.log"; return 0; }
        say "npm install failed, trying again"
    done
    local ndc=$dir/node_modules/node-datachannel
    if [[ -d $ndc ]]; then
        cat >"$ndc/stub-native.cjs" <<'EOF'
// flux bench: stand-in for node-datachannel's native addon (WebRTC plays no part in a TCP swarm).
'use strict';
const noop = () => {};
class Unavailable { constructor() { throw new Error('node-datachannel native addon stubbed out by flux bench'); } }
module.exports = new Proxy({}, { get: (_t, k) => (typeof k === 'string' && /^[a-z]/.test(k) ? noop : Unavailable) });
EOF
        sed -i 's#"../../../build/Release/node_datachannel.node"#"../../../stub-native.cjs"#' \
            "$ndc"/dist/esm/lib/node-datachannel.mjs "$ndc"/dist/cjs/lib/node-datachannel.cjs
    fi
    "$dir/node_modules/.bin/webtorrent" --version >/dev/null 2>&1 || say "webtorrent does not start, see $dir/install.log"
}

build_bindshim() {
    local so=$BENCH_CACHE/bindshim.so
    if [[ -f $so && $so -nt $here/bindshim.c ]]; then return 0; fi
    if command -v cc >/dev/null; then
        cc -shared -fPIC -O2 -o "$so" "$here/bindshim.c" -ldl || say "could not build bindshim.so"
    else
        say "no C compiler: webtorrent/peerflix will connect from 127.0.0.1 in every run"
    fi
}

install_libtorrent
install_node_peers
build_bindshim
