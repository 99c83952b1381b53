#!/usr/bin/python3
"""A careful libtorrent streamer, the reference flux is measured against.

libtorrent (Debian's python3-libtorrent 2.0) downloads the torrent sequentially and gives the
pieces under each reader a deadline (set_piece_deadline, libtorrent's time-critical mode) over
a window of --window-mib; a stdlib HTTP server serves the largest file with Range support, and
a read blocks until its piece has passed the hash check (piece_finished_alert) and its bytes
came back from libtorrent (read_piece_alert), so unverified data is never served.

Output mirrors `flux stream --json`: JSON lines on stdout, among them
{"event":"ready","url":...} once the metadata is in. Logs go to stderr.

  lt_stream.py MAGNET|FILE.torrent --bind 127.0.0.11 --save DIR [--port 0] [--window-mib 8]
               [--peer ADDR:PORT]... [--utp]

Peers come from the trackers and from --peer (as `flux stream --peer`): DHT, LSD, UPnP, NAT-PMP
and uTP are off (--utp: it dials uTP first, as libtorrent does by default, and so qBittorrent and
Deluge), and every socket (listen, outgoing peers, tracker) is bound to --bind, so the client has
its own loopback address.
"""
import argparse
import collections
import http.server
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse

import libtorrent as lt

T0 = time.monotonic()


def log(msg):
    print(f"lt_stream {time.monotonic() - T0:7.3f} {msg}", file=sys.stderr, flush=True)


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}, separators=(",", ":")), flush=True)


