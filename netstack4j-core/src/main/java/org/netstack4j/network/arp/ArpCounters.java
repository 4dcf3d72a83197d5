package org.netstack4j.network.arp;

/** Counters of one {@link ArpHandler}, as plain fields read on its shard's thread. */
public final class ArpCounters {
    long requestsReceived;
    long repliesReceived;
    long requestsSent;
    long repliesSent;
    long announcementsSent;
    long malformed;
    long badSender;
    long unknownOpcode;
    long addressConflicts;

    ArpCounters() {
    }

    /** ARP requests received (probes and announcements included). */
    public long requestsReceived() {
        return requestsReceived;
    }

    /** ARP replies received. */
    public long repliesReceived() {
        return repliesReceived;
    }

    /** Requests sent to resolve or probe a neighbour. */
    public long requestsSent() {
        return requestsSent;
    }

    /** Replies sent for our addresses. */
    public long repliesSent() {
        return repliesSent;
    }

    /** Gratuitous announcements sent for our addresses. */
    public long announcementsSent() {
        return announcementsSent;
    }

    /** Drop reason: not an Ethernet/IPv4 ARP message, or truncated. */
    public long malformed() {
        return malformed;
    }

    /** Drop reason: a sender hardware address that is ours, a group address, or zero. */
    public long badSender() {
        return badSender;
    }

    /** Drop reason: an opcode other than request and reply. */
    public long unknownOpcode() {
        return unknownOpcode;
    }

    /** Messages from another host using one of our addresses. */
    public long addressConflicts() {
        return addressConflicts;
    }

    @Override
    public String toString() {
        return "ArpCounters[requests " + requestsReceived + "/" + requestsSent + ", replies " + repliesReceived
                + "/" + repliesSent + ", announcements " + announcementsSent + ", malformed " + malformed
                + ", badSender " + badSender + ", unknownOpcode " + unknownOpcode + ", conflicts "
                + addressConflicts + "]";
    }
}
