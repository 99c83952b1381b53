package flux.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Something slow to start, started on another thread before anyone asks for it, and handed to
 * the first {@link #take} with the same key. A take with another key closes the early one (after
 * it finished starting: it may hold a port the new one needs) and starts its own, so a wrong
 * guess costs time, never a wrong setting.
 */
final class StartedAhead<K, T extends AutoCloseable> {
    private static final Logger log = LoggerFactory.getLogger(StartedAhead.class);

    private record Pending<K, T>(K key, CompletableFuture<T> value) {
    }

    private final Function<K, T> starter;
    private final String threadName;
    private final AtomicReference<Pending<K, T>> pending = new AtomicReference<>();

    StartedAhead(Function<K, T> starter, String threadName) {
        this.starter = starter;
        this.threadName = threadName;
    }

    /** Starts one for {@code key} now, on a new daemon thread (closing one started before). */
    void start(K key) {
        CompletableFuture<T> value = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                value.complete(starter.apply(key));
            } catch (Throwable e) {
                value.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        Pending<K, T> previous = pending.getAndSet(new Pending<>(key, value));
        thread.start();
        if (previous != null) {
            discard(previous);
        }
    }

    /**
     * The one started ahead for this key, once it has started (its failure is thrown here, as
     * starting it now would have); otherwise a new one, started on this thread.
     */
    T take(K key) {
        Pending<K, T> ahead = pending.getAndSet(null);
        if (ahead != null) {
            if (ahead.key().equals(key)) {
                return join(ahead.value());
            }
            discard(ahead);
        }
        return starter.apply(key);
    }

    private static <T> T join(CompletableFuture<T> value) {
        try {
            return value.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static <K, T extends AutoCloseable> void discard(Pending<K, T> ahead) {
        try {
            ahead.value().join().close();
        } catch (Exception e) {
            log.debug("closing what was started ahead for {}", ahead.key(), e);
        }
    }
}
