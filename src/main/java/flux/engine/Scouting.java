package flux.engine;

import bt.net.PeerId;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * What an engine settles before bt exists: its listening port, its peer id, the scout that
 * announces both and meets the first peers while bt is being wired, and the record of which
 * trackers answered (the scout's announces, then bt's).
 */
record Scouting(int port, PeerId peerId, PeerScout scout, TrackerReplies replies) {

    static Scouting start(EngineSettings settings, boolean portChosenByUser, TorrentInput input,
                          List<InetSocketAddress> namedPeers) {
        int port = Engine.listenPort(settings, portChosenByUser);
        PeerId peerId = Engine.newPeerId();
        TrackerReplies replies = new TrackerReplies();
        // the scout's handshakes are plaintext: with encryption required bt makes every connection
        PeerScout scout = settings.requireEncryption() ? PeerScout.NONE : Optional.ofNullable(input)
                .flatMap(in -> PeerScout.Target.of(in, namedPeers))
                .map(target -> PeerScout.start(target, peerId, settings.dht(), port, settings.bindAddress(), replies))
                .orElse(PeerScout.NONE);
        return new Scouting(port, peerId, scout, replies);
    }
}
