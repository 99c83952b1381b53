package flux.seed;

/**
 * Automatic piece size: about 1000-2000 pieces per torrent, between 32 KiB and 16 MiB. Small
 * pieces keep a streaming seek cheap; too many pieces make the metadata and bitfields large.
 */
public final class PieceSizes {
    private PieceSizes() {
    }

    public static long forTotal(long totalBytes) {
        long size = 32 * 1024;
        while (size < (16L << 20) && totalBytes / size > 2000) {
            size <<= 1;
        }
        return size;
    }

    /** Parses "256K", "1M", "1MiB", "262144". */
    public static long parse(String text) {
        String s = text.trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (s.endsWith("K")) {
            unit = 1024;
        } else if (s.endsWith("M")) {
            unit = 1024 * 1024;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Long.parseLong(s.trim()) * unit;
        } catch (NumberFormatException e) {
            throw new flux.FluxException(flux.ExitCode.USAGE, "not a size: '" + text + "'", "for example 256K or 1M");
        }
    }
}
