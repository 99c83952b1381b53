package flux.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DemoTrackerTest {
    @Test
    void answersEveryAnnounceWithItsPeerAsACompactList() throws Exception {
        try (DemoTracker tracker = DemoTracker.start(new InetSocketAddress("127.0.0.1", 6881))) {
            assertTrue(tracker.announceUrl().startsWith("http://127.0.0.1:"), tracker.announceUrl());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                            URI.create(tracker.announceUrl() + "?info_hash=%01%02&port=51413&compact=1")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertEquals(200, response.statusCode());
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes("d8:intervali60e5:peers6:".getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(new byte[]{127, 0, 0, 1, 0x1a, (byte) 0xe1}); // 6881 = 0x1ae1
            expected.write('e');
            assertArrayEquals(expected.toByteArray(), response.body());
        }
    }
}
