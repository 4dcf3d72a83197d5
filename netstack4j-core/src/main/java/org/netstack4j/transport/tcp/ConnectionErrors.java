package org.netstack4j.transport.tcp;

import java.net.ConnectException;
import java.net.SocketException;

/**
 * The exceptions a connection stores when it ends (reset, aborted, timed out, closed), made on its shard and
 * thrown later to whichever application call comes next. They carry no stack trace: the shard's stack says
 * nothing about the application's call, and filling one in for every connection that ends (most never see a
 * later call) was a measurable part of a short connection's cost.
 */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    /** A {@link SocketException} without a stack trace. */
    static SocketException socket(String message) {
        return new Stackless(message);
    }

    /** A {@link ConnectException} without a stack trace. */
    static ConnectException connect(String message) {
        return new StacklessConnect(message);
    }

    private static final class Stackless extends SocketException {
        private static final long serialVersionUID = 1L;

        Stackless(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final class StacklessConnect extends ConnectException {
        private static final long serialVersionUID = 1L;

        StacklessConnect(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
