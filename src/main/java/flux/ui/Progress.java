package flux.ui;

/**
 * A snapshot of one torrent's transfer, rendered as a status line or a JSON event.
 *
 * @param state      metadata, buffering, streaming, complete or seeding
 * @param fileBytes  size of the selected file
 * @param haveBytes  verified bytes of the selected file
 * @param aheadBytes bytes ready ahead of the main reader (what the player can read without waiting)
 */
public record Progress(String state, int peers, long fileBytes, long haveBytes, long aheadBytes,
                       double downRate, double upRate, long downloaded, long uploaded) {
    /** Below this a stalled swarm's last few bytes gave etas of millions of hours: none is shown. */
    private static final double MIN_RATE_FOR_ETA = 1024;
    private static final long MAX_ETA_SECONDS = 100L * 3600;

    public String line() {
        StringBuilder b = new StringBuilder(state);
        if (fileBytes > 0) {
            b.append("  ").append(Sizes.bytes(haveBytes)).append(" / ").append(Sizes.bytes(fileBytes))
                    .append(" (").append(haveBytes * 100 / fileBytes).append("%)");
        }
        b.append("  peers ").append(peers)
                .append("  down ").append(Sizes.rate(downRate))
                .append("  up ").append(Sizes.rate(upRate));
        if (aheadBytes > 0 && haveBytes < fileBytes) {
            b.append("  ahead ").append(Sizes.bytes(aheadBytes));
        }
        if (haveBytes < fileBytes && downRate >= MIN_RATE_FOR_ETA) {
            long eta = (long) ((fileBytes - haveBytes) / downRate);
            if (eta < MAX_ETA_SECONDS) {
                b.append("  eta ").append(eta(eta));
            }
        }
        return b.toString();
    }

    private static String eta(long seconds) {
        return seconds >= 3600
                ? String.format("%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format("%dm%02ds", seconds / 60, seconds % 60);
    }

    public Json json() {
        return Json.object().put("state", state).put("peers", peers).put("size", fileBytes).put("verified", haveBytes)
                .put("ahead", aheadBytes).put("downRate", (long) downRate).put("upRate", (long) upRate)
                .put("downloaded", downloaded).put("uploaded", uploaded);
    }
}
