package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The request reader on its own: valid heads parse, and no input makes it throw anything but IOException. */
class HttpRequestReaderTest {
    private static HttpRequestReader reader(String s) {
        return new HttpRequestReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void parsesMethodPathVersionAndTheFieldsThatMatter() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(("\r\nGET http://h:8/bytes/5?x=1 HTTP/1.1\r\nhost: h\r\n"
                + "CONTENT-LENGTH: 3\r\nConnection: Upgrade, close\r\n\r\nabc"
                + "HEAD / HTTP/1.0\nConnection: keep-alive\n\n").getBytes(StandardCharsets.ISO_8859_1));
        HttpRequestReader r = new HttpRequestReader(in);
        HttpRequestReader.Request a = r.next();
        assertThat(a.error()).isZero();
        assertThat(a.method()).isEqualTo("GET");
        assertThat(a.path()).isEqualTo("/bytes/5");
        assertThat(a.http11()).isTrue();
        assertThat(a.contentLength()).isEqualTo(3);
        assertThat(a.keepAlive()).isFalse();
        // The reader stops at the end of the head: the body is next on the stream, for the caller to skip.
        assertThat(in.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        HttpRequestReader.Request b = r.next();
        assertThat(b.method()).isEqualTo("HEAD");
        assertThat(b.path()).isEqualTo("/");
        assertThat(b.http11()).isFalse();
        assertThat(b.keepAlive()).isTrue();
        assertThat(r.next()).as("clean end of stream").isNull();
        assertThat(reader("").next()).as("clean end of stream").isNull();
    }

    @Test
    void randomAndMutatedInputNeverThrowsAnythingButIoException() {
        Random random = new Random(9112);
        String valid = "GET /bytes/10 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        int requests = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
            } else {
                input = valid.getBytes(StandardCharsets.ISO_8859_1);
                for (int m = random.nextInt(4); m >= 0; m--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            HttpRequestReader r = new HttpRequestReader(new ByteArrayInputStream(input));
            try {
                // At most as many requests as bytes: each consumes at least one.
                for (int k = 0; k <= input.length; k++) {
                    HttpRequestReader.Request q = r.next();
                    if (q == null || q.error() != 0) {
                        break;
                    }
                    requests++;
                    assertThat(q.path()).startsWith("/");
                }
            } catch (IOException e) {
                throw new AssertionError("a byte array stream cannot fail", e);
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " threw", e);
            }
        }
        assertThat(requests).as("some mutated requests stay valid").isPositive();
    }
}
