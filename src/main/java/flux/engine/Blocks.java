package flux.engine;

import bt.data.BlockSet;
import bt.protocol.Cancel;
import bt.protocol.InvalidMessageException;
import bt.protocol.Request;
import bt.torrent.messaging.Mapper;

/** A piece's blocks as requests: the request for a block, its key in bt's pending requests, its Cancel, whether it is in. */
final class Blocks {
    private Blocks() {
    }

    /** The request for one block of a piece (the last block may be shorter). */
    static Request request(int piece, BlockSet blocks, int block) {
        int offset = (int) (block * blocks.blockSize());
        int length = (int) Math.min(blocks.blockSize(), blocks.length() - offset);
        try {
            return new Request(piece, offset, length);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("block outside its piece: " + piece + "/" + offset, e);
        }
    }

    /** The request's key in bt's pending requests of a connection. */
    static Object key(Request r) {
        return Mapper.mapper().buildKey(r.getPieceIndex(), r.getOffset(), r.getLength());
    }

    static Cancel cancel(Request r) {
        try {
            return new Cancel(r.getPieceIndex(), r.getOffset(), r.getLength());
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("block outside its piece", e);
        }
    }

    /** The index of the request's block in its piece. */
    static int indexOf(BlockSet blocks, Request request) {
        return (int) (request.getOffset() / blocks.blockSize());
    }

    static boolean present(BlockSet blocks, Request request) {
        return blocks.isPresent(indexOf(blocks, request));
    }

    /** How many of the piece's blocks are in. */
    static int presentCount(BlockSet blocks) {
        int n = 0;
        for (int block = 0; block < blocks.blockCount(); block++) {
            if (blocks.isPresent(block)) {
                n++;
            }
        }
        return n;
    }
}
