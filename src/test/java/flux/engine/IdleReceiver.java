package flux.engine;

import bt.net.DataReceiver;
import bt.net.pipeline.ChannelHandlerContext;

import java.nio.channels.SelectableChannel;

/** bt's data receiver for a connection that nothing reads from: every call is ignored. */
class IdleReceiver implements DataReceiver {
    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
    }

    @Override
    public void activateChannel(SelectableChannel channel) {
    }

    @Override
    public void deactivateChannel(SelectableChannel channel) {
    }
}
