package org.netstack4j.app;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.SnifferEndpoint;
import org.netstack4j.socket.NetstackServerSocket;
import org.netstack4j.socket.Tcp;
import org.netstack4j.socket.Udp;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.tun.linux.AdoptOptions;
import org.netstack4j.tun.linux.TunDevice;
import org.netstack4j.tun.linux.TunOffload;
import org.netstack4j.tun.linux.TunOptions;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.MacAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netstack4j host}: a userspace host on a Linux TUN or TAP device. Attaches to the device (creating
 * it when it does not exist and the process may), gives the stack its addresses and default routes, and
 * answers ping and ping -6, serves UDP echo on port 7 and the TCP services (echo 7, discard 9, chargen 19, HTTP 80;
 * see {@link TcpServices}) over IPv4 and IPv6 until stopped or its lifetime ends. Every device and address
 * setting also comes from the environment variables of the benchmark peer contract.
 */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = {"Run a userspace host on a TUN or TAP device (it answers ping and ping -6,",
                "serves UDP echo on port 7, and TCP echo 7, discard 9, chargen 19 and HTTP 80,",
                "over IPv4 and IPv6).",
                "Each option defaults to the environment variable named in its description."})
final class HostCommand implements Callable<Integer> {
    @Option(names = "--tun", defaultValue = "${env:TUN:-tun0}",
            description = "Device name, attached or created (env TUN; default tun0).")
    String device;

    @Option(names = "--tap", description = "The device is a TAP: Ethernet frames, ARP and NDP.")
    boolean tap;

    @Option(names = "--mtu", defaultValue = "${env:TUN_MTU:-1500}", description = "Link MTU (env TUN_MTU).")
    int mtu;

    @Option(names = "--multi-queue", defaultValue = "${env:TUN_MQ:-0}",
            description = "1: open the device multi-queue (env TUN_MQ).")
    int multiQueue;

    @Option(names = "--queues", defaultValue = "${env:TUN_QUEUES:-0}",
            description = "Queue fds to open (env TUN_QUEUES; default 1, 2 with --multi-queue 1).")
    int queues;

    @Option(names = "--tun-fds", defaultValue = "${env:TUN_FDS:-}",
            description = "Adopt these already attached queue fds, e.g. 3,4 (env TUN_FDS) instead of opening.")
    String fds;

    @Option(names = "--offloads", defaultValue = "${env:NETSTACK4J_OFFLOADS:-1}",
            description = {"1 (default): attach with the virtio-net header and ask for the TCP offloads, so the",
                    "kernel hands over TCP super-packets with partial checksums and takes super-segments and",
                    "partial checksums from us; 0: plain packets (env NETSTACK4J_OFFLOADS). Adopted fds",
                    "(--tun-fds) use the header only when TUN_VNET_HDR=1 says they were attached with it."})
    int offloads;

    @Option(names = "--vnet-hdr", defaultValue = "${env:TUN_VNET_HDR:-0}", hidden = true,
            description = "1: adopted fds were attached with IFF_VNET_HDR (env TUN_VNET_HDR).")
    int vnetHdr;

    @Option(names = "--ip", defaultValue = "${env:PEER_IP:-198.18.0.2}",
            description = "The host's IPv4 address (env PEER_IP).")
    String ip;

    @Option(names = "--prefix", defaultValue = "${env:PEER_PREFIX:-24}", description = "IPv4 prefix (env PEER_PREFIX).")
    int prefix;

    @Option(names = "--gateway", defaultValue = "${env:HOST_IP:-}",
            description = "IPv4 default gateway: the kernel side (env HOST_IP; none when empty).")
    String gateway;

    @Option(names = "--ip6", defaultValue = "${env:PEER_IP6:-}", description = "IPv6 address (env PEER_IP6).")
    String ip6;

    @Option(names = "--prefix6", defaultValue = "${env:PEER_PREFIX6:-64}", description = "IPv6 prefix (env PEER_PREFIX6).")
    int prefix6;

