package org.netstack4j.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * TCP character generator (RFC 864): streams the 95 printable ASCII characters (space to '~', as a ring) as
 * 72-character lines ended by CR LF, each line starting one character further along the ring, the first with
 * '!' as in the RFC's example, until the peer closes. Received data is discarded; the peer's
 * FIN or reset ends the stream.
 */
final class TcpChargen extends TcpService {
    /** The well-known port. */
    static final int PORT = 19;
    /** Characters per line, before CR LF. */
    static final int LINE = 72;
    /** Printable ASCII: 0x20 (space) to 0x7e. */
    static final int PRINTABLE = 95;

    /** One full cycle of the pattern: 95 lines of 74 bytes, after which it repeats exactly. */
    private static final byte[] CYCLE = cycle();

    TcpChargen(List<ServerSocket> listeners) {
        super("tcp-chargen", listeners);
    }

    /** The byte at {@code offset} of the chargen stream. */
    static byte at(long offset) {
        return CYCLE[(int) (offset % CYCLE.length)];
    }

    private static byte[] cycle() {
        byte[] b = new byte[PRINTABLE * (LINE + 2)];
        int p = 0;
        for (int line = 0; line < PRINTABLE; line++) {
            for (int i = 0; i < LINE; i++) {
                b[p++] = (byte) (' ' + (1 + line + i) % PRINTABLE);
            }
            b[p++] = '\r';
            b[p++] = '\n';
        }
        return b;
    }

    @Override
    void serve(Socket socket) throws IOException {
        // A reader drains and drops input; the peer's FIN or a reset closes the socket, which ends the writer.
        Thread reader = Thread.ofVirtual().name("tcp-chargen-drain-" + socket.getPort()).start(() -> drain(socket));
        try {
            OutputStream out = socket.getOutputStream();
            // Four cycles per write: fewer calls, same pattern.
            byte[] chunk = new byte[CYCLE.length * 4];
            for (int i = 0; i < 4; i++) {
                System.arraycopy(CYCLE, 0, chunk, i * CYCLE.length, CYCLE.length);
            }
            while (!socket.isClosed()) {
                out.write(chunk);
            }
        } finally {
            TcpService.closeQuietly(socket);
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void drain(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // Dropped, as RFC 864 says.
            }
        } catch (IOException e) {
            // Reset or closed: the connection is over either way.
        } finally {
            TcpService.closeQuietly(socket);
        }
    }
}
