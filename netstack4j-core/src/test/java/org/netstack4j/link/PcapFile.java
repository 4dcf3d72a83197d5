package org.netstack4j.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** A minimal classic-pcap reader for tests: checks the file header and returns the records. */
final class PcapFile {
    record Record(long epochMicros, int originalLength, byte[] data) {
    }

    final int linkType;
    final int snapLength;
    final List<Record> records = new ArrayList<>();

    PcapFile(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (magic != 0xa1b2c3d4) {
            throw new AssertionError("not a microsecond pcap: magic " + Integer.toHexString(magic));
        }
        if (b.getShort(4) != 2 || b.getShort(6) != 4) {
            throw new AssertionError("not pcap 2.4");
        }
        snapLength = b.getInt(16);
        linkType = b.getInt(20);
        b.position(24);
        while (b.hasRemaining()) {
            long sec = b.getInt() & 0xffffffffL;
            long usec = b.getInt() & 0xffffffffL;
            int incl = b.getInt();
            int orig = b.getInt();
            if (incl > snapLength || incl > orig) {
                throw new AssertionError("record of " + incl + " captured bytes, original " + orig + ", snap " + snapLength);
            }
            byte[] data = new byte[incl];
            b.get(data);
            records.add(new Record(sec * 1_000_000 + usec, orig, data));
        }
    }
}