    @Option(names = "--gateway6", defaultValue = "${env:HOST_IP6:-}", description = "IPv6 default gateway (env HOST_IP6).")
    String gateway6;

    @Option(names = "--lifetime", defaultValue = "${env:HB_LIFETIME:-0}",
            description = "Exit after this many seconds (env HB_LIFETIME; 0 runs until stopped).")
    long lifetime;

    @Option(names = "--pcap", description = "Capture the host's packets, both directions, to this pcap file.")
    Path pcap;

    @Option(names = "--stats", defaultValue = "0", description = "Print the stack's counters every N seconds (0: at exit).")
    long statsEvery;

    @Option(names = "--shards", defaultValue = "0", description = "Shard loops (default: one per core).")
    int shards;

    @Option(names = "--spin-us", defaultValue = "${env:NETSTACK4J_SPIN_US:-0}",
            description = "Microseconds an idle shard polls for work before it parks (env NETSTACK4J_SPIN_US; default 0).")
    long spinMicros;

    @Option(names = "--service-carriers", defaultValue = "${env:NETSTACK4J_SERVICE_CARRIERS:--1}",
            description = {"Carrier threads for the services' virtual threads (env NETSTACK4J_SERVICE_CARRIERS; 0: the JDK's",
                    "default, one per core; default: half the cores). The dispatch and shard threads already take",
                    "cores; a carrier per core made them compete with the services and the clients for them."})
    int serviceCarriers;

    private static final String CARRIERS_PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    @Option(names = "--backlog", defaultValue = "4096",
            description = "Accept queue of each TCP service (default 4096, Linux's somaxconn): a burst of connections that the service has not taken yet must not cost the client a SYN retransmission.")
    int backlog;

    @Option(names = "--inline", defaultValue = "${env:NETSTACK4J_INLINE:-1}",
            description = "1: the TUN dispatch thread runs an idle shard's pass itself; 0: it always wakes the shard thread (env NETSTACK4J_INLINE; default 1).")
    int inline;

    @Option(names = "--echo-port", defaultValue = "7", description = "TCP echo port (0: off; default 7).")
    int echoPort;

    @Option(names = "--discard-port", defaultValue = "9", description = "TCP discard port (0: off; default 9).")
    int discardPort;

    @Option(names = "--chargen-port", defaultValue = "19", description = "TCP chargen port (0: off; default 19).")
    int chargenPort;

