package org.netstack4j.tun.linux;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test creates devices, addresses or routes: it runs only as root inside the private network
 * namespace the test launcher made ({@code src/test/netns-jvm/bin/java}), and is skipped with the
 * printed reason when that is not possible. The loopback interface of that namespace is up.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrivateNetns.class)
public @interface RequiresNetAdmin {
}
