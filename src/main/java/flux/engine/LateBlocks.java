package flux.engine;

import bt.data.BlockSet;
import bt.data.ChunkDescriptor;
import bt.data.DataDescriptor;
import bt.metainfo.TorrentId;
import bt.protocol.Piece;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Takes a block that a peer sends after it was cancelled, while its piece still lacks it. A Cancel
 * reaches the peer after it has read blocks into its send buffer, and those it sends all the same:
 * Transmission 3.00 sizes that buffer to ~15 s of its upload rate, so at 600 KiB/s a withdrawn
 * fetch or a reset assignment left megabytes to come. bt drops a block it no longer expects
 * without counting it as downloaded: the peer's bandwidth went to data thrown away and asked for
 * again, and a fetch whose peer sent only such blocks looked stalled ({@link UrgentRequests}).
 * Runs before bt's own consumer (runtime agents come first), which then takes the block as asked
 * for. Shared by all torrents, like bt's own agents.
 */
public class LateBlocks {
    private final BiFunction<TorrentId, Integer, BlockSet> pieces;

    @Inject
    public LateBlocks(TorrentRegistry torrents) {
        this((id, piece) -> {
            List<ChunkDescriptor> chunks = torrents.getDescriptor(id).map(TorrentDescriptor::getDataDescriptor)
                    .map(DataDescriptor::getChunkDescriptors).orElse(null);
            return chunks == null || piece < 0 || piece >= chunks.size() ? null : chunks.get(piece);
        });
    }

    /** @param pieces a torrent's piece's blocks; null while its metadata is unknown */
    LateBlocks(BiFunction<TorrentId, Integer, BlockSet> pieces) {
        this.pieces = pieces;
    }

    @Consumes
    public void consume(Piece block, MessageContext context) {
        ConnectionState state = context.getConnectionState();
        Object key = Mapper.mapper().buildKey(block.getPieceIndex(), block.getOffset(), block.getLength());
        if (state.getPendingRequests().contains(key) || BtAssignments.beingWritten(state, key)) {
            return; // asked for, or the same block already came (a copy bt drops)
        }
        BlockSet blocks = context.getTorrentId() == null ? null : pieces.apply(context.getTorrentId(), block.getPieceIndex());
        if (blocks != null && isWholeBlock(blocks, block)
                && !blocks.isPresent((int) (block.getOffset() / blocks.blockSize()))) {
            state.getPendingRequests().add(key);
        }
    }

    /** True when the block is one that flux asks for: starts at a block boundary and is that block's length. */
    private static boolean isWholeBlock(BlockSet blocks, Piece block) {
        long offset = block.getOffset();
        return offset >= 0 && offset % blocks.blockSize() == 0 && offset < blocks.length()
                && block.getLength() == Math.min(blocks.blockSize(), blocks.length() - offset);
    }
}
