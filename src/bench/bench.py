#!/usr/bin/env python3
"""Small helpers for the flux benchmark scripts (src/bench/*.sh).

Kept in one stdlib-only file so the shell scripts stay readable; every subcommand prints a
plain value on stdout. Subcommands:

  infohash TORRENT                 hex info-hash of a .torrent (SHA-1 of the bencoded info dict)
  scrape ANNOUNCE HEX              number of seeders the tracker lists for HEX (0 on error)
  freeport [HOST]                  a TCP port that is free on HOST right now
  handshake FROM HOST PORT HEX     seconds until the peer at HOST:PORT answers a BitTorrent
                                   handshake for HEX (connecting from address FROM), or "fail"
  stats PID                        "peak_rss_kib cpu_seconds" summed over PID and its descendants
  offsets SIZE N SEED LEN          N random offsets in [SIZE/2, SIZE-LEN), reproducible from SEED
  moov-at-end FILE                 exit 0 when the MP4's last top-level box is moov
  jsonfield FILE EVENT FIELD       FIELD of the first JSON line in FILE whose "event" is EVENT
  rangeproxy URL LOG               an HTTP proxy on 127.0.0.1 in front of URL's server, for a player:
                                   prints the URL to give the player, then logs each request's
                                   "t_request t_first_body_byte range" (monotonic seconds) to LOG
  mpvseeks SOCKET N SEED [LOG OUT] drives a playing mpv through its IPC socket: N seeks to random
                                   positions (5-95 %, reproducible from SEED), each timed from the
                                   command to mpv's playback-restart, checked to land at the
                                   target and to play on for 0.5 s; prints each time, or "fail".
                                   With a rangeproxy LOG: OUT gets a line per seek, the time from
                                   the first range it waited for to that range's first byte (or
                                   "cached"), then the seek's sent and restarted times (monotonic)
  unchoked RPC HEX ADDR SECONDS    polls transmission-daemon's RPC at RPC (host:port) for the torrent
                                   HEX until it unchokes the peer at ADDR; prints that moment (epoch
                                   seconds), or "none" when it did not within SECONDS
  report RESULTS.tsv META.tsv OUT  Markdown table of medians and spreads (also on stdout)
  ab DIR BUILD...                  summary of ab.sh's alternating runs in DIR, one block per build
"""
import json
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


# --- bencode (just enough to find the raw info dict) -------------------------------------

