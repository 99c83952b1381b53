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
        if (downRate > 0 && haveBytes < fileBytes) {
            long eta = (long) ((fileBytes - haveBytes) / downRate);
            b.append("  eta ").append(eta / 60).append("m").append(String.format("%02d", eta % 60)).append("s");
        }
        return b.toString();
    }

    public Json json() {
        return Json.object().put("state", state).put("peers", peers).put("size", fileBytes).put("verified", haveBytes)
                .put("ahead", aheadBytes).put("downRate", (long) downRate).put("upRate", (long) upRate)
                .put("downloaded", downloaded).put("uploaded", uploaded);
    }
}
