package org.netstack4j.tun;

import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.List;

/**
 * What to open, in terms every platform understands: an interface name (or none, for the platform's
 * choice) and string options, each prefixed with the provider it is for ({@code wintun.library},
 * {@code utun.}...). A provider ignores other providers' options, so one request can serve every
 * platform the application runs on; it rejects unknown options of its own prefix.
 *
 * @param name    the interface name ({@code utun5}, the Wintun adapter name, {@code tun0}), or
 *                {@code null} to let the platform choose where it can
 * @param options provider-prefixed options (copied)
 */
public record TunDeviceRequest(String name, Map<String, String> options) {

    /** Copies the options. */
    public TunDeviceRequest {
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
    }

    /** A request for {@code name} (or the platform's choice when null) without options. */
    public static TunDeviceRequest named(String name) {
        return new TunDeviceRequest(name, Map.of());
    }

    /** This request with one more option. */
    public TunDeviceRequest with(String key, String value) {
        Map<String, String> copy = new HashMap<>(options);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TunDeviceRequest(name, copy);
    }

    /** The option's value, or {@code defaultValue}. */
    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    /**
     * Fails on any option starting with {@code prefix} that is not in {@code known}: a typo in an
     * option must not silently fall back to a default.
     */
    public void requireKnownOptions(String prefix, String... known) {
        List<String> knownKeys = List.of(known);
        for (String key : options.keySet()) {
            if (key.startsWith(prefix) && !knownKeys.contains(key)) {
                throw new IllegalArgumentException("unknown option " + key + "; known: " + String.join(", ", known));
            }
        }
    }
}
