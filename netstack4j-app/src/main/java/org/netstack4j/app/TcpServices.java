package org.netstack4j.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The host's TCP services (echo, discard, chargen, HTTP), each on its port over IPv4 and, when asked, IPv6.
 * Listeners come from a {@link Listen} function, so the host passes netstack4j server sockets and tests can
 * pass the JDK's. Closing closes every service.
 */
final class TcpServices implements AutoCloseable {
    /** Opens a listening socket on {@code address:port}. */
    @FunctionalInterface
    interface Listen {
        ServerSocket open(InetAddress address, int port) throws IOException;
    }

    /** The ports to serve on; 0 turns a service off. */
    record Ports(int echo, int discard, int chargen, int http) {
        static Ports defaults() {
            return new Ports(TcpEcho.PORT, TcpDiscard.PORT, TcpChargen.PORT, HttpService.PORT);
        }
    }

    private final List<TcpService> services = new ArrayList<>(4);
    private final StringJoiner description = new StringJoiner(", ");

    private TcpServices() {
    }

    /** Starts every service whose port is not 0 on the given addresses; all or nothing. */
    static TcpServices start(Listen listen, List<InetAddress> addresses, Ports ports) throws IOException {
        TcpServices s = new TcpServices();
        try {
            if (ports.echo() != 0) {
                s.add(new TcpEcho(s.listeners(listen, addresses, ports.echo())), "echo", ports.echo());
            }
            if (ports.discard() != 0) {
                s.add(new TcpDiscard(s.listeners(listen, addresses, ports.discard())), "discard", ports.discard());
            }
            if (ports.chargen() != 0) {
                s.add(new TcpChargen(s.listeners(listen, addresses, ports.chargen())), "chargen", ports.chargen());
            }
            if (ports.http() != 0) {
                s.add(new HttpService(s.listeners(listen, addresses, ports.http())), "http", ports.http());
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private List<ServerSocket> listeners(Listen listen, List<InetAddress> addresses, int port) throws IOException {
        List<ServerSocket> list = new ArrayList<>(addresses.size());
        try {
            for (InetAddress a : addresses) {
                list.add(listen.open(a, port));
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocket l : list) {
                try {
                    l.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return list;
    }

    private void add(TcpService service, String name, int port) {
        services.add(service.start());
        description.add(name + " " + port);
    }

    /** The services started, for example "echo 7, discard 9, chargen 19, http 80". */
    String describe() {
        return description.length() == 0 ? "none" : description.toString();
    }

    List<TcpService> services() {
        return services;
    }

    @Override
    public void close() {
        for (TcpService s : services) {
            s.close();
        }
    }
}
