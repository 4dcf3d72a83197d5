package org.netstack4j.tun.linux;

import java.io.IOException;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.tun.TunDeviceChannel;

/**
 * The single-queue TUN behind {@link LinuxTunDeviceProvider}: a {@link TunChannel} seen through the
 * platform-neutral {@link TunDeviceChannel}; closing it closes the device.
 */
final class LinuxTunDeviceChannel implements TunDeviceChannel {
    private final TunDevice device;
    private final TunChannel queue;

    LinuxTunDeviceChannel(TunDevice device) {
        this.device = device;
        this.queue = device.queue(0);
    }

    /** The device, for the Linux-specific controls. */
    TunDevice device() {
        return device;
    }

    @Override
    public String interfaceName() {
        return device.name();
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        return queue.read(buffer);
    }

    @Override
    public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        return queue.readBatch(buffers, lengths, count);
    }

    @Override
    public void write(PacketBuffer packet) throws IOException {
        queue.write(packet);
    }

    @Override
    public int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        return queue.writeBatch(packets, count);
    }

    @Override
    public boolean carriesOffloadMetadata() {
        return queue.carriesOffloadMetadata();
    }

    @Override
    public boolean isOpen() {
        return queue.isOpen();
    }

    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "LinuxTunDeviceChannel[" + queue + "]";
    }
}
