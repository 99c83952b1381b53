package flux.engine;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.metainfo.TorrentId;
import bt.runtime.BtClient;
import bt.torrent.TorrentSessionState;
import bt.torrent.fileselector.FilePrioritySelector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TorrentSessionTest {
    private final List<String> calls = new ArrayList<>();

    private final Storage storage = new Storage() {
        @Override
        public StorageUnit getUnit(Torrent torrent, TorrentFile torrentFile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flush() {
            calls.add("sync");
        }
    };

    private final BtClient client = new BtClient() {
        private boolean started = true;

        @Override
        public CompletableFuture<?> startAsync() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<?> startAsync(Consumer<TorrentSessionState> listener, long period) {
            return new CompletableFuture<>();
        }

        @Override
        public void stop() {
            calls.add("stop");
            started = false;
        }

        @Override
        public boolean isStarted() {
            return started;
        }

        @Override
        public boolean updateFilePriorities(FilePrioritySelector selector) {
            return false;
        }
    };

    @Test
    void theDataIsSyncedBeforeTheTorrentStopsSoThatTheResumeRecordSavedAfterIsTrue() {
        TorrentSession session = new TorrentSession(TorrentId.fromBytes(new byte[20]), storage, null, null, () -> TrackerReplies.Tally.NONE);
        session.attach(client, new CompletableFuture<>());

        session.close();
        session.close(); // a second close (cleanup after a failure) neither syncs nor stops again

        assertEquals(List.of("sync", "stop"), calls);
    }
}
