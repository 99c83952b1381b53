package flux.ui;

import java.util.Locale;

/**
 * A snapshot of one torrent's transfer, rendered as a status line or a JSON event.
 *
 * @param state      metadata, buffering, streaming, complete or seeding
 * @param fileBytes  size of the selected file
 * @param haveBytes  verified bytes of the selected file
 * @param aheadBytes bytes ready ahead of the main reader (what the player can read without waiting)
 * @param videoRate  bytes of the file per second of video (its size over its playing time); 0 when unknown
 * @param playThroughWait seconds the player would have to pause now for the rest to play without a
 *                   stall at the recent download rate; 0 when it needs none or that is unknown
 */
public record Progress(String state, int peers, long fileBytes, long haveBytes, long aheadBytes,
                       double downRate, double upRate, long downloaded, long uploaded,
                       double videoRate, long playThroughWait) {
    /** Below this a stalled swarm's last few bytes gave etas of millions of hours: none is shown. */
    private static final double MIN_RATE_FOR_ETA = 1024;
    private static final long MAX_ETA_SECONDS = 100L * 3600;

    public String line() {
        StringBuilder b = new StringBuilder(state);
        if (fileBytes > 0) {
            b.append("  ").append(Sizes.bytes(haveBytes)).append(" / ").append(Sizes.bytes(fileBytes))
                    .append(" (").append(haveBytes * 100 / fileBytes).append("%)");
        }
        boolean incomplete = haveBytes < fileBytes;
        b.append("  peers ").append(peers).append("  down ").append(Sizes.rate(downRate));
        if (videoRate > 0 && incomplete) { // how the download compares with playback
            b.append(String.format(Locale.ROOT, " (%.1fx video)", downRate / videoRate));
        }
        b.append("  up ").append(Sizes.rate(upRate));
        if (aheadBytes > 0 && incomplete) {
            b.append("  ahead ").append(Sizes.bytes(aheadBytes));
            if (videoRate > 0) {
                b.append(" (").append(Sizes.duration((long) (aheadBytes / videoRate))).append(')');
            }
        }
        if (incomplete && downRate >= MIN_RATE_FOR_ETA) {
            long eta = (long) ((fileBytes - haveBytes) / downRate);
            if (eta < MAX_ETA_SECONDS) {
                b.append("  eta ").append(Sizes.duration(eta));
            }
        }
        if (playThroughWait > 0 && incomplete) {
            b.append("  pause ").append(Sizes.duration(playThroughWait)).append(" to play through");
        }
        return b.toString();
    }

    /**
     * Seconds to pause a player now so that the rest plays without a stall: the bytes still
     * missing after it, at {@code downRate}, come in {@code missing / downRate}; the rest plays in
     * {@code remaining / videoRate}. 0 when the download keeps up, when nothing comes at all (a
     * stall, which the waiting report explains) or when the wait is no estimate.
     *
     * @param remaining bytes from the player's position to the end of the file
     * @param missing   of those, the bytes not downloaded yet
     */
    public static long playThroughWait(long remaining, long missing, double downRate, double videoRate) {
        if (missing <= 0 || videoRate <= 0 || downRate < MIN_RATE_FOR_ETA) {
            return 0;
        }
        double wait = missing / downRate - remaining / videoRate;
        return wait >= 1 && wait < MAX_ETA_SECONDS ? (long) Math.ceil(wait) : 0;
    }

    public Json json() {
        Json json = Json.object().put("state", state).put("peers", peers).put("size", fileBytes).put("verified", haveBytes)
                .put("ahead", aheadBytes).put("downRate", (long) downRate).put("upRate", (long) upRate)
                .put("downloaded", downloaded).put("uploaded", uploaded);
        if (videoRate > 0) {
            json.put("videoRate", (long) videoRate).put("aheadSeconds", (long) (aheadBytes / videoRate))
                    .put("playThroughWait", playThroughWait);
        }
        return json;
    }
}
