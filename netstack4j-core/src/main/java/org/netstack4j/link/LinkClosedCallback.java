package org.netstack4j.link;

/**
 * Told when a link goes away by itself: a channel's peer closed it, or a read failed (the seed's
 * {@code ClosedFunc}). Not called for a deliberate {@link LinkEndpoint#close()}.
 */
@FunctionalInterface
public interface LinkClosedCallback {

    /**
     * Called exactly once per endpoint, on the dispatch thread that saw the failure, after the
     * endpoint has closed all its channels. It must not wait for the endpoint's termination (it runs
     * on one of the threads being waited for).
     *
     * @param cause {@link java.io.EOFException} when a peer closed its side, otherwise the read's error
     */
    void linkClosed(Throwable cause);
}
