package flux.engine;

import bt.net.SharedSelector;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * bt's shared peer selector with a fair registration lock. In bt 1.10 a thread registering a new
 * connection spins on {@code tryLock} while the receiving loop re-takes the (unfair) write lock
 * for every {@code select}; on two cores that took seconds per new connection in the lab, which
 * is most of the time to the first byte. Here the registering thread queues on a fair lock (a
 * timed tryLock honours fairness) and wakes the selector, so it gets in on the next release.
 *
 * <p>Selects also wait at most {@value #MAX_SELECT_MILLIS} ms: bt queues changes of a channel's
 * interest (enabling reads on a new connection) without waking the selector, so they took effect
 * only when its one-second select timed out; every handshake waited about half a second for it.
 * With no connection registered there is nothing to update, and a new connection wakes the
 * select as it registers, so it keeps bt's timeout: an engine with no peers (a finished stream,
 * a seeder nobody downloads from) woke 100 times a second for nothing.
 *
 * <p>Every peer connection registers here, so this is also where it gets TCP_NODELAY, which bt
 * never sets ({@link StreamEncryption} sets it earlier, for the handshake steps before): with
 * Nagle's algorithm a small message (the extension handshake after the handshake, a request
 * after a request) waits for the peer to acknowledge the previous one, and a peer with nothing
 * to send acknowledges only after its delayed-ACK timer (40 ms on Linux).
 *
 * <p>The download limit waits here too ({@link DownloadLimit}): while it is in debt, a select
 * sleeps instead, until the debt is paid, and reads nothing.
 */
final class FairSelector extends SharedSelector {
    static final long MAX_SELECT_MILLIS = 10;
    /** A select with no connection registered: bt's own timeout. */
    static final long IDLE_SELECT_MILLIS = 1000;

    private final Selector delegate;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private volatile boolean selecting;
    private final LongSupplier readPauseNanos;

    /** @param readPauseNanos how long reads must wait (the download limit); 0 or less: none */
    FairSelector(Selector delegate, LongSupplier readPauseNanos) {
        super(delegate);
        this.delegate = delegate;
        this.readPauseNanos = readPauseNanos;
    }

    /**
     * True when the download limit made this call wait instead of selecting. It waits until what
     * came so far is paid for, not one slice: bt's loop reads again, without selecting, every
     * connection whose 256 KiB buffer it filled, so one slice per turn let fast peers past the
     * limit (two aria2c seeders: 25 MiB/s at --download-limit 8M). It looks again every slice, so
     * that a reader's seek ends the wait at once.
     */
    private boolean waitedForTheLimit() {
        long pause = readPauseNanos.getAsLong();
        if (pause <= 0) {
            return false;
        }
        do {
            LockSupport.parkNanos(Math.min(pause, TimeUnit.MILLISECONDS.toNanos(MAX_SELECT_MILLIS)));
            pause = readPauseNanos.getAsLong();
        } while (pause > 0 && !Thread.currentThread().isInterrupted()); // bt stops its loop by interrupting it
        return true;
    }

    @Override
    public int selectNow() throws IOException {
        if (waitedForTheLimit()) {
            return 0;
        }
        lock.writeLock().lock();
        try {
            return delegate.selectNow();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int select(long timeout) throws IOException {
        if (waitedForTheLimit()) {
            return 0;
        }
        lock.writeLock().lock();
        try {
            selecting = true;
            if (delegate.keys().isEmpty()) { // no connection to update: a new one wakes it (wakeupAndRegister)
                return delegate.select(timeout == 0 ? IDLE_SELECT_MILLIS : timeout);
            }
            return delegate.select(timeout == 0 ? MAX_SELECT_MILLIS : Math.min(timeout, MAX_SELECT_MILLIS));
        } finally {
            selecting = false;
            lock.writeLock().unlock();
        }
    }

    @Override
    public int select() throws IOException {
        return select(0);
    }

    @Override
    public void wakeupAndRegister(SelectableChannel channel, int ops, Object attachment) {
        noDelay(channel);
        try {
            while (true) {
                if (selecting) {
                    delegate.wakeup();
                }
                if (lock.readLock().tryLock(5, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering a peer connection", e);
        }
        try {
            channel.register(delegate, ops, attachment);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("peer connection closed while registering", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    static void noDelay(Channel channel) {
        if (channel instanceof SocketChannel socket) {
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | UnsupportedOperationException e) {
                // a closed or unusual socket: it keeps the default, nothing else changes
            }
        }
    }
}
