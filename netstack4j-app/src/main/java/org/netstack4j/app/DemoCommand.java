package org.netstack4j.app;

import java.util.concurrent.Callable;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import picocli.CommandLine.Command;

/** A small self-contained example; replaced by {@code host} once the stack exists. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a self-contained example of the library (no privileges needed).")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        PacketBufferPool pool = new PacketBufferPool(2048, 128, 64);
        PacketBuffer b = pool.acquire();
        b.appendBytes("payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 7);
        int at = b.prepend(8);
        System.out.println("pushed an 8-byte header at " + at + ": " + b);
        b.release();
        return 0;
    }
}
