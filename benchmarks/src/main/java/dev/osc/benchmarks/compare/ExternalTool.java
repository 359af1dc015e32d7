package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A program the comparison may use (sysbench, pt-online-schema-change): where it is and its version. */
record ExternalTool(String name, Optional<Path> path) {

    static ExternalTool find(String name) {
        String pathVar = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVar.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new ExternalTool(name, Optional.of(candidate));
            }
        }
        return new ExternalTool(name, Optional.empty());
    }

    boolean installed() {
        return path.isPresent();
    }

    Path executable() {
        return path.orElseThrow(() -> new IllegalStateException(name + " is not installed"));
    }

    /** The first line of {@code <tool> --version}, or "not installed". */
    String version() {
        if (path.isEmpty()) {
            return "not installed";
        }
        try {
            Process p = new ProcessBuilder(List.of(path.get().toString(), "--version")).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            p.waitFor(30, TimeUnit.SECONDS);
            return out.isEmpty() ? "unknown version" : out.lines().findFirst().orElse(out);
        } catch (IOException e) {
            return "version unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }
}
