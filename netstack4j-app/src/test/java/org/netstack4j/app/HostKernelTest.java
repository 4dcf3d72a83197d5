package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.socket.NetstackServerSocket;
import org.netstack4j.socket.Tcp;
import org.netstack4j.stack.Stack;
import org.netstack4j.tun.linux.TunDevice;
import org.netstack4j.tun.linux.TunOptions;

/**
 * The host's TCP services on a stack behind a TUN device, with the Linux kernel as the client: curl fetches
 * the page and a 1 MiB download over IPv4 and IPv6, kernel sockets use echo, discard and chargen. Runs in the
 * private network namespace the tun module's test JVM launcher makes; skipped without it.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostKernelTest {
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    @TempDir
    Path dir;

    private static void assumePrivateNamespace() {
        assumeTrue("1".equals(System.getenv("NETSTACK4J_PRIVATE_NETNS")),
                "needs the private network namespace of the test JVM launcher: "
                        + System.getenv("NETSTACK4J_NETNS_SKIP"));
    }

    @Test
    void curlFetchesThePageAndAMegabyteOverIpv4AndIpv6() throws Exception {
        assumePrivateNamespace();
        assumeTrue(run(10, "curl", "--version").exitCode == 0, "curl is not installed");
        withHost(() -> {
            for (String host : new String[] {"10.91.0.2", "[fd91::2]"}) {
                Path page = dir.resolve("page");
                Result r = run(60, "curl", "-sS", "-g", "--max-time", "30", "-o", page.toString(), "-w",
                        "%{http_code} %{size_download}", "http://" + host + "/");
                assertThat(r.output).as(host + " page: " + r.output).isEqualTo("200 " + HttpService.PAGE.length);
                assertThat(Files.readAllBytes(page)).isEqualTo(HttpService.PAGE);

                Path bytes = dir.resolve("bytes");
                r = run(60, "curl", "-sS", "-g", "--max-time", "60", "-o", bytes.toString(), "-w",
                        "%{http_code} %{size_download}", "http://" + host + "/bytes/1048576");
                assertThat(r.output).as(host + " download: " + r.output).isEqualTo("200 1048576");
                HttpServiceTest.assertPattern(Files.readAllBytes(bytes), 1048576);

                // Two URLs on one curl command line share one kept-alive connection; HEAD has no body.
                r = run(60, "curl", "-sS", "-g", "--max-time", "30", "-o", "/dev/null", "-o", "/dev/null", "-w",
                        "%{http_code} %{num_connects};", "http://" + host + "/bytes/10", "http://" + host + "/nope");
                assertThat(r.output).as(host + " keep-alive: " + r.output).isEqualTo("200 1;404 0;");
                r = run(30, "curl", "-sS", "-g", "-I", "--max-time", "30", "http://" + host + "/bytes/777");
                assertThat(r.output).contains("HTTP/1.1 200 OK", "Content-Length: 777");
            }
        });
    }

    @Test
    void kernelSocketsUseEchoDiscardAndChargen() throws Exception {
        assumePrivateNamespace();
        withHost(() -> {
            byte[] data = new byte[1 << 20];
            new Random(862).nextBytes(data);
            for (String host : new String[] {"10.91.0.2", "fd91::2"}) {
                InetAddress address = InetAddress.getByName(host);
                try (Socket s = connect(address, TcpEcho.PORT)) {
                    CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                        try {
                            s.getOutputStream().write(data);
                            s.shutdownOutput();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    assertThat(s.getInputStream().readAllBytes()).as(host + " echo").isEqualTo(data);
                    w.get(30, TimeUnit.SECONDS);
                }
                try (Socket s = connect(address, TcpDiscard.PORT)) {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                    assertThat(s.getInputStream().read()).as(host + " discard").isEqualTo(-1);
                }
                try (Socket s = connect(address, TcpChargen.PORT)) {
                    byte[] got = new byte[200_000];
                    new DataInputStream(s.getInputStream()).readFully(got);
                    for (int i = 0; i < got.length; i++) {
                        if (got[i] != TcpChargen.at(i)) {
                            throw new AssertionError(host + " chargen byte " + i);
                        }
                    }
                }
            }
        });
    }

    private static Socket connect(InetAddress address, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(address, port), SOCKET_TIMEOUT_MS);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }

    private interface Body {
        void run() throws Exception;
    }

    /** A stack on a fresh TUN (kernel side 10.91.0.1, fd91::1) serving the host's TCP services. */
    private static void withHost(Body body) throws Exception {
        String name = "hk" + Long.toHexString(System.nanoTime() & 0xffffffL);
        try (TunDevice dev = TunDevice.open(TunOptions.tun(name))) {
            ip("link", "set", dev.name(), "mtu", "1500", "up");
            ip("addr", "add", "10.91.0.1/24", "dev", dev.name());
            ip("-6", "addr", "add", "fd91::1/64", "dev", dev.name(), "nodad");
            Stack stack = Stack.builder().shards(2).build();
            TcpServices services = null;
            try {
                var nic = stack.createNic(1, PacketEndpoint.create(
                        PacketEndpointOptions.builder().channels(dev.queues()).mtu(1500).build()));
                nic.addAddress("10.91.0.2/24");
                nic.addAddress("fd91::2/64");
                Tcp tcp = Tcp.attach(stack);
                services = TcpServices.start((address, port) -> new NetstackServerSocket(tcp, port, 128, address),
                        List.of(InetAddress.getByName("::")),
                        TcpServices.Ports.defaults());
                body.run();
            } finally {
                if (services != null) {
                    services.close();
                }
                System.out.println("host stack after the kernel test:\n" + stack.stats());
                stack.close();
                assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Result r = run(10, cmd.toArray(String[]::new));
        assertThat(r.exitCode).as(String.join(" ", cmd) + ": " + r.output).isZero();
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a command with a time limit, stdout and stderr together. */
    private static Result run(int seconds, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            return new Result(-2, "timed out: " + out.getNow(""));
        }
        return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS).strip());
    }
}
