package org.netstack4j.tun.windows;

import java.io.FileNotFoundException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds wintun.dll: the path the user gave, else the application directory. Never the {@code PATH}
 * or the working directory: a DLL loaded into an elevated process from a writable search location is
 * a privilege-escalation vector (DLL planting).
 */
final class WintunLibraryLocator {
    static final String DLL_NAME = "wintun.dll";

    private WintunLibraryLocator() {}

    /**
     * @param explicit   a file, or a directory holding {@value #DLL_NAME}; when given, it is the only
     *                   place looked at
     * @param appDirs    the application directories, in order
     * @param arch       the Windows architecture name of this JVM ({@code amd64}, {@code arm64}, {@code x86})
     * @return the first candidate that is a regular file
     * @throws FileNotFoundException naming every place tried
     */
    static Path locate(Path explicit, List<Path> appDirs, String arch) throws FileNotFoundException {
        List<Path> candidates = new ArrayList<>();
        if (explicit != null) {
            candidates.add(Files.isDirectory(explicit) ? explicit.resolve(DLL_NAME) : explicit);
        } else {
            for (Path dir : appDirs) {
                candidates.add(dir.resolve(DLL_NAME));
                candidates.add(dir.resolve(arch).resolve(DLL_NAME));
                // The layout of the official wintun zip extracted next to the application.
                candidates.add(dir.resolve("wintun").resolve("bin").resolve(arch).resolve(DLL_NAME));
            }
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new FileNotFoundException(DLL_NAME + " not found; looked at " + candidates
                + (explicit == null ? " (set the library path option, or put it in the application directory)" : ""));
    }

    /**
     * The application directories: the launcher's directory of a jpackage-built application, then
     * the directory holding netstack4j's own jar (or classes).
     */
    static List<Path> applicationDirectories() {
        List<Path> dirs = new ArrayList<>();
        String appPath = System.getProperty("jpackage.app-path");
        if (appPath != null && !appPath.isEmpty()) {
            Path parent = Path.of(appPath).toAbsolutePath().getParent();
            if (parent != null) {
                dirs.add(parent);
            }
        }
        CodeSource source = WintunLibraryLocator.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                Path location = Path.of(source.getLocation().toURI());
                Path dir = Files.isDirectory(location) ? location : location.getParent();
                if (dir != null && !dirs.contains(dir)) {
                    dirs.add(dir);
                }
            } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
                // Not a file location (e.g. a custom class loader): no directory to offer.
            }
        }
        return dirs;
    }

    /** The name wintun's distribution uses for the architecture {@code os.arch} reports. */
    static String windowsArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            case "arm" -> "arm";
            default -> osArch;
        };
    }
}
