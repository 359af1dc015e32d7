package dev.osc.throttler.signal;

import dev.osc.throttler.Reading;
import dev.osc.throttler.Signal;

import java.nio.file.Files;
import java.nio.file.Path;

/** Throttles while a file exists ({@code --throttle-file}): touch it to hold osc back, remove it to go on. */
public final class FlagFile implements Signal {
    private final Path file;

    public FlagFile(Path file) {
        this.file = file;
    }

    @Override
    public Reading read() {
        return Files.exists(file) ? Reading.throttle("flag file " + file + " exists") : Reading.OK;
    }

    @Override
    public String name() {
        return "flag-file";
    }
}
