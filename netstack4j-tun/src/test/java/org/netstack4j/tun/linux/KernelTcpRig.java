package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.socket.Tcp;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.tcp.TcpConfig;

/**
 * A TUN device in the test JVM's private namespace with the kernel on one side (10.92.0.1, fd92::1) and a
 * two-shard netstack4j stack with TCP on the other (10.92.0.2, fd92::2), for the kernel-peer TCP tests; plus
 * the streaming hash helpers they share. Closing it closes the stack (waiting for its threads) and the device.
 */
final class KernelTcpRig implements AutoCloseable {
    static final String KERNEL4 = "10.92.0.1";
    static final String STACK4 = "10.92.0.2";
    static final String KERNEL6 = "fd92::1";
    static final String STACK6 = "fd92::2";

    final TunDevice device;
    final Stack stack;
    final Tcp tcp;

    private KernelTcpRig(TunDevice device, Stack stack, Tcp tcp) {
        this.device = device;
        this.stack = stack;
        this.tcp = tcp;
    }

    /**
     * Opens the rig. With {@code offloads} the TUN carries the virtio-net header with TCP offloads: the kernel
     * hands the stack coalesced super-packets with partial checksums and the stack sends GSO super-segments.
     */
    static KernelTcpRig open(boolean offloads, TcpConfig config) throws Exception {
        TunOptions options = TunOptions.tun(TestSupport.uniqueName("kt"));
        if (offloads) {
            options = options.withOffloads(TunOffload.tcp()).withDeliverSuperPackets(true);
        }
        TunDevice dev = TunDevice.open(options);
        Stack stack = null;
        try {
            TestSupport.run(10, "ip", "link", "set", dev.name(), "mtu", "1500", "up");
            TestSupport.run(10, "ip", "addr", "add", KERNEL4 + "/24", "dev", dev.name());
            TestSupport.run(10, "ip", "-6", "addr", "add", KERNEL6 + "/64", "dev", dev.name(), "nodad");
            stack = Stack.builder().shards(2).build();
            var nic = stack.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder()
                    .channels(dev.queues()).mtu(1500).softwareGso(offloads).txChecksumOffload(offloads).build()));
            nic.addAddress(STACK4 + "/24");
            nic.addAddress(STACK6 + "/64");
            return new KernelTcpRig(dev, stack, Tcp.attach(stack, config));
        } catch (Exception | Error e) {
            if (stack != null) {
                stack.close();
            }
            dev.close();
            throw e;
        }
    }

    String deviceName() {
        return device.name();
    }

    @Override
    public void close() throws Exception {
        try {
            stack.close();
            assertThat(stack.awaitTermination(Duration.ofSeconds(10))).as("stack threads ended").isTrue();
        } finally {
            device.close();
        }
    }

    /** Waits (bounded) until {@code condition} holds; returns whether it did. */
    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    static InetSocketAddress at(String address, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    /** Writes {@code size} seeded random bytes to {@code out}; returns their SHA-256. */
    static byte[] sendHashing(OutputStream out, long size, long seed) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[256 * 1024];
        Random r = new Random(seed);
        for (long done = 0; done < size; ) {
            r.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, size - done);
            md.update(chunk, 0, n);
            out.write(chunk, 0, n);
            done += n;
        }
        return md.digest();
    }

    /** The SHA-256 {@link #sendHashing} gives for {@code size} and {@code seed}, computed without sending. */
    static byte[] expectedHash(long size, long seed) throws Exception {
        return sendHashing(OutputStream.nullOutputStream(), size, seed);
    }

    /** Reads {@code in} to its end (bounded in reads); returns the SHA-256 of what came. */
    static byte[] drainHashing(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[256 * 1024];
        for (long i = 0; i < 100_000_000L; i++) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            md.update(buf, 0, n);
        }
        return md.digest();
    }
}
