package flux.engine;

import bt.net.Peer;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockReader;
import bt.torrent.data.BlockWrite;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;

/**
 * The results a data worker hands bt, made with bt's own factories, which bt 1.10 keeps
 * package-private ({@link SoughtPieceThread} is a data worker outside bt's package).
 */
final class BtDataResults {
    private static final MethodHandle WRITTEN, WRITE_REFUSED, WRITE_FAILED, READ, READ_REFUSED, READ_FAILED;

    static {
        MethodHandle[] h = new MethodHandle[6];
        try {
            MethodHandles.Lookup writes = MethodHandles.privateLookupIn(BlockWrite.class, MethodHandles.lookup());
            MethodHandles.Lookup reads = MethodHandles.privateLookupIn(BlockRead.class, MethodHandles.lookup());
            h[0] = writes.findStatic(BlockWrite.class, "complete", MethodType.methodType(BlockWrite.class,
                    Peer.class, int.class, int.class, int.class, CompletableFuture.class));
            h[1] = writes.findStatic(BlockWrite.class, "rejected", MethodType.methodType(BlockWrite.class,
                    Peer.class, int.class, int.class, int.class));
            h[2] = writes.findStatic(BlockWrite.class, "exceptional", MethodType.methodType(BlockWrite.class,
                    Peer.class, Throwable.class, int.class, int.class, int.class));
            h[3] = reads.findStatic(BlockRead.class, "ready", MethodType.methodType(BlockRead.class,
                    Peer.class, int.class, int.class, int.class, BlockReader.class));
            h[4] = reads.findStatic(BlockRead.class, "rejected", MethodType.methodType(BlockRead.class,
                    Peer.class, int.class, int.class, int.class));
            h[5] = reads.findStatic(BlockRead.class, "exceptional", MethodType.methodType(BlockRead.class,
                    Peer.class, Throwable.class, int.class, int.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            h = new MethodHandle[6];
        }
        WRITTEN = h[0];
        WRITE_REFUSED = h[1];
        WRITE_FAILED = h[2];
        READ = h[3];
        READ_REFUSED = h[4];
        READ_FAILED = h[5];
    }

    private BtDataResults() {
    }

    /** False if bt's factories could not be reached: then bt's own data worker is used. */
    static boolean available() {
        return READ_FAILED != null;
    }

    static BlockWrite written(Peer peer, int piece, int offset, int length, CompletableFuture<Boolean> check) {
        try {
            return (BlockWrite) WRITTEN.invokeExact(peer, piece, offset, length, check);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static BlockWrite writeRefused(Peer peer, int piece, int offset, int length) {
        try {
            return (BlockWrite) WRITE_REFUSED.invokeExact(peer, piece, offset, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static BlockWrite writeFailed(Peer peer, Throwable error, int piece, int offset, int length) {
        try {
            return (BlockWrite) WRITE_FAILED.invokeExact(peer, error, piece, offset, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static BlockRead read(Peer peer, int piece, int offset, int length, BlockReader reader) {
        try {
            return (BlockRead) READ.invokeExact(peer, piece, offset, length, reader);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static BlockRead readRefused(Peer peer, int piece, int offset, int length) {
        try {
            return (BlockRead) READ_REFUSED.invokeExact(peer, piece, offset, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static BlockRead readFailed(Peer peer, Throwable error, int piece, int offset, int length) {
        try {
            return (BlockRead) READ_FAILED.invokeExact(peer, error, piece, offset, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** bt's factories only call a constructor. */
    private static IllegalStateException unexpected(Throwable e) {
        return new IllegalStateException("bt's data results could not be made", e);
    }
}
