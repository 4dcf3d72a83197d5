package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TestBytes.hex;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv4OptionCursorTest {
    private final Ipv4OptionCursor cursor = new Ipv4OptionCursor();

    /** Each option as "kind@offset/length" until the cursor ends. */
    private List<String> walk() {
        List<String> seen = new ArrayList<>();
        for (int kind = cursor.next(); kind >= 0; kind = cursor.next()) {
            seen.add(kind + "@" + cursor.optionOffset() + "/" + cursor.optionLength());
        }
        return seen;
    }

    @Test
    void reportsOptionsOfAWrappedHeaderSkippingNoOperation() {
        // NOP, Router Alert (4 bytes), NOP, Timestamp (4 bytes, the minimum), EOL, padding.
        byte[] options = hex("01 94040000 01 44040500 00 0000000000");
        byte[] b = new byte[20 + options.length];
        Ipv4Header.write(b, 0, 0, 20, 1, 0, 0, 64, 6, 1, 2);
        b[0] = 0x49;
        Bytes.put16(b, 2, b.length);
        System.arraycopy(options, 0, b, 20, options.length);
        Ipv4Header header = new Ipv4Header();
        assertThat(header.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);

        cursor.reset(header);

        assertThat(cursor.next()).isEqualTo(Ipv4Header.OPTION_ROUTER_ALERT);
        assertThat(cursor.optionOffset()).isEqualTo(21);
        assertThat(cursor.optionLength()).isEqualTo(4);
        assertThat(cursor.optionDataOffset()).isEqualTo(23);
        assertThat(cursor.optionDataLength()).isEqualTo(2);
        assertThat(cursor.next()).isEqualTo(Ipv4Header.OPTION_TIMESTAMP);
        assertThat(cursor.optionOffset()).isEqualTo(26);
        assertThat(Bytes.u8(b, cursor.optionDataOffset())).isEqualTo(5);
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.optionOffset()).isEqualTo(-1);
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();
    }

    @Test
    void optionAtTheVeryEnd() {
        byte[] b = hex("01 01 01 01 01 01 07 03 04");
        cursor.reset(b, 0, b.length);
        assertThat(walk()).containsExactly("7@6/3");
        assertThat(cursor.isMalformed()).isFalse();
    }

    @Test
    void maximalList() {
        byte[] b = new byte[40];
        for (int i = 0; i < 40; i += 2) {
            b[i] = (byte) (0x80 | i);
            b[i + 1] = 2;
        }
        cursor.reset(b, 0, b.length);
        assertThat(walk()).hasSize(20).startsWith("128@0/2").endsWith("166@38/2");
    }

    @Test
    void emptyAndAllPadding() {
        cursor.reset(new byte[4], 2, 0);
        assertThat(cursor.next()).isEqualTo(-1);
        byte[] nops = hex("01010101");
        cursor.reset(nops, 0, 4);
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();
        assertThat(new Ipv4OptionCursor().next()).as("never reset").isEqualTo(-1);
    }

    @Test
    void stopsAtMalformedLengthsOnRawBytes() {
        for (String bad : new String[] {"94 00", "94 01 00", "94 05 0000", "01 94", "94 02 88 04 00"}) {
            byte[] b = hex(bad);
            cursor.reset(b, 0, b.length);
            List<String> seen = walk();
            assertThat(cursor.isMalformed()).as(bad).isTrue();
            assertThat(seen).as(bad).hasSizeLessThanOrEqualTo(1);
            assertThat(Ipv4OptionCursor.validate(b, 0, b.length)).as(bad).isEqualTo(ParseResult.IPV4_BAD_OPTION_LENGTH);
        }
    }

    @Test
    void neverReadsOutsideTheRange() {
        // The length byte lies just past the given range: the option is malformed, not read beyond.
        byte[] b = hex("01 94 04 0000");
        cursor.reset(b, 0, 2);
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isTrue();
    }
}
