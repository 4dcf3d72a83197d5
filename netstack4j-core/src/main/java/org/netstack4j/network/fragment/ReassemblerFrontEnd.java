package org.netstack4j.network.fragment;

import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;

/**
 * What the family front ends ({@link Ipv4Reassembler}, {@link Ipv6Reassembler}) share around the
 * {@link Reassembler} core: the output-buffer size check, handing out the datagram of the last submit, and
 * the time, memory and counter queries, which only delegate. Parsing a fragment and finishing the
 * reassembled header is the subclass's.
 */
abstract class ReassemblerFrontEnd {
    final Reassembler core;
    private PacketBuffer reassembled;

    /**
     * @param largest the longest packet the family reassembles, in bytes
     * @param noun    what the family calls it in the error message ("datagram", "packet")
     */
    ReassemblerFrontEnd(ReassemblyConfig config, PacketBufferPool outputPool, ReassemblyListener listener,
                        RandomGenerator random, int largest, String noun) {
        if (outputPool.bufferSize() - outputPool.headroom() < largest) {
            throw new IllegalArgumentException("output buffers hold " + (outputPool.bufferSize() - outputPool.headroom())
                    + " bytes after the headroom, a " + noun + " needs up to " + largest);
        }
        this.core = new Reassembler(config, outputPool, listener, random.nextLong());
    }

    /** A packet that needs no reassembly: counted and handed out as it is. */
    final ReassemblyStatus notFragmented(PacketBuffer packet) {
        core.counters().count(ReassemblyStatus.NOT_FRAGMENTED);
        reassembled = packet;
        return ReassemblyStatus.NOT_FRAGMENTED;
    }

    /** A datagram the core assembled and the subclass finished. */
    final ReassemblyStatus complete(PacketBuffer out) {
        reassembled = out;
        return ReassemblyStatus.COMPLETE;
    }

    /**
     * The datagram of the last {@link ReassemblyStatus#COMPLETE} or {@link ReassemblyStatus#NOT_FRAGMENTED}
     * submit (the caller owns it), or {@code null}; a second call returns {@code null}.
     */
    public PacketBuffer takeReassembled() {
        PacketBuffer p = reassembled;
        reassembled = null;
        return p;
    }

    /**
     * Discards the datagrams whose time ran out at {@code now} (the listener hears of those whose first
     * fragment arrived). Submitting a fragment does this too.
     *
     * @return how many expired
     */
    public int expire(long now) {
        return core.expire(now);
    }

    /** When the oldest pending datagram expires; {@link Long#MAX_VALUE} when none is pending. */
    public long nextDeadline() {
        return core.nextDeadline();
    }

    /** Buffer bytes held by pending datagrams (never above the configured memory cap). */
    public long heldBytes() {
        return core.heldBytes();
    }

    /** Datagrams waiting for fragments. */
    public int pendingDatagrams() {
        return core.pendingDatagrams();
    }

    /** Counters of events and drops. */
    public ReassemblyCounters counters() {
        return core.counters();
    }

    /** The limits in force. */
    public ReassemblyConfig config() {
        return core.config();
    }

    /** Discards every pending datagram (the NIC went away). */
    public void clear() {
        core.clear();
    }
}
