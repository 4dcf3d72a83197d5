package org.netstack4j.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.x request heads (RFC 9112 section 2-3, 5-6) from a stream, with hard limits on line and
 * section sizes. A malformed or oversized request comes back as a {@link Request} carrying the error status
 * to answer with, never as an exception; I/O errors and timeouts are thrown.
 */
final class HttpRequestReader {
    /** One parsed request head; {@code error} is 0 for a valid one, else the status to answer with. */
    record Request(String method, String path, boolean http11, boolean keepAlive, long contentLength,
            boolean chunked, int error, String errorText) {
        static Request error(int status, String text) {
            return new Request("", "", false, false, 0, false, status, text);
        }
    }

    private static final int EOF = -1;
    private static final int TOO_LONG = -2;
    private static final int TRUNCATED = -3;
    /** Empty lines tolerated before a request line (RFC 9112 section 2.2). */
    private static final int LEADING_EMPTY_LINES = 4;

    private final InputStream in;
    private final byte[] line = new byte[HttpService.MAX_REQUEST_LINE];

    HttpRequestReader(InputStream in) {
        this.in = in;
    }

    /** The next request head, or null when the peer closed cleanly before one began. */
    Request next() throws IOException {
        int n;
        int empty = 0;
        do {
            n = readLine(line.length);
            if (n == EOF) {
                return null;
            }
        } while (n == 0 && ++empty <= LEADING_EMPTY_LINES);
        if (n == TOO_LONG) {
            return Request.error(414, "request line longer than " + HttpService.MAX_REQUEST_LINE + " bytes");
        }
        if (n < 0) {
            return Request.error(400, "truncated request line");
        }
        String requestLine = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        int sp1 = requestLine.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0 || sp2 == sp1 + 1) {
            return Request.error(400, "request line is not 'method target version'");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!isToken(method)) {
            return Request.error(400, "bad method");
        }
        if (!version.matches("HTTP/1\\.[0-9]")) {
            return Request.error(400, "only HTTP/1.x is served");
        }
        boolean http11 = !version.equals("HTTP/1.0");
        String path = path(target);
        if (path == null) {
            return Request.error(400, "bad request target");
        }
        return fields(method, path, http11);
    }

    private Request fields(String method, String path, boolean http11) throws IOException {
        int total = 0;
        int count = 0;
        int hosts = 0;
        long contentLength = 0;
        boolean sawLength = false;
        boolean chunked = false;
        boolean close = false;
        boolean keepAlive = false;
        while (true) {
            int n = readLine(Math.min(line.length, HttpService.MAX_HEADERS - total + 2));
            if (n == TOO_LONG) {
                return Request.error(431, "header section larger than " + HttpService.MAX_HEADERS + " bytes");
            }
            if (n < 0) {
                return Request.error(400, "truncated header section");
            }
            if (n == 0) {
                break;
            }
            total += n + 2;
            if (total > HttpService.MAX_HEADERS || ++count > HttpService.MAX_FIELDS) {
                return Request.error(431, "too many or too large header fields");
            }
            if (line[0] == ' ' || line[0] == '\t') {
                return Request.error(400, "obsolete line folding");
            }
            String field = new String(line, 0, n, StandardCharsets.ISO_8859_1);
            int colon = field.indexOf(':');
            if (colon <= 0 || !isToken(field.substring(0, colon))) {
                return Request.error(400, "bad header field");
            }
            String name = field.substring(0, colon);
            String value = field.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Host")) {
                hosts++;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                long v = HttpService.size(value);
                if (v < 0 || (sawLength && v != contentLength)) {
                    return Request.error(400, "bad Content-Length");
                }
                sawLength = true;
                contentLength = v;
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                for (String option : value.split(",")) {
                    String o = option.strip();
                    close |= o.equalsIgnoreCase("close");
                    keepAlive |= o.equalsIgnoreCase("keep-alive");
                }
            }
        }
        if (http11 && hosts != 1) {
            return Request.error(400, "an HTTP/1.1 request needs exactly one Host field");
        }
        if (chunked && sawLength) {
            return Request.error(400, "both Transfer-Encoding and Content-Length");
        }
        boolean keep = !close && (http11 || keepAlive);
        return new Request(method, path, http11, keep, contentLength, chunked, 0, "");
    }

    /** The path of an origin-form or absolute-form target without query; null when neither. */
    static String path(String target) {
        String p;
        if (target.startsWith("/")) {
            p = target;
        } else if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            p = slash < 0 ? "/" : target.substring(slash);
        } else {
            return null;
        }
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '#') {
                return null;
            }
        }
        return p;
    }

    /** RFC 9110 token: one or more tchar. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads one line ending in LF (a CR before it is dropped) into {@link #line}: its length, or EOF at end
     * of stream before any byte, TRUNCATED at end of stream inside a line, TOO_LONG past {@code max} bytes.
     */
    private int readLine(int max) throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return n == 0 ? EOF : TRUNCATED;
            }
            if (b == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n >= max || n >= line.length) {
                return TOO_LONG;
            }
            line[n++] = (byte) b;
        }
    }
}