    @Option(names = "--http-port", defaultValue = "80",
            description = "HTTP port: GET / is a page, GET /bytes/N an N-byte download (0: off; default 80).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        // Before the first virtual thread: the scheduler reads its parallelism once.
        int carriers = serviceCarriers < 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : serviceCarriers;
        if (carriers > 0 && System.getProperty(CARRIERS_PROPERTY) == null) {
            System.setProperty(CARRIERS_PROPERTY, Integer.toString(carriers));
        }
        TunDevice dev = openDevice();
        OutputStream capture = pcap == null ? null : Files.newOutputStream(pcap);
        // With the virtio-net header the device segments our super-segments and completes our checksums
        // (the endpoint then reports device GSO), and the kernel's super-packets reach TCP whole.
        boolean offloaded = dev.virtioNetHeaderLength() > 0;
        PacketEndpointOptions.Builder o = PacketEndpointOptions.builder().channels(dev.queues()).mtu(mtu)
                .ethernetHeader(tap).softwareGso(offloaded).txChecksumOffload(offloaded);
        if (tap) {
            // A locally administered unicast address of our own, not the kernel side's.
            long mac = (ThreadLocalRandom.current().nextLong() & 0xfeff_ffff_ffffL) | 0x0200_0000_0000L;
            o.address(new MacAddress(mac));
        }
        LinkEndpoint link = PacketEndpoint.create(o.build());
        if (capture != null) {
            link = new SnifferEndpoint(link, capture);
        }
        Stack.Builder b = Stack.builder();
        if (shards > 0) {
            b.shards(shards);
        }
        b.idleSpin(Duration.ofNanos(spinMicros * 1000));
        b.inlineDelivery(inline != 0);
        Stack stack = b.build();
        UdpEcho echo = null;
        TcpServices tcpServices = null;
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        // On SIGTERM/SIGINT: stop the loop and give it a moment to print the counters and close cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            Nic nic = stack.createNic(1, link);
            nic.addAddress(ip + "/" + prefix);
            if (!gateway.isBlank()) {
                stack.addDefaultRoute(Ipv4Address.parse(gateway), 1);
            }
            if (!ip6.isBlank()) {
                nic.addAddress(ip6 + "/" + prefix6);
                if (!gateway6.isBlank()) {
                    stack.addDefaultRoute(Ipv6Address.parse(gateway6), 1);
                }
            }
            echo = UdpEcho.start(Udp.attach(stack), UdpEcho.PORT, !ip6.isBlank());
            Tcp tcp = Tcp.attach(stack);
            // "::" listens on both families, as a JDK server socket does.
            List<InetAddress> wildcards = List.of(InetAddress.getByName(ip6.isBlank() ? "0.0.0.0" : "::"));
            tcpServices = TcpServices.start((address, port) -> new NetstackServerSocket(tcp, port, backlog, address),
                    wildcards, new TcpServices.Ports(echoPort, discardPort, chargenPort, httpPort));
            System.out.println("netstack4j host: " + dev.name() + (tap ? " (tap)" : " (tun)") + ", mtu " + mtu
                    + (offloaded ? ", offloads " + dev.offloads() : ", no offloads") + ", "
                    + nic.addresses() + (tap ? ", link-local " + nic.linkLocalAddress() : "") + "; udp echo on port " + UdpEcho.PORT
                    + "; tcp " + tcpServices.describe() + "; ready");
            long deadline = lifetime > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime) : Long.MAX_VALUE;
            long step = statsEvery > 0 ? TimeUnit.SECONDS.toNanos(statsEvery) : TimeUnit.SECONDS.toNanos(1);
            while (!stop.await(Math.max(1, Math.min(step, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                if (System.nanoTime() >= deadline) {
                    System.out.println("netstack4j host: lifetime of " + lifetime + " s over");
                    break;
                }
                if (statsEvery > 0) {
                    System.out.println(stack.stats());
                }
            }
            System.out.println(stack.stats());
            System.out.println("TCP " + tcp.protocol().counters());
            return 0;
        } finally {
            // Services first: their sockets close while the stack can still send the FINs and RSTs.
            if (tcpServices != null) {
                tcpServices.close();
            }
            if (echo != null) {
                echo.close();
            }
            stack.close();
            stack.awaitTermination(Duration.ofSeconds(10));
            dev.close();
            if (capture != null) {
                capture.close();
            }
            done.countDown();
        }
    }

    private TunDevice openDevice() throws Exception {
        if (!fds.isBlank()) {
            String[] parts = fds.split(",");
            int[] list = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                list[i] = Integer.parseInt(parts[i].trim());
            }
            AdoptOptions adopt = AdoptOptions.defaults();
            if (vnetHdr == 1 && offloads == 1) {
                adopt = adopt.withOffloads(TunOffload.tcp()).withDeliverSuperPackets(true);
            }
            return TunDevice.adopt(list, adopt);
        }
        int n = queues > 0 ? queues : multiQueue == 1 ? 2 : 1;
        TunOptions options = tap ? TunOptions.tap(device) : TunOptions.tun(device);
        if (multiQueue == 1 || n > 1) {
            options = options.withQueues(n);
        }
        if (offloads == 1) {
            // Attaching to an existing device with IFF_VNET_HDR and TUNSETOFFLOAD works: both are per fd.
            options = options.withOffloads(TunOffload.tcp()).withDeliverSuperPackets(true);
        }
        return TunDevice.open(options);
    }
}
