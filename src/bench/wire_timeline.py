#!/usr/bin/env python3
"""When each piece was asked for and came, on the wire: reads a pcap of a bench run and prints, per
client connection to one seeder, every piece's first Request, its first and last Piece message.

usage: wire_timeline.py CAPTURE.pcap [SEEDER_IP [CLIENT_IP [SEEKS.txt PIECE_SIZE]]]

CLIENT_IP keeps that client's connections only (the bench gives each client run its own
127.0.0.x; its log says which). With that client's seeks.txt (logs/runs/<client>-r<N>-main/) and
the piece size it also matches each fetched seek (> 8 ms) to its piece: the seek's time as curl saw it against the
piece's time on the wire from the ask to its last block; the rest is the client's own.

The capture is taken inside the bench's network namespace while run.sh runs, e.g.
    pid=<the run.sh whose /proc/PID/ns/net differs from yours>
    nsenter -t $pid -n tcpdump -i lo -s 0 -w run.pcap 'host 127.0.0.3 and tcp'
Plaintext connections only (an encrypted one is named and skipped); loopback neither loses nor
reorders segments, so each direction is read in sequence order from its SYN on.
"""
import collections
import statistics
import struct
import sys

REQUEST, PIECE = 6, 7


class Direction:
    """One direction of a TCP connection: its bytes in order, parsed into BitTorrent messages."""

    def __init__(self):
        self.buf = bytearray()
        self.next_seq = None
        self.after_handshake = False
        self.encrypted = False
        self.messages = []  # (time, id, piece, offset) for Requests and Pieces

    def add(self, t, seq, payload):
        if self.next_seq is None or self.encrypted:
            return
        skip = (self.next_seq - seq) & 0xffffffff
        if skip and skip < 0x80000000:  # bytes seen before
            if skip >= len(payload):
                return
            payload = payload[skip:]
        elif skip:
            return  # a gap: not on loopback
        self.next_seq = (self.next_seq + len(payload)) & 0xffffffff
        self.buf += payload
        if not self.after_handshake:
            if len(self.buf) < 68:
                return
            if self.buf[0] != 19 or self.buf[1:20] != b'BitTorrent protocol':
                self.encrypted = True
                return
            del self.buf[:68]
            self.after_handshake = True
        at = 0
        while len(self.buf) - at >= 4:
            length = struct.unpack_from('>I', self.buf, at)[0]
            if len(self.buf) - at < 4 + length:
                break
            if length >= 9 and self.buf[at + 4] in (REQUEST, PIECE):
                piece, offset = struct.unpack_from('>II', self.buf, at + 5)
                self.messages.append((t, self.buf[at + 4], piece, offset))
            at += 4 + length
        del self.buf[:at]


def read(capture):
    """Every direction seen, keyed (source ip, source port, destination ip, destination port)."""
    directions = collections.defaultdict(Direction)
    with open(capture, 'rb') as f:
        header = f.read(24)
        nanos = struct.unpack('<I', header[:4])[0] == 0xa1b23c4d
        while True:
            record = f.read(16)
            if len(record) < 16:
                break
            seconds, fraction, length, _ = struct.unpack('<IIII', record)
            frame = f.read(length)
            if len(frame) < 34 or frame[12:14] != b'\x08\x00':
                continue  # not IPv4 over Ethernet (tcpdump's loopback framing)
            ip_header = (frame[14] & 15) * 4
            tcp = frame[14 + ip_header:]
            source, destination = '.'.join(map(str, frame[26:30])), '.'.join(map(str, frame[30:34]))
            source_port, destination_port, seq = struct.unpack('>HHI', tcp[:8])
            direction = directions[(source, source_port, destination, destination_port)]
            if tcp[13] & 2:  # SYN
                direction.next_seq = (seq + 1) & 0xffffffff
                continue
            payload = tcp[(tcp[12] >> 4) * 4:]
            if payload:
                direction.add(seconds + fraction / (1e9 if nanos else 1e6), seq, payload)
    return directions


def pieces(asks, answers):
    """piece -> (first Request, first Piece, last Piece, blocks) for pieces asked for on this connection."""
    first_ask = {}
    for t, kind, piece, _ in asks:
        if kind == REQUEST:
            first_ask.setdefault(piece, t)
    came = collections.defaultdict(list)
    for t, kind, piece, _ in answers:
        if kind == PIECE:
            came[piece].append(t)
    return {p: (first_ask[p], ts[0], ts[-1], len(ts)) for p, ts in came.items() if p in first_ask}


def main():
    capture = sys.argv[1]
    seeder = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.3'
    only = sys.argv[3] if len(sys.argv) > 3 else None
    directions = read(capture)
    for (source, source_port, destination, destination_port), d in sorted(directions.items()):
        if d.encrypted and destination == seeder and (only is None or source == only):
            print(f'{source}:{source_port} -> {destination}:{destination_port}: not plaintext BitTorrent '
                  '(encrypted, or another protocol): skipped')
    for (client, port, seeder_ip, seeder_port), asks in sorted(directions.items()):
        if seeder_ip != seeder or asks.encrypted or not asks.messages or (only and client != only):
            continue
        answers = directions.get((seeder_ip, seeder_port, client, port))
        if answers is None:
            continue
        timeline = pieces(asks.messages, answers.messages)
        print(f'{client}:{port}: {len(timeline)} pieces asked of {seeder}:{seeder_port}')
        start = min(t for t, _, _, _ in asks.messages)
        for piece, (ask, first, last, blocks) in sorted(timeline.items(), key=lambda e: e[1][0]):
            print(f'  {ask - start:8.3f} s piece {piece:5d}: first block {1000 * (first - ask):6.1f} ms after the ask, '
                  f'{blocks} blocks in {1000 * (last - first):6.1f} ms more')
        if len(sys.argv) > 5:
            piece_size = int(sys.argv[5])
            rows = []
            for line in open(sys.argv[4]):
                seconds, offset = line.split()
                entry = timeline.get(int(offset) // piece_size)
                if entry and float(seconds) > 0.008:
                    rows.append((1000 * float(seconds), 1000 * (entry[2] - entry[0])))
            if rows:
                print(f'  fetched seeks: {len(rows)}, median {statistics.median(r[0] for r in rows):.1f} ms; '
                      f'their piece on the wire from ask to last block, median {statistics.median(r[1] for r in rows):.1f} ms; '
                      f'the rest, median {statistics.median(r[0] - r[1] for r in rows):.1f} ms')


if __name__ == '__main__':
    main()
