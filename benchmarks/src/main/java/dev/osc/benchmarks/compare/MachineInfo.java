package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the figures were measured on: cores, memory, OS, Java. */
final class MachineInfo {
    private MachineInfo() {
    }

    static String machine() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").map(m -> ", " + m).orElse("");
        String ram = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format(Locale.ROOT, ", %.1f GiB RAM", Long.parseLong(v.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                .orElse("");
        return Runtime.getRuntime().availableProcessors() + " cores" + cpu + ram;
    }

    static String os() {
        String name = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name"));
        return name + ", kernel " + System.getProperty("os.version");
    }

    static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
    }

    /** The value of the first "key: value" or "key=value" line of a /proc or /etc file. */
    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int sep = line.indexOf(line.contains(":") && !line.startsWith(key + "=") ? ':' : '=');
                if (sep > 0 && line.substring(0, sep).trim().equals(key)) {
                    return java.util.Optional.of(line.substring(sep + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: leave it out
        }
        return java.util.Optional.empty();
    }
}