def _bdecode(data, i=0):
    c = data[i:i + 1]
    if c == b"i":
        j = data.index(b"e", i)
        return int(data[i + 1:j]), j + 1
    if c == b"l":
        i += 1
        out = []
        while data[i:i + 1] != b"e":
            v, i = _bdecode(data, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while data[i:i + 1] != b"e":
            k, i = _bdecode(data, i)
            start = i
            v, i = _bdecode(data, i)
            out[k] = v
            if k == b"info":
                out[b"__info_raw__"] = data[start:i]
        return out, i + 1
    j = data.index(b":", i)
    n = int(data[i:j])
    return data[j + 1:j + 1 + n], j + 1 + n


def infohash(path):
    import hashlib
    with open(path, "rb") as f:
        meta, _ = _bdecode(f.read())
    return hashlib.sha1(meta[b"__info_raw__"]).hexdigest()


def scrape(announce, hexhash):
    url = announce.replace("/announce", "/scrape") + "?info_hash=" + urllib.parse.quote(bytes.fromhex(hexhash))
    try:
        body = urllib.request.urlopen(url, timeout=3).read()
    except OSError:
        return 0
    m = re.search(rb"8:completei(\d+)e", body)
    return int(m.group(1)) if m else 0


def freeport(host="127.0.0.1"):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def handshake(source, host, port, hexhash, timeout=10.0):
    start = time.monotonic()
    try:
        with socket.create_connection((host, int(port)), timeout=timeout, source_address=(source, 0)) as s:
            s.sendall(b"\x13BitTorrent protocol" + bytes(8) + bytes.fromhex(hexhash) + b"-FB0001-" + os.urandom(12))
            got = b""
            while len(got) < 68:
                chunk = s.recv(68 - len(got))
                if not chunk:
                    return "fail"
                got += chunk
    except OSError:
        return "fail"
    return "%.3f" % (time.monotonic() - start)


# --- process tree statistics -----------------------------------------------------------------

def _children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def stats(pid):
    """Peak RSS (VmHWM, KiB) and CPU seconds (utime+stime, plus reaped children) of a tree."""
    kids = _children_map()
    todo, tree = [int(pid)], []
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(kids.get(p, []))
    hz = os.sysconf("SC_CLK_TCK")
    hwm, ticks = 0, 0
    for p in tree:
        try:
            with open(f"/proc/{p}/status") as f:
                m = re.search(r"VmHWM:\s+(\d+)", f.read())
                hwm += int(m.group(1)) if m else 0
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
            fields = s[s.rindex(")") + 2:].split()
            ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except OSError:
            continue
    return f"{hwm} {ticks / hz:.2f}"


def offsets(size, n, seed, length):
    rnd = random.Random(int(seed))
    lo, hi = int(size) // 2, int(size) - int(length)
    return "\n".join(str(rnd.randrange(lo, hi)) for _ in range(int(n)))


def moov_at_end(path):
    last, pos, size = None, 0, os.path.getsize(path)
    with open(path, "rb") as f:
        while pos < size:
            f.seek(pos)
            head = f.read(16)
            n, kind = int.from_bytes(head[:4], "big"), head[4:8].decode("latin-1")
            if n == 1:
                n = int.from_bytes(head[8:16], "big")
            elif n == 0:
                n = size - pos
            last, pos = kind, pos + n
    return last == "moov"


def jsonfield(path, event, field):
    try:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if obj.get("event") == event and field in obj:
                    return str(obj[field])
    except OSError:
        pass
    return ""


# --- when Transmission unchokes a client --------------------------------------------------------

def unchoked(rpc, hexhash, addr, seconds):
    """Transmission unchokes a new peer on its own schedule (1.3 s to several seconds after its
    start), so a client may have one seeder or two in its first seconds; polled every 50 ms. This
    is Transmission's choke flag: the Unchoke reached flux 0.35 and 0.8 s after it turned (two
    runs against flux's log), sent at a later pulse of Transmission's."""
    url = f"http://{rpc}/transmission/rpc"
    body = json.dumps({"method": "torrent-get",
                       "arguments": {"ids": [hexhash], "fields": ["peers"]}}).encode()
    session = ""
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        req = urllib.request.Request(url, data=body, headers={"X-Transmission-Session-Id": session})
        try:
            with urllib.request.urlopen(req, timeout=2) as r:
                torrents = json.load(r)["arguments"]["torrents"]
        except urllib.error.HTTPError as e:
            session = e.headers.get("X-Transmission-Session-Id", "")  # 409: the id to send
            time.sleep(0.05)
            continue
        except (OSError, ValueError, KeyError):
            torrents = []
        for t in torrents:
            for peer in t.get("peers", []):
                if peer.get("address") == addr and not peer.get("peerIsChoked", True):
                    return f"{time.time():.3f}"
        time.sleep(0.05)
    return "none"


# --- a real player's seeks (mpv's JSON IPC) ----------------------------------------------------

class _Mpv:
    """Just enough of mpv's JSON IPC: commands with replies, and the events in between."""

    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.next_id = 0

    def _line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("mpv did not answer in time")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("mpv closed its socket")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, *args, timeout=10):
        self.next_id += 1
        self.sock.sendall(json.dumps({"command": list(args), "request_id": self.next_id}).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            msg = self._line(deadline)
            if msg.get("request_id") == self.next_id:
                return msg
            if "event" in msg:
                self.events.append(msg["event"])

    def get(self, prop):
        reply = self.command("get_property", prop)
        return reply.get("data") if reply.get("error") == "success" else None

    def wait_event(self, name, timeout):
        deadline = time.monotonic() + timeout
        while name not in self.events:
            msg = self._line(deadline)
            if "event" in msg:
                self.events.append(msg["event"])
        self.events.clear()

    def wait_playing_past(self, seconds, timeout):
        """Until the playing position passes SECONDS (mpv is playing, not stalled)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pos = self.get("time-pos")
            if pos is not None and pos >= seconds:
                return
            time.sleep(0.05)
        raise TimeoutError(f"mpv did not play past {seconds:.1f} s")


# --- a player's range requests, timed (what the issue calls a seek's first byte) --------------

def _pump_requests(src, dst, upstream_host, log):
    """mpv -> server: forwards each request with its Host set to the server's, notes when it came.
    However mpv hangs up, the server sees it at once, as it would without the proxy: mpv drops the
    range it seeks away from with bytes unread, which resets the connection, and a server waiting
    for a piece would otherwise learn of it only from its next write (flux ends a waiting reader
    as the player hangs up)."""
    buf = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            buf += data
            while b"\r\n\r\n" in buf:
                head, buf = buf.split(b"\r\n\r\n", 1)
                log.append([time.monotonic(), None, (_header(head, b"range") or b"-").decode()])
                dst.sendall(_with_header(head, b"host", lambda value: upstream_host) + b"\r\n\r\n")
            # a request body (mpv sends none) would pass once its head is parsed; nothing else is buffered
    finally:
        dst.shutdown(socket.SHUT_WR)


def _pump_responses(src, dst, log, sink, to_proxy):
    """server -> mpv: notes when each response's first body byte came, paired with its request by
    order, and points redirects to the upstream server at the proxy (or mpv would leave it)."""
    buf = b""
    answered = 0  # responses whose head has passed
    left = None  # body bytes left of the current response; None while reading a head
    request = None  # the current response's request, until its first body byte has passed
    while True:
        data = src.recv(65536)
        if not data:
            break
        buf += data
        out = []
        while buf:
            if left is None:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break  # the rest of the head is still to come
                head, buf = to_proxy(buf[:end + 4]), buf[end + 4:]
                out.append(head)
                left = _body_length(head)
                request = log[answered] if answered < len(log) else None
                answered += 1
                if left == 0:
                    left = None
                continue
            part = buf[:left]
            if request is not None:
                request[1] = time.monotonic()
                sink(request)
                request = None
            out.append(part)
            buf = buf[len(part):]
            left -= len(part)
            if left == 0:
                left = None
        if out:
            dst.sendall(b"".join(out))
    dst.shutdown(socket.SHUT_WR)


def _header(head, name):
    """The value of HEAD's first header called NAME (lower case), or None."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _with_header(head, name, change):
    """HEAD with the value of each header called NAME (lower case) replaced by change(value), or
    kept where that gives None."""
    lines = head.split(b"\r\n")
    for i, line in enumerate(lines):
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            changed = change(value.strip())
            if changed is not None:
                lines[i] = key + b": " + changed
    return b"\r\n".join(lines)


def _body_length(head):
    """A response's body length from its head: Content-Length, none for 1xx/204/304, else until
    the connection closes (chunked answers are not taken apart: they end the timing on it)."""
    status = int(head.split(b" ", 2)[1])
    if status < 200 or status in (204, 304):
        return 0
    length = _header(head, b"content-length")
    return int(length) if length is not None else float("inf")


def rangeproxy(url, logpath):
    """Serves until killed: a thread per connection and direction, each request logged to
    LOGPATH once its first body byte has passed (a request never answered is not)."""
    parts = urllib.parse.urlsplit(url)
    upstream = (parts.hostname, parts.port or 80)
    upstream_host = parts.netloc.encode()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    print(urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}")), flush=True)
    lock = threading.Lock()
    out = open(logpath, "a")
    upstream_prefix = f"{parts.scheme}://{parts.netloc}".encode()
    proxy_prefix = f"{parts.scheme}://127.0.0.1:{port}".encode()

    def to_proxy(head):
        return _with_header(head, b"location", lambda value: proxy_prefix + value[len(upstream_prefix):]
                            if value.startswith(upstream_prefix) else None)

    def sink(entry):
        with lock:
            out.write("%.6f %.6f %s\n" % tuple(entry))
            out.flush()

    def serve(client):
        try:
            server = socket.create_connection(upstream, timeout=30)
            server.settimeout(None)
        except OSError:
            client.close()
            return
        log = []
        threading.Thread(target=_pump_quietly, args=(_pump_requests, client, server, upstream_host, log),
                         daemon=True).start()
        _pump_quietly(_pump_responses, server, client, log, sink, to_proxy)
        client.close()
        server.close()

    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


def _pump_quietly(pump, *args):
    try:
        pump(*args)
    except OSError:
        pass  # the player or the server hung up: the other side is closed with it


def _first_bytes(logpath, seeks):
    """For each (sent, restarted) seek, the first request mpv made in between and had answered
    before it played on: from that request to its first byte, or None when the seek waited for
    no request (mpv's cache held the target; a request it made to read ahead came later)."""
    requests = []
    with open(logpath) as f:
        for line in f:
            t_req, t_first, _ = line.split(" ", 2)
            requests.append((float(t_req), float(t_first)))
    requests.sort()
    found = []
    for sent, restarted in seeks:
        waited = [(r, f) for r, f in requests if sent <= r and f <= restarted]
        found.append(waited[0][1] - waited[0][0] if waited else None)
    return found


def mpvseeks(path, n, seed, rangelog=None, firstbytes=None, timeout=60.0):
    rnd = random.Random(int(seed))
    targets = [rnd.uniform(5, 95) for _ in range(int(n))]
    out = []
    seeks = []
    try:
        mpv = _Mpv(path, timeout)
        mpv.wait_playing_past(0.5, timeout)
        duration = mpv.get("duration")
        for pct in targets:
            target = duration * pct / 100
            mpv.events.clear()
            start = time.monotonic()
            mpv.command("seek", pct, "absolute-percent+exact")
            mpv.wait_event("playback-restart", timeout)
            restarted = time.monotonic()
            took = restarted - start
            seeks.append((start, restarted))
            pos = mpv.get("time-pos")
            if pos is None or abs(pos - target) > 1.5:
                raise ValueError(f"the seek to {target:.1f} s landed at {pos}")
            mpv.wait_playing_past(target + 0.5, timeout)
            out.append("%.3f" % took)
        mpv.command("quit")
        if rangelog:  # each seek's request got its first byte before mpv could restart: all logged
            with open(firstbytes, "w") as f:
                f.writelines(("%.4f" % t if t is not None else "cached") + " %.3f %.3f\n" % seek
                             for t, seek in zip(_first_bytes(rangelog, seeks), seeks))
    except (OSError, ValueError, TimeoutError, EOFError) as e:
        print(f"mpvseeks: {e}", file=sys.stderr)
        out.append("fail")
    return "\n".join(out)


# --- report ----------------------------------------------------------------------------------

METRICS = [  # key, column title, unit, format
    ("ready", "URL ready", "s", "{:.2f}"),
    ("t1", "T1 first byte", "s", "{:.2f}"),
    ("t1torrent", "T1 from a .torrent file", "s", "{:.2f}"),
    ("t1multi", "T1 multi-file torrent (video + subtitles)", "s", "{:.2f}"),
    ("t2", "T2 64 KiB @90 %", "s", "{:.3f}"),
    ("seek", "seek, one client (median of 10)", "s", "{:.3f}"),
    ("seekf", "seek, fresh client each (median of 10)", "s", "{:.3f}"),
    ("t3mp4", "T3 mpv MP4 (moov at end)", "s", "{:.2f}"),
    ("t3mkv", "T3 mpv MKV", "s", "{:.2f}"),
    ("t3fast", "T3 mpv MP4 faststart", "s", "{:.2f}"),
    ("t3mp4s", "T3 mpv MP4, started on flux's early stream URL", "s", "{:.2f}"),
    ("t3mkvs", "T3 mpv MKV, started on flux's early stream URL", "s", "{:.2f}"),
    ("t5mp4", "T5 mpv seek during playback, MP4 (median of 5)", "s", "{:.3f}"),
    ("t5mkv", "T5 mpv seek during playback, MKV (median of 5)", "s", "{:.3f}"),
    ("t5mp4fb", "T5 first byte of mpv's range after a seek, MP4", "s", "{:.3f}"),
    ("t5mkvfb", "T5 first byte of mpv's range after a seek, MKV", "s", "{:.3f}"),
    ("t4", "T4 whole file", "s", "{:.2f}"),
    ("mibs", "throughput", "MiB/s", "{:.1f}"),
    ("upt", "4 leechers done", "s", "{:.2f}"),
    ("first", "first leecher done", "s", "{:.2f}"),
    ("up", "seeder upload", "MiB/s", "{:.1f}"),
    ("trunchoke", "Transmission unchoked it", "s", "{:.2f}"),
    ("rss", "peak RSS", "MiB", "{:.0f}"),
    ("cpu", "CPU", "s", "{:.1f}"),
    ("fails", "failed starts", "of all", "{:.0f}"),
]


# flux's T3 with the player started on its stream URL, set against the others' T3
EARLY_URL_OF = {"t3mp4s": "t3mp4", "t3mkvs": "t3mkv"}


def _load(path):
    rows = {}
    order = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            client, metric, rnd, value = parts
            if client not in order:
                order.append(client)
            rows.setdefault((client, metric), []).append(value)
    return order, rows


def _numbers(values):
    """The runs that gave a value (a failed run records a word instead)."""
    return [float(v) for v in values if re.fullmatch(r"-?[0-9.]+", v)]


def _cell(values, fmt):
    ok = _numbers(values)
    failed = len(values) - len(ok)
    if not ok:
        return f"fail {failed}/{len(values)}" if values else "–", None
    med = statistics.median(ok)
    s = fmt.format(med)
    if len(ok) > 1:
        s += f" ({fmt.format(min(ok))}–{fmt.format(max(ok))})"
    if failed:
        s += f", fail {failed}/{len(values)}"
    return s, med


def _served(values):
    """', from k of n runs' when the reference client gave no value in some runs (its median is theirs)."""
    ok = len(_numbers(values))
    return f", from {ok} of {len(values)} runs" if ok < len(values) else ""


def report(results, meta, out):
    order, rows = _load(results)
    meta_lines = []
    if os.path.exists(meta):
        with open(meta) as f:
            meta_lines = [l.rstrip("\n").split("\t", 1) for l in f if "\t" in l]
    used = [m for m in METRICS if any((c, m[0]) in rows for c in order)]
    md = ["# flux benchmark: loopback swarm", ""]
    for k, v in meta_lines:
        md.append(f"- **{k}**: {v}")
    md += ["", "Median over rounds, (min–max) when more than one round; `fail k/n` = k of n runs "
           "gave no value within the time limit. Times are from process start.", ""]
    md.append("| client | " + " | ".join(f"{t} ({u})" for _, t, u, _ in used) + " |")
    md.append("|---|" + "---|" * len(used))
    medians = {}
    for c in order:
        cells = []
        for key, _, _, fmt in used:
            if key == "fails":  # a count: summed over rounds, out of all starts
                f = [int(v) for v in rows.get((c, "fails"), []) if v.isdigit()]
                n = [int(v) for v in rows.get((c, "starts"), []) if v.isdigit()]
                cells.append(f"{sum(f)}/{sum(n)}" if n else "–")
                continue
            text, med = _cell(rows.get((c, key), []), fmt)
            if key == "trunchoke":  # no value: not unchoked before the run ended
                text = text.replace("fail", "later")
            medians[(c, key)] = med
            cells.append(text)
        md.append(f"| {c} | " + " | ".join(cells) + " |")
    md += ["", "## Ratios (flux / best other client; < 1 means flux is faster)", ""]
    md.append("| flux variant | metric | flux | best other | ratio |")
    md.append("|---|---|---|---|---|")
    fluxes = [c for c in order if c.startswith("flux")]
    for fc in fluxes:
        suffix = fc[len("flux"):]  # same piece-size variant only
        others = [c for c in order if not c.startswith("flux") and c.endswith(suffix)
                  and not c.startswith("mpv") and not c.startswith("aria2c")]
        for key in ("t1", "t1torrent", "t1multi", "t2", "seek", "seekf", "t3mp4", "t3mkv", "t3fast", "t3mp4s",
                    "t3mkvs", "t5mp4", "t5mkv", "t5mp4fb", "t5mkvfb", "t4"):
            f = medians.get((fc, key))
            other = EARLY_URL_OF.get(key, key)  # the others have no URL before the metadata
            cand = [(medians.get((o, other)), o) for o in others if medians.get((o, other)) is not None]
            if f is None or not cand:
                continue
            best, who = min(cand)
            md.append(f"| {fc} | {key} | {f:.3f} s | {best:.3f} s ({who}{_served(rows.get((who, other), []))}) "
                      f"| {f / best:.2f} |")
        a = [c for c in order if c.startswith("aria2c") and c.endswith(suffix)]
        f = medians.get((fc, "mibs"))
        if a and f is not None and medians.get((a[0], "mibs")):
            ar = medians[(a[0], "mibs")]
            md.append(f"| {fc} | throughput | {f:.1f} MiB/s | {ar:.1f} MiB/s ({a[0]}) | {f / ar:.2f} |")
        f = medians.get((fc, "up"))
        t = [(medians.get((o, "up")), o) for o in order if o != fc and medians.get((o, "up"))]
        if f is not None and t:
            best, who = max(t)
            md.append(f"| {fc} | upload (> 1: flux faster) | {f:.1f} MiB/s | {best:.1f} MiB/s ({who}) | {f / best:.2f} |")
    text = "\n".join(md) + "\n"
    with open(out, "w") as f:
        f.write(text)
    return text


FETCHED_MS = 8
FETCH_LINE = re.compile(r"fetched at once for (\d+) ms \(its blocks read (\d+)-(\d+) ms after the ask")


def _quartiles(values):
    v = sorted(values)
    if not v:
        return "–"
    return " / ".join("%.0f" % v[int(p * (len(v) - 1))] for p in (0.25, 0.5, 0.75))


def ab(directory, *builds):
    """Per build of ab.sh (runs a1 b1 a2 b2 ...): its seeks, fetched seeks, T2, first byte,
    whole file and CPU pooled over its runs, and, from flux's -v log, the pieces fetched for a
    seek: in all and from their last block read to no reader waiting."""
    lines = []
    for k, build in enumerate(builds):
        letter = "abcdef"[k]
        seeks, round_medians, fetch, after = [], [], [], []
        metrics = {}
        for run in sorted(d for d in os.listdir(directory) if re.fullmatch(letter + r"[0-9]+", d)):
            base = os.path.join(directory, run)
            results = os.path.join(base, "results.tsv")
            if os.path.exists(results):
                _, rows = _load(results)
                for (client, metric), values in rows.items():
                    if client.startswith("flux"):
                        metrics.setdefault(metric, []).extend(_numbers(values))
            runs = os.path.join(base, "logs", "runs")
            for name in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
                if not (name.startswith("flux") and name.endswith("-main")):
                    continue
                path = os.path.join(runs, name, "seeks.txt")
                if os.path.exists(path):
                    with open(path) as f:
                        ms = [float(l.split()[0]) * 1000 for l in f if l.strip()]
                    seeks += ms
                    if ms:
                        round_medians.append(statistics.median(ms))
                log = os.path.join(runs, name, "stderr")
                if os.path.exists(log):
                    with open(log, errors="replace") as f:
                        for m in FETCH_LINE.finditer(f.read()):
                            fetch.append(int(m.group(1)))
                            after.append(int(m.group(1)) - int(m.group(3)))
        med = lambda m, scale=1.0, fmt="%.2f": fmt % (statistics.median(metrics[m]) * scale) if metrics.get(m) else "–"
        lines.append(f"{letter}: {build}")
        lines.append(f"   seeks {len(seeks)}, fetched (> {FETCHED_MS} ms) {len([x for x in seeks if x > FETCHED_MS])}:"
                     f" p25 / median / p75 {_quartiles([x for x in seeks if x > FETCHED_MS])} ms;"
                     f" round medians {' '.join('%.0f' % x for x in round_medians)}")
        lines.append(f"   T2 {med('t2', 1000, '%.1f')} ms, first byte {med('t1')} s, whole file {med('mibs', 1, '%.1f')} MiB/s,"
                     f" CPU {med('cpu')} s, RSS {med('rss', 1, '%.0f')} MiB")
        if fetch:
            lines.append(f"   pieces fetched for a seek {len(fetch)}: p25 / median / p75 {_quartiles(fetch)} ms,"
                         f" of which after their last block was read {_quartiles(after)} ms")
    return "\n".join(lines) + "\n"


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "infohash":
        print(infohash(args[0]))
    elif cmd == "scrape":
        print(scrape(args[0], args[1]))
    elif cmd == "freeport":
        print(freeport(*args[:1]))
    elif cmd == "handshake":
        print(handshake(*args[:4]))
    elif cmd == "stats":
        print(stats(args[0]))
    elif cmd == "offsets":
        print(offsets(*args[:4]))
    elif cmd == "moov-at-end":
        return 0 if moov_at_end(args[0]) else 1
    elif cmd == "jsonfield":
        print(jsonfield(*args[:3]))
    elif cmd == "mpvseeks":
        print(mpvseeks(*args[:5]))
    elif cmd == "rangeproxy":
        rangeproxy(*args[:2])
    elif cmd == "unchoked":
        print(unchoked(*args[:4]), flush=True)
    elif cmd == "report":
        sys.stdout.write(report(*args[:3]))
    elif cmd == "ab":
        sys.stdout.write(ab(*args))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
