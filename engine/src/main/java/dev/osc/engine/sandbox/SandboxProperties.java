package dev.osc.engine.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/** The sandbox.properties file: how a later process (another JVM, another osc command) finds a running sandbox. */
record SandboxProperties(int port, long pid, Path dataDir) {

    static Optional<SandboxProperties> read(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SandboxException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(new SandboxProperties(
                    Integer.parseInt(p.getProperty("port", "").trim()),
                    Long.parseLong(p.getProperty("pid", "").trim()),
                    Path.of(p.getProperty("datadir", "").trim())));
        } catch (RuntimeException e) {
            return Optional.empty(); // a damaged file describes no server we could manage
        }
    }

    /** Writes through a temporary file so that a reader never sees half a file. */
    void write(Path file) {
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(port));
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("datadir", dataDir.toString());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "osc sandbox MariaDB server");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
