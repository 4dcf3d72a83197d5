package org.netstack4j.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Arrays;

/**
 * Fuzz input placed at a random offset of a larger array with random bytes around it, so that parsers are
 * exercised away from index 0 and must not read the neighbours.
 *
 * <p>Layout consumed from the provider: the last byte picks the offset (0..16), the byte before it the
 * number of trailing bytes (0..16) and their fill value; the rest, from the start, is the packet. Seed files
 * are therefore a packet followed by two bytes.
 */
record ProvidedFuzzInput(byte[] buffer, int offset, int length) {
    static ProvidedFuzzInput from(FuzzedDataProvider data) {
        int lead = data.consumeInt(0, 16);
        int trail = data.consumeInt(0, 16);
        byte[] packet = data.consumeRemainingAsBytes();
        byte[] b = new byte[lead + packet.length + trail];
        Arrays.fill(b, (byte) (0xa5 ^ trail));
        System.arraycopy(packet, 0, b, lead, packet.length);
        return new ProvidedFuzzInput(b, lead, packet.length);
    }

    /** Index one past the packet. */
    int end() {
        return offset + length;
    }
}
