package org.netstack4j.tun.linux;

import java.io.IOException;

/**
 * A second network namespace made by the test ({@code ip netns add} with a unique name) for a peer
 * host, joined to the test's own namespace by a veth pair; deleted (with the veth pair) on close.
 */
final class PeerNamespace implements AutoCloseable {
    final String name;
    /** The veth end in the test's namespace. */
    final String localInterface;
    /** The veth end in the peer namespace. */
    final String peerInterface;

    private PeerNamespace(String name, String localInterface, String peerInterface) {
        this.name = name;
        this.localInterface = localInterface;
        this.peerInterface = peerInterface;
    }

    /**
     * Creates the namespace and a veth pair with one end in each, both up with IPv6 off; the peer end
     * gets {@code peerAddress} (CIDR) when not null.
     */
    static PeerNamespace create(String peerAddress) throws IOException, InterruptedException {
        String name = "ns4j-" + TestSupport.uniqueName("p");
        TestSupport.run(10, "ip", "netns", "add", name);
        PeerNamespace ns = new PeerNamespace(name, TestSupport.uniqueName("vl"), TestSupport.uniqueName("vp"));
        try {
            TestSupport.run(10, "ip", "link", "add", ns.localInterface, "type", "veth", "peer", "name",
                    ns.peerInterface, "netns", name);
            TestSupport.disableIpv6(ns.localInterface);
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            InterfaceControl.setUp(ns.localInterface, true);
            ns.exec("ip", "link", "set", "lo", "up");
            ns.exec("ip", "link", "set", ns.peerInterface, "up");
            if (peerAddress != null) {
                ns.exec("ip", "addr", "add", peerAddress, "dev", ns.peerInterface);
            }
            return ns;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** Runs a command inside the peer namespace (bounded to 30 s), returns its output. */
    String exec(String... command) throws IOException, InterruptedException {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return TestSupport.run(30, full);
    }

    @Override
    public void close() {
        try {
            TestSupport.run(10, "ip", "netns", "del", name);
        } catch (IOException | InterruptedException e) {
            System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
        }
    }
}
