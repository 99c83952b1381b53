#!/usr/bin/env python3
"""A libtorrent seeder for the labs: seeds TORRENT from SAVE_DIR on ADDR:PORT until killed.

usage: lt_seed.py ADDR PORT TORRENT SAVE_DIR [QUEUE LOG]

libtorrent is what most seeders on the Internet run (qBittorrent, Deluge): it queues requests and
drops those a Cancel names, which is what a seek's cancelled older requests depend on. DHT, LSD,
UPnP, NAT-PMP and uTP are off. With QUEUE it keeps that many requests per peer (its
max_allowed_in_request_queue, 500 by default; 250 in older libtorrent) and writes its peer log to
LOG: a request beyond the queue shows there as "incoming request queue full".
"""
import faulthandler
import sys
import time

import libtorrent as lt


def main():
    faulthandler.enable()  # python3-libtorrent 2.0.8 has segfaulted here (BigPiecesIT): say where
    addr, port, torrent, save_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    settings = {
        'listen_interfaces': '%s:%d' % (addr, port), 'outgoing_interfaces': addr,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_incoming_utp': False, 'enable_outgoing_utp': False,
    }
    log = None
    if len(sys.argv) > 6:
        settings['max_allowed_in_request_queue'] = int(sys.argv[5])
        settings['alert_mask'] = lt.alert_category.peer_log
        log = open(sys.argv[6], 'w')
    session = lt.session(settings)
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.flags = lt.torrent_flags.seed_mode  # the data is known to be complete: no hashing
    session.add_torrent(params)
    while True:
        if log is None:
            time.sleep(1)
            continue
        session.wait_for_alert(500)
        for alert in session.pop_alerts():
            log.write(alert.message() + '\n')
        log.flush()


if __name__ == '__main__':
    main()
