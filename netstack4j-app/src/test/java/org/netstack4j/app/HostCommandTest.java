package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HostCommandTest {
    @Test
    void helpNamesEveryEnvironmentVariableOfThePeerContract() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("host", "--help")).isZero();
        for (String env : new String[] {"TUN", "TUN_MTU", "TUN_MQ", "TUN_QUEUES", "TUN_FDS", "PEER_IP", "PEER_PREFIX",
                "HOST_IP", "PEER_IP6", "PEER_PREFIX6", "HOST_IP6", "HB_LIFETIME"}) {
            assertThat(out.toString()).contains("env " + env);
        }
        assertThat(out.toString()).contains("--tap", "--pcap", "--stats", "UDP echo on port 7");
        assertThat(out.toString()).contains("TCP echo 7, discard 9, chargen 19 and HTTP 80", "--echo-port",
                "--discard-port", "--chargen-port", "--http-port");
    }

    @Test
    void optionsOverrideTheDefaults() {
        HostCommand host = new HostCommand();
        new CommandLine(host).parseArgs("--tun", "x0", "--tap", "--mtu", "1280", "--ip", "10.1.2.3", "--prefix", "16",
                "--lifetime", "5");
        assertThat(host.device).isEqualTo("x0");
        assertThat(host.tap).isTrue();
        assertThat(host.mtu).isEqualTo(1280);
        assertThat(host.ip).isEqualTo("10.1.2.3");
        assertThat(host.prefix).isEqualTo(16);
        assertThat(host.lifetime).isEqualTo(5);
        assertThat(host.echoPort).isEqualTo(7);
        assertThat(host.discardPort).isEqualTo(9);
        assertThat(host.chargenPort).isEqualTo(19);
        assertThat(host.httpPort).isEqualTo(80);
        new CommandLine(host).parseArgs("--echo-port", "0", "--discard-port", "1009", "--chargen-port", "0",
                "--http-port", "8080");
        assertThat(host.echoPort).isZero();
        assertThat(host.discardPort).isEqualTo(1009);
        assertThat(host.chargenPort).isZero();
        assertThat(host.httpPort).isEqualTo(8080);
    }
}
