package org.netstack4j.network.ndp;

/** Counters of one {@link NdpHandler}, as plain fields read on its shard's thread. */
public final class NdpCounters {
    long solicitationsReceived;
    long advertisementsReceived;
    long routerMessagesReceived;
    long solicitationsSent;
    long advertisementsSent;
    long dadSolicitationsSent;
    long addressesAssigned;
    long duplicatesDetected;
    long addressConflicts;
    long malformed;
    long badHopLimit;
    long badChecksum;
    long badCode;
    long invalid;
    long notForUs;
    long noSourceAddress;

    NdpCounters() {
    }

    /** Neighbour solicitations received and accepted. */
    public long solicitationsReceived() {
        return solicitationsReceived;
    }

    /** Neighbour advertisements received and accepted. */
    public long advertisementsReceived() {
        return advertisementsReceived;
    }

    /** Router solicitations, advertisements and redirects received and accepted. */
    public long routerMessagesReceived() {
        return routerMessagesReceived;
    }

    /** Neighbour solicitations sent to resolve or probe neighbours. */
    public long solicitationsSent() {
        return solicitationsSent;
    }

    /** Neighbour advertisements sent. */
    public long advertisementsSent() {
        return advertisementsSent;
    }

    /** Duplicate address detection solicitations sent. */
    public long dadSolicitationsSent() {
        return dadSolicitationsSent;
    }

    /** Addresses that passed duplicate address detection (or skipped it). */
    public long addressesAssigned() {
        return addressesAssigned;
    }

    /** Tentative addresses found in use by another node. */
    public long duplicatesDetected() {
        return duplicatesDetected;
    }

    /** Advertisements from another node for one of our assigned addresses. */
    public long addressConflicts() {
        return addressConflicts;
    }

    /** Drop reason: the IPv6 packet or ICMPv6 message could not be parsed. */
    public long malformed() {
        return malformed;
    }

    /** Drop reason: hop limit not 255, so the message may come from off-link (RFC 4861 section 7.1). */
    public long badHopLimit() {
        return badHopLimit;
    }

    /** Drop reason: ICMPv6 checksum mismatch. */
    public long badChecksum() {
        return badChecksum;
    }

    /** Drop reason: ICMP code not 0. */
    public long badCode() {
        return badCode;
    }

    /**
     * Drop reason: breaks another RFC 4861 section 7.1 rule (multicast target, a solicitation from the
     * unspecified address not sent to a solicited-node group or carrying a link-layer address, a
     * solicited advertisement to a multicast group).
     */
    public long invalid() {
        return invalid;
    }

    /** Solicitations for a target that is not ours (or is tentative and solicited for resolution). */
    public long notForUs() {
        return notForUs;
    }

    /** Solicitations the cache asked for but none could be sent: no assigned address to send from. */
    public long noSourceAddress() {
        return noSourceAddress;
    }

    @Override
    public String toString() {
        return "NdpCounters[ns " + solicitationsReceived + "/" + solicitationsSent + ", na " + advertisementsReceived
                + "/" + advertisementsSent + ", router " + routerMessagesReceived + ", dad " + dadSolicitationsSent
                + ", assigned " + addressesAssigned + ", duplicates " + duplicatesDetected + ", conflicts "
                + addressConflicts + ", dropped[malformed " + malformed + ", hopLimit " + badHopLimit + ", checksum "
                + badChecksum + ", code " + badCode + ", invalid " + invalid + "], notForUs " + notForUs
                + ", noSource " + noSourceAddress + "]";
    }
}
