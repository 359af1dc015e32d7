package dev.osc.engine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a server log, to put into an error message so that nobody has to go and find the file. */
final class LogTail {
    private static final int MAX_LINES = 15;
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The lines written since {@code offset}: the [ERROR] lines if there are any (they say why),
     * otherwise the last few lines.
     */
    static String since(Path file, long offset) {
        List<String> lines = read(file, offset).lines().filter(l -> !l.isBlank()).toList();
        List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]")).toList();
        List<String> chosen = errors.isEmpty() ? lines : errors;
        List<String> tail = chosen.subList(Math.max(0, chosen.size() - MAX_LINES), chosen.size());
        return tail.isEmpty() ? "(" + file + " is empty)" : String.join("\n", tail);
    }

    private static String read(Path file, long offset) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long start = Math.max(offset, channel.size() - MAX_BYTES);
            channel.position(Math.max(0, start));
            try (InputStream in = Channels.newInputStream(channel)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
