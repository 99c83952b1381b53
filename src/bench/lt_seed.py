#!/usr/bin/env python3
"""A libtorrent seeder for the throttled lab: seeds TORRENT from SAVE_DIR on ADDR:PORT until killed.

libtorrent is what most seeders on the Internet run (qBittorrent, Deluge): it queues requests and
drops those a Cancel names, which is what a seek's cancelled older requests depend on. DHT, LSD,
UPnP, NAT-PMP and uTP are off.
"""
import sys
import time

import libtorrent as lt


def main():
    addr, port, torrent, save_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    session = lt.session({
        'listen_interfaces': '%s:%d' % (addr, port), 'outgoing_interfaces': addr,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_incoming_utp': False, 'enable_outgoing_utp': False,
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.flags = lt.torrent_flags.seed_mode  # the data is known to be complete: no hashing
    session.add_torrent(params)
    while True:
        time.sleep(1)


if __name__ == '__main__':
    main()
