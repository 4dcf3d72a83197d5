package org.netstack4j.tun.linux;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to open a TUN/TAP device: {@link TunDevice#open(TunOptions)}. Immutable; each {@code with}
 * method returns a changed copy.
 *
 * <pre>{@code
 * TunDevice tun = TunDevice.open(TunOptions.tun("tun%d").withQueues(4).withOffloads(TunOffload.tcp()));
 * }</pre>
 *
 * @param name                a device name, or a template with {@code %d} for the kernel to fill in
 * @param mode                TUN (IP packets) or TAP (Ethernet frames)
 * @param queues              how many queues (channels) to open; more than one implies multi-queue
 * @param multiQueue          {@code IFF_MULTI_QUEUE}, required to attach to a multi-queue device even
 *                            with one queue
 * @param attach              create, attach to an existing device, or either
 * @param virtioNetHeader     {@code IFF_VNET_HDR}: every packet carries offload metadata; needed for
 *                            any offload and for writing super-packets (host GSO)
 * @param offloads            offloads to ask the kernel for on read; the kernel may grant fewer
 *                            ({@link TunDevice#offloads()}); ignored without the virtio-net header;
 *                            USO only together with {@code deliverSuperPackets} (cutting is TCP only)
 * @param deliverSuperPackets true: a super-packet read from the kernel is handed over whole, with
 *                            its GSO and partial-checksum metadata on the buffer (when it fits the
 *                            buffer); false: the channel cuts it into MTU-sized segments and completes
 *                            checksums, so readers see ordinary packets
 * @param persistent          {@code TUNSETPERSIST}: the device outlives the last closed queue
 */
public record TunOptions(
        String name,
        TunMode mode,
        int queues,
        boolean multiQueue,
        Attach attach,
        boolean virtioNetHeader,
        Set<TunOffload> offloads,
        boolean deliverSuperPackets,
        boolean persistent) {

    /** Whether {@link TunDevice#open} may create the device, attach to an existing one, or both. */
    public enum Attach {
        /** Attach when a device of that name exists, else create it ({@code TUNSETIFF}'s own behaviour). */
        CREATE_OR_ATTACH,
        /** Fail with {@code EBUSY} when the device exists ({@code IFF_TUN_EXCL}). */
        CREATE_NEW,
        /** Fail when no device of that name exists (e.g. one set up by an administrator or a script). */
        ATTACH_EXISTING
    }

    /** Checks the values and copies the offload set. */
    public TunOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(attach, "attach");
        InterfaceControl.checkName(name.replace("%d", "0"));
        if (queues < 1 || queues > 256) {
            throw new IllegalArgumentException("queues " + queues + " outside 1..256");
        }
        if (queues > 1) {
            multiQueue = true;
        }
        offloads = offloads.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(offloads));
    }

    /** One TUN queue named by {@code nameOrTemplate}, no offloads, create or attach. */
    public static TunOptions tun(String nameOrTemplate) {
        return new TunOptions(nameOrTemplate, TunMode.TUN, 1, false, Attach.CREATE_OR_ATTACH, false, Set.of(),
                false, false);
    }

    /** One TAP queue named by {@code nameOrTemplate}, no offloads, create or attach. */
    public static TunOptions tap(String nameOrTemplate) {
        return new TunOptions(nameOrTemplate, TunMode.TAP, 1, false, Attach.CREATE_OR_ATTACH, false, Set.of(),
                false, false);
    }

    /** Opens {@code queues} queues ({@code IFF_MULTI_QUEUE} when more than one). */
    public TunOptions withQueues(int queues) {
        return new TunOptions(name, mode, queues, multiQueue || queues > 1, attach, virtioNetHeader, offloads,
                deliverSuperPackets, persistent);
    }

    /** Sets {@code IFF_MULTI_QUEUE} explicitly (to attach one queue to a multi-queue device). */
    public TunOptions withMultiQueue(boolean multiQueue) {
        return new TunOptions(name, mode, queues, multiQueue, attach, virtioNetHeader, offloads,
                deliverSuperPackets, persistent);
    }

    /** Chooses between creating and attaching. */
    public TunOptions withAttach(Attach attach) {
        return new TunOptions(name, mode, queues, multiQueue, attach, virtioNetHeader, offloads,
                deliverSuperPackets, persistent);
    }

    /** Turns the virtio-net header on or off (off also drops the offloads). */
    public TunOptions withVirtioNetHeader(boolean on) {
        return new TunOptions(name, mode, queues, multiQueue, attach, on, on ? offloads : Set.of(),
                deliverSuperPackets, persistent);
    }

    /** Asks for {@code offloads} (and turns the virtio-net header on when the set is not empty). */
    public TunOptions withOffloads(Set<TunOffload> offloads) {
        return new TunOptions(name, mode, queues, multiQueue, attach, virtioNetHeader || !offloads.isEmpty(),
                offloads, deliverSuperPackets, persistent);
    }

    /** Hands super-packets over whole ({@code true}) or cut into segments ({@code false}, the default). */
    public TunOptions withDeliverSuperPackets(boolean whole) {
        return new TunOptions(name, mode, queues, multiQueue, attach, virtioNetHeader, offloads, whole,
                persistent);
    }

    /** Makes the device persistent (it stays after the last queue closes). */
    public TunOptions withPersistent(boolean persistent) {
        return new TunOptions(name, mode, queues, multiQueue, attach, virtioNetHeader, offloads,
                deliverSuperPackets, persistent);
    }
}
