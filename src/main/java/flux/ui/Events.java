package flux.ui;

import java.io.PrintStream;

/** JSON lines on stdout (`--json`): one object per event, flushed at once for scripts. */
public final class Events {
    private final PrintStream out;
    private final boolean enabled;

    public Events(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public void emit(String event, Json fields) {
        if (!enabled) {
            return;
        }
        Json line = Json.object().put("event", event).put("time", System.currentTimeMillis());
        synchronized (out) {
            out.println(line.toString().replaceFirst("}$", "") + "," + fields.toString().substring(1));
            out.flush();
        }
    }
}
