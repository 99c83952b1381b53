package flux.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedStatusServerTest {
    private static final SeedStatusServer.Torrent SHOW = new SeedStatusServer.Torrent("The \"Show\" S01\\E01\nx",
            "ABCDEF0123456789ABCDEF0123456789ABCDEF01", "/srv/show", 2000, 3000, 2, 60);

    @Test
    void metricsEscapeLabelValuesAndLowerTheInfoHash() {
        String metrics = SeedStatusServer.metrics(List.of(SHOW));
        String labels = "{info_hash=\"abcdef0123456789abcdef0123456789abcdef01\",name=\"The \\\"Show\\\" S01\\\\E01\\nx\"}";
        assertTrue(metrics.contains("flux_seed_uploaded_bytes_total" + labels + " 3000\n"), metrics);
        assertTrue(metrics.contains("# TYPE flux_seed_uploaded_bytes_total counter\n"), metrics);
        assertTrue(metrics.contains("flux_seed_peers" + labels + " 2\n"), metrics);
        assertTrue(metrics.contains("flux_seed_torrents 1\n"), metrics);
        assertEquals(metrics.lines().count(), metrics.split("\n").length, "one sample per line: the name's line feed is escaped");
    }

    @Test
    void statusSaysEachTorrentAndTheTotals() {
        String json = SeedStatusServer.json(List.of(SHOW, new SeedStatusServer.Torrent("b", "00", "/b", 0, 0, 1, 5)));
        assertTrue(json.contains("\"uploaded\":3000,\"ratio\":1.5,\"peers\":2,\"seedingSeconds\":60"), json);
        assertTrue(json.contains("\"size\":0,\"uploaded\":0,\"ratio\":0.0,"), "an empty torrent's ratio is 0: " + json);
        assertTrue(json.endsWith("],\"uploaded\":3000,\"peers\":3}"), json);
    }
}
