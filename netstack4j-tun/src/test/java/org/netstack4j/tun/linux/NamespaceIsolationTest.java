package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The device tests really run outside the machine's network namespace. */
@RequiresNetAdmin
class NamespaceIsolationTest {

    @Test
    void jvmRunsInItsOwnNetworkNamespace() throws Exception {
        long own = PrivateNetns.ownNamespace();
        long outer = Long.parseLong(System.getenv("NETSTACK4J_OUTER_NETNS"));
        assertThat(own).isPositive().isNotEqualTo(outer);
        long init = PrivateNetns.namespaceOf(Path.of("/proc/1/ns/net"));
        if (init > 0) {
            assertThat(own).isNotEqualTo(init);
        }
        // A fresh namespace has only the loopback interface (which the extension brought up).
        assertThat(InterfaceControl.exists("lo")).isTrue();
        assertThat(InterfaceControl.isUp("lo")).isTrue();
        assertThat(java.net.NetworkInterface.networkInterfaces().map(java.net.NetworkInterface::getName))
                .containsExactly("lo");
    }
}