class Streamer:
    """Owns the libtorrent session; readers call read(offset, length) on the selected file."""

    def __init__(self, magnet, bind, save, window_mib, peers, utp=False):
        self.ses = lt.session({
            "listen_interfaces": f"{bind}:0",
            "outgoing_interfaces": bind,
            "enable_dht": False,
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
            "enable_outgoing_utp": utp,
            "enable_incoming_utp": utp,
            "alert_mask": lt.alert_category.status | lt.alert_category.storage
            | lt.alert_category.error | lt.alert_category.piece_progress,
            "user_agent": "lt_stream/" + lt.__version__,
            # Streaming tuning. libtorrent re-plans time-critical pieces on its tick (500 ms by
            # default), and sizes each peer's queue of sent requests to request_queue_time
            # (3 s) of its rate, up to max_out_request_queue (500 blocks = 8 MiB): a deadline
            # piece then waits behind megabytes already asked for. Short ticks and queues let a
            # seek be answered within about one seeder round trip.
            "tick_interval": 100,
            "request_queue_time": 1,
            "max_out_request_queue": 64,
            "connection_speed": 50,
        })
        if os.path.isfile(magnet):  # a .torrent file
            atp = lt.add_torrent_params()
            atp.ti = lt.torrent_info(magnet)
        else:
            atp = lt.parse_magnet_uri(magnet)
        atp.save_path = save
        self.h = self.ses.add_torrent(atp)
        for peer in peers:
            host, _, port = peer.rpartition(":")
            self.h.connect_peer((host, int(port)))
        self.window_mib = window_mib
        self.cond = threading.Condition()
        self.cache = collections.OrderedDict()  # piece -> bytes, LRU
        self.cache_limit = 64 << 20
        self.cache_bytes = 0
        self.pending_reads = set()
        self.running = True

    def _alerts(self):
        while self.running:
            if not self.ses.wait_for_alert(200):
                continue
            for a in self.ses.pop_alerts():
                if isinstance(a, lt.read_piece_alert):
                    with self.cond:
                        self.pending_reads.discard(a.piece)
                        if not a.error.value():
                            buf = bytes(a.buffer)
                            self.cache[a.piece] = buf
                            self.cache_bytes += len(buf)
                            while self.cache_bytes > self.cache_limit and len(self.cache) > 1:
                                _, old = self.cache.popitem(last=False)
                                self.cache_bytes -= len(old)
                        self.cond.notify_all()
                elif isinstance(a, lt.piece_finished_alert):
                    with self.cond:
                        self.cond.notify_all()
                elif isinstance(a, (lt.metadata_received_alert, lt.torrent_error_alert,
                                    lt.file_error_alert, lt.tracker_error_alert)):
                    log(a.message())

    def wait_metadata(self, timeout):
        deadline = time.monotonic() + timeout
        # Wait for the metadata AND the end of the (empty) file check: set_piece_deadline on a
        # torrent still checking its files crashed libtorrent 2.0.8 (segfault) in this lab.
        busy = (lt.torrent_status.states.checking_files, lt.torrent_status.states.checking_resume_data,
                lt.torrent_status.states.downloading_metadata)
        while True:
            s = self.h.status()
            if s.has_metadata and s.state not in busy:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("no metadata")
            time.sleep(0.01)
        ti = self.h.torrent_file()
        fs = ti.files()
        self.index = max(range(fs.num_files()), key=fs.file_size)
        self.size = fs.file_size(self.index)
        self.offset = fs.file_offset(self.index)
        self.path = fs.file_path(self.index)
        self.plen = ti.piece_length()
        self.npieces = ti.num_pieces()
        prios = [0] * fs.num_files()
        prios[self.index] = 4
        self.h.prioritize_files(prios)
        self.h.set_flags(lt.torrent_flags.sequential_download)
        self.window_pieces = max(1, (self.window_mib << 20) // self.plen)
        self._deadlines(self._piece_at(0))
        # only now: started with the session, its wait_for_alert() crashed python3-libtorrent
        # 2.0.8 (a segfault on this thread) in 3 of 20 starts while this one polled the status
        threading.Thread(target=self._alerts, daemon=True, name="alerts").start()
        log(f"metadata: {self.path} {self.size} bytes, {self.npieces} pieces of {self.plen}")

    def _piece_at(self, pos):
        return (self.offset + pos) // self.plen

    def _deadlines(self, first):
        """The pieces from the read position over the window get increasing deadlines."""
        last = self._piece_at(self.size - 1)
        for k in range(self.window_pieces):
            p = first + k
            if p > last:
                break
            if not self.h.have_piece(p):
                self.h.set_piece_deadline(p, 50 * k)

    def piece(self, p):
        """Blocks until piece p is verified, then returns its bytes."""
        with self.cond:
            while True:
                buf = self.cache.get(p)
                if buf is not None:
                    self.cache.move_to_end(p)
                    return buf
                if self.h.have_piece(p) and p not in self.pending_reads:
                    self.pending_reads.add(p)
                    self.h.read_piece(p)
                self.cond.wait(1.0)

    def read(self, pos, length):
        """Yields the file's bytes [pos, pos+length) piece by piece, in order."""
        end = pos + length
        while pos < end:
            p = self._piece_at(pos)
            self._deadlines(p)
            buf = self.piece(p)
            start = self.offset + pos - p * self.plen
            chunk = buf[start:start + (end - pos)]
            yield chunk
            pos += len(chunk)


def handler_for(st):
    ctype = {".mp4": "video/mp4", ".mkv": "video/x-matroska", ".webm": "video/webm"}.get(
        os.path.splitext(st.path)[1].lower(), "application/octet-stream")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            log("http " + (fmt % args))

        def _range(self):
            h = self.headers.get("Range")
            if not h:
                return 0, st.size - 1, False
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", h.strip())
            if not m or (not m.group(1) and not m.group(2)):
                return None
            if not m.group(1):
                n = int(m.group(2))
                return max(0, st.size - n), st.size - 1, True
            a = int(m.group(1))
            b = int(m.group(2)) if m.group(2) else st.size - 1
            if a >= st.size or b < a:
                return None
            return a, min(b, st.size - 1), True

        def _head(self):
            r = self._range()
            if r is None:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{st.size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            a, b, partial = r
            self.send_response(206 if partial else 200)
            self.send_header("Content-Type", ctype)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(b - a + 1))
            if partial:
                self.send_header("Content-Range", f"bytes {a}-{b}/{st.size}")
            self.end_headers()
            return a, b

        def do_HEAD(self):
            self._head()

        def do_GET(self):
            r = self._head()
            if r is None:
                return
            a, b = r
            try:
                for chunk in st.read(a, b - a + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("magnet")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--save", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--window-mib", type=int, default=8)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--peer", action="append", default=[], help="ADDR:PORT of a peer to connect to")
    ap.add_argument("--utp", action="store_true", help="dial uTP first, as libtorrent's defaults do")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    os.makedirs(args.save, exist_ok=True)
    st = Streamer(args.magnet, args.bind, args.save, args.window_mib, args.peer, args.utp)
    st.wait_metadata(args.timeout)
    emit("metadata", name=st.path, size=st.size)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(st))
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_port}/{urllib.parse.quote(os.path.basename(st.path))}"
    emit("ready", url=url, size=st.size)
    log("ready " + url)
    server.serve_forever()


if __name__ == "__main__":
    main()
