package flux.ui;

import java.util.Locale;

/** Human-readable byte counts and rates (binary units, like the rest of the torrent world), and durations. */
public final class Sizes {
    private Sizes() {
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    public static String rate(double bytesPerSecond) {
        return bytes((long) bytesPerSecond) + "/s";
    }

    /** "1m30s", or "10h00m" from an hour on (seconds no longer matter there). */
    public static String duration(long seconds) {
        return seconds >= 3600
                ? String.format("%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
}
