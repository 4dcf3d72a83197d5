package org.netstack4j.app;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A small HTTP/1.1 server (RFC 9110/9112) for tests and benchmarks: {@code GET /} answers a short HTML page,
 * {@code GET /bytes/<n>} an n-byte download of {@link #patternByte(long)} bytes (n ≤ {@link #MAX_DOWNLOAD}),
 * {@code HEAD} the same headers without a body. Persistent connections as HTTP/1.1 and 1.0 define them,
 * every response with {@code Content-Length}; 400 for malformed requests, 404 for unknown paths, 405 for
 * other methods, 414/431 past the request size limits, 413/501 for request bodies it will not read.
 */
final class HttpService extends TcpService {
    /** The well-known port. */
    static final int PORT = 80;
    /** Largest {@code /bytes/<n>} download: 16 GiB. */
    static final long MAX_DOWNLOAD = 16L << 30;
    /** Longest request line, CR LF excluded. */
    static final int MAX_REQUEST_LINE = 8192;
    /** Largest header section (all field lines together). */
    static final int MAX_HEADERS = 16384;
    /** Most field lines in one request. */
    static final int MAX_FIELDS = 100;
    /** Largest request body read and dropped; bigger ones get 413. */
    static final int MAX_BODY = 64 * 1024;
    /** A connection idle this long between requests is closed. */
    static final int IDLE_MILLIS = 30_000;
    /** How long and how much a closing connection drains of what the client still sends. */
    private static final int LINGER_MILLIS = 2000;
    private static final long LINGER_BYTES = 1 << 20;

    /** The page served at {@code /}. */
    static final byte[] PAGE = ("<!DOCTYPE html>\n<html><head><title>netstack4j</title></head>\n"
            + "<body><h1>netstack4j</h1><p>Served by a userspace TCP/IP stack on the JVM.</p>\n"
            + "<p><a href=\"/bytes/1048576\">1 MiB download</a></p></body></html>\n").getBytes(StandardCharsets.US_ASCII);

    /** Period of the download pattern: a prime, so pieces at power-of-two offsets never line up. */
    private static final int PERIOD = 89;
    /** A whole number of periods plus one more, so a write can start at any phase. */
    private static final byte[] PATTERN = pattern(PERIOD * 736 + PERIOD);
    private static final int CHUNK = PERIOD * 736;

    HttpService(List<ServerSocket> listeners) {
        super("http", listeners);
    }

    /** Byte {@code offset} of every {@code /bytes/<n>} body: printable ASCII from '!' with period 89. */
    static byte patternByte(long offset) {
        return (byte) ('!' + offset % PERIOD);
    }

    private static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = patternByte(i);
        }
        return b;
    }

    @Override
    void serve(Socket socket) throws IOException {
        socket.setSoTimeout(IDLE_MILLIS);
        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        HttpRequestReader reader = new HttpRequestReader(in);
        try {
            while (true) {
                HttpRequestReader.Request r = reader.next();
                if (r == null) {
                    return;
                }
                if (!respond(r, in, out)) {
                    out.flush();
                    socket.shutdownOutput();
                    lingeringClose(socket, in);
                    return;
                }
                out.flush();
            }
        } catch (SocketTimeoutException e) {
            // Idle too long: close without a response, as servers do between requests.
        }
    }

    /**
     * Reads and drops what the client still sends, for a bounded time and amount, before the caller closes:
     * closing with unread data makes the kernel send RST, which can destroy the response before the client
     * has read it (RFC 9112 section 9.6).
     */
    private static void lingeringClose(Socket socket, InputStream in) {
        try {
            socket.setSoTimeout(LINGER_MILLIS);
            byte[] sink = new byte[8192];
            long left = LINGER_BYTES;
            int n;
            while (left > 0 && (n = in.read(sink)) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            // Timed out or reset: the close goes ahead either way.
        }
    }

    /** Writes the response to {@code r}; false when the connection must close after it. */
    private static boolean respond(HttpRequestReader.Request r, InputStream in, OutputStream out) throws IOException {
        if (r.error() != 0) {
            status(out, r.error(), r.errorText(), false, false);
            return false;
        }
        boolean head = r.method().equals("HEAD");
        boolean keep = r.keepAlive();
        // The body is dealt with first: after a refused one the connection cannot go on.
        if (r.chunked()) {
            status(out, 501, "chunked request bodies are not accepted", head, false);
            return false;
        }
        if (r.contentLength() > MAX_BODY) {
            status(out, 413, "request body too large", head, false);
            return false;
        }
        if (!skipBody(r, in)) {
            return false;
        }
        if (!head && !r.method().equals("GET")) {
            status(out, 405, "only GET and HEAD", false, keep, "Allow: GET, HEAD\r\n");
            return keep;
        }
        String path = r.path();
        if (path.equals("/")) {
            headers(out, 200, "OK", "text/html; charset=us-ascii", PAGE.length, keep, "");
            if (!head) {
                out.write(PAGE);
            }
            return keep;
        }
        if (path.startsWith("/bytes/")) {
            long n = size(path.substring("/bytes/".length()));
            if (n < 0) {
                status(out, 400, "size must be a decimal number of bytes up to " + MAX_DOWNLOAD, head, keep);
                return keep;
            }
            headers(out, 200, "OK", "application/octet-stream", n, keep, "");
            if (!head) {
                download(out, n);
            }
            return keep;
        }
        status(out, 404, "no such page", head, keep);
        return keep;
    }

    /** Parses a download size: decimal digits only, at most {@link #MAX_DOWNLOAD}; -1 when invalid. */
    static long size(String s) {
        if (s.isEmpty() || s.length() > 12) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= MAX_DOWNLOAD ? n : -1;
    }

    private static boolean skipBody(HttpRequestReader.Request r, InputStream in) throws IOException {
        long left = r.contentLength();
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }

    private static void download(OutputStream out, long n) throws IOException {
        out.flush();
        long sent = 0;
        while (sent < n) {
            int phase = (int) (sent % PERIOD);
            int len = (int) Math.min(CHUNK, n - sent);
            out.write(PATTERN, phase, len);
            sent += len;
        }
    }

    private static void status(OutputStream out, int code, String text, boolean head, boolean keep) throws IOException {
        status(out, code, text, head, keep, "");
    }

    /** An error response with a one-line plain-text body. */
    private static void status(OutputStream out, int code, String text, boolean head, boolean keep, String extra)
            throws IOException {
        byte[] body = (code + " " + reason(code) + ": " + text + "\n").getBytes(StandardCharsets.US_ASCII);
        headers(out, code, reason(code), "text/plain; charset=us-ascii", body.length, keep, extra);
        if (!head) {
            out.write(body);
        }
    }

    private static void headers(OutputStream out, int code, String reason, String type, long length, boolean keep,
            String extra) throws IOException {
        String h = "HTTP/1.1 " + code + " " + reason + "\r\n"
                + "Server: netstack4j\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + extra
                + (keep ? "" : "Connection: close\r\n")
                + "\r\n";
        out.write(h.getBytes(StandardCharsets.US_ASCII));
    }

    static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            default -> "Error";
        };
    }
}
