package org.netstack4j.transport.tcp;

/**
 * The shard's TIME-WAIT connections, oldest first, in an intrusive list through the connections: bounded, so
 * past the cap the oldest is recycled (closed early, counted) instead of memory growing without limit.
 */
final class TimeWaitList {
    private final int cap;
    private TcpConnection oldest;
    private TcpConnection newest;
    private int size;

    TimeWaitList(int cap) {
        this.cap = cap;
    }

    int size() {
        return size;
    }

    /** Adds {@code c}; returns the connection to recycle when over the cap, else null. */
    TcpConnection add(TcpConnection c) {
        c.twPrev = newest;
        c.twNext = null;
        if (newest != null) {
            newest.twNext = c;
        } else {
            oldest = c;
        }
        newest = c;
        c.inTimeWaitList = true;
        size++;
        return size > cap ? oldest : null;
    }

    void remove(TcpConnection c) {
        if (!c.inTimeWaitList) {
            return;
        }
        if (c.twPrev != null) {
            c.twPrev.twNext = c.twNext;
        } else {
            oldest = c.twNext;
        }
        if (c.twNext != null) {
            c.twNext.twPrev = c.twPrev;
        } else {
            newest = c.twPrev;
        }
        c.twPrev = null;
        c.twNext = null;
        c.inTimeWaitList = false;
        size--;
    }
}
