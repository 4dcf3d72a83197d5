package org.netstack4j.tun.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether device tests may run: only in a network namespace that is not the one the test
 * launcher started in, and not PID 1's (when that is readable). Skips with a printed reason when the
 * launcher found no privilege; fails when the launcher claims a private namespace that is not.
 */
final class PrivateNetns implements ExecutionCondition {
    private static volatile boolean loopbackUp;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String skip = System.getenv("NETSTACK4J_NETNS_SKIP");
        if (skip != null) {
            return disabled(context, skip);
        }
        if (!"1".equals(System.getenv("NETSTACK4J_PRIVATE_NETNS"))) {
            return disabled(context, "the JVM was not started in a private network namespace (run the tests "
                    + "through Maven, whose surefire uses src/test/netns-jvm/bin/java); devices are never made in "
                    + "the machine's own namespace");
        }
        long own = ownNamespace();
        String outer = System.getenv("NETSTACK4J_OUTER_NETNS");
        if (outer != null && outer.equals(Long.toString(own))) {
            throw new IllegalStateException("network namespace " + own + " is the launcher's own: unshare did not happen");
        }
        long init = namespaceOf(Path.of("/proc/1/ns/net"));
        if (init == own) {
            throw new IllegalStateException("network namespace " + own + " is PID 1's");
        }
        bringLoopbackUp();
        return ConditionEvaluationResult.enabled("private network namespace " + own);
    }

    private static ConditionEvaluationResult disabled(ExtensionContext context, String reason) {
        System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** Inode number of this process's network namespace. */
    static long ownNamespace() {
        long n = namespaceOf(Path.of("/proc/self/ns/net"));
        if (n < 0) {
            throw new IllegalStateException("cannot read /proc/self/ns/net");
        }
        return n;
    }

    /** The inode of a namespace file, or -1 when it cannot be read (e.g. PID 1's without ptrace rights). */
    static long namespaceOf(Path nsFile) {
        try {
            String link = Files.readSymbolicLink(nsFile).toString(); // "net:[4026532177]"
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static synchronized void bringLoopbackUp() {
        if (loopbackUp) {
            return;
        }
        try {
            InterfaceControl.setUp("lo", true);
            loopbackUp = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bring lo up in the private namespace", e);
        }
    }
}
