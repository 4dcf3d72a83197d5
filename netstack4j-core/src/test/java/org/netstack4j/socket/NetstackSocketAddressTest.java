package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The adapters take numeric addresses only: literals parse without any lookup, names are refused. */
class NetstackSocketAddressTest {
    @Test
    void literalsParseWithoutLookup() throws Exception {
        assertThat(NetstackSocketImpl.numeric("10.0.0.1")).isInstanceOf(Inet4Address.class)
                .extracting(a -> a.getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(NetstackSocketImpl.numeric("fd00::1")).isInstanceOf(Inet6Address.class)
                .extracting(a -> a.getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:1");
        assertThat(NetstackSocketImpl.numeric("[fd00::2]").getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:2");
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("192.0.2.7", 80);
        InetSocketAddress r = NetstackSocketImpl.resolved(unresolved);
        assertThat(r.isUnresolved()).isFalse();
        assertThat(r.getAddress().getHostAddress()).isEqualTo("192.0.2.7");
        assertThat(r.getPort()).isEqualTo(80);
        InetSocketAddress already = new InetSocketAddress(NetstackSocketImpl.numeric("10.9.8.7"), 1);
        assertThat(NetstackSocketImpl.resolved(already)).isSameAs(already);
    }

    @Test
    void namesAreRefusedWithAClearMessage() {
        for (String name : new String[] {"example.com", "localhost", "10.0.0", "", "[10.0.0.1]"}) {
            assertThatThrownBy(() -> NetstackSocketImpl.numeric(name)).as(name)
                    .isInstanceOf(UnknownHostException.class).hasMessageContaining("does not resolve names");
        }
        assertThatThrownBy(() -> NetstackSocketImpl.resolved(InetSocketAddress.createUnresolved("example.com", 1)))
                .isInstanceOf(UnknownHostException.class);
    }
}
