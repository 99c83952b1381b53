package flux.dlna;

import flux.ExitCode;
import flux.FluxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the renderer a stream is to play on. */
public final class Renderers {
    private static final Logger log = LoggerFactory.getLogger(Renderers.class);
    /** How long flux looks: devices answer within a second (MX); the rest is for one that is slow. */
    private static final long SEARCH_MILLIS = 3000;

    private Renderers() {
    }

    /**
     * The first renderer to answer on the LAN, or the first whose name contains {@code nameLike}
     * (any case) when it is not empty. {@code host}: the address flux was told to serve on; a
     * specific LAN address limits the search to its network.
     */
    public static Renderer find(String nameLike, InetAddress host) {
        List<InetAddress> from;
        try {
            from = host.isLoopbackAddress() || host.isAnyLocalAddress() ? Ssdp.lanAddresses() : List.of(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (from.isEmpty()) {
            throw new FluxException(ExitCode.NETWORK, "--dlna: this machine has no network to look for a renderer on",
                    "connect it to the network the TV is on");
        }
        String wanted = nameLike.toLowerCase(Locale.ROOT);
        List<String> others = new ArrayList<>();
        Renderer[] chosen = new Renderer[1];
        try {
            Ssdp.search(Renderer.AV_TRANSPORT, from, SEARCH_MILLIS, answer -> {
                Optional<Renderer> renderer = describe(answer);
                if (renderer.isEmpty()) {
                    return false;
                }
                if (renderer.get().name().toLowerCase(Locale.ROOT).contains(wanted)) {
                    chosen[0] = renderer.get();
                    return true;
                }
                others.add(renderer.get().name());
                return false;
            });
        } catch (IOException e) {
            throw new FluxException(ExitCode.NETWORK, "--dlna: could not search the LAN for renderers: " + e.getMessage(),
                    "--host ADDRESS chooses the network to search", e);
        }
        if (chosen[0] == null) {
            String what = wanted.isEmpty() ? "no DLNA renderer answered" : "no DLNA renderer named like '" + nameLike + "' answered";
            throw new FluxException(ExitCode.NETWORK, what + (others.isEmpty() ? "" : " (found: " + String.join(", ", others) + ")"),
                    wanted.isEmpty() || others.isEmpty() ? "is the TV on, and on this network?" : "--dlna=NAME takes part of a name found");
        }
        return chosen[0];
    }

    private static Optional<Renderer> describe(Ssdp.Answer answer) {
        try {
            return Renderer.describe(answer.location(), answer.local());
        } catch (IOException | RuntimeException e) {
            log.debug("DLNA: skipped the device at {}: {}", answer.location(), e.toString());
            return Optional.empty();
        }
    }
}
