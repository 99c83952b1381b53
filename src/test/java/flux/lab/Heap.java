package flux.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** What a running JVM holds, from the JDK's jcmd (its class histogram runs a full GC first: live objects only). */
public final class Heap {
    private Heap() {
    }

    /** Live instances of each of {@code classes} (by binary name) in the JVM {@code pid}; 0 for one it has none of. */
    public static Map<String, Long> instances(long pid, Set<String> classes) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new AssertionError(jcmd + " is missing: the tests need a JDK, not a JRE");
        }
        String histogram = Tools.run(60, jcmd.toString(), Long.toString(pid), "GC.class_histogram");
        Map<String, Long> counts = new HashMap<>();
        classes.forEach(c -> counts.put(c, 0L));
        for (String line : histogram.split("\n")) {
            // "   7:          1000         112000  sun.nio.ch.SocketChannelImpl (java.base@17)"
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && classes.contains(f[3])) {
                counts.put(f[3], Long.parseLong(f[1]));
            }
        }
        return counts;
    }
}
