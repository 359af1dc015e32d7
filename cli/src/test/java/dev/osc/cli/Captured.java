package dev.osc.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one osc command in this JVM with what it prints captured: the CLI tests' way to call the
 * command line. It swaps System.out and System.err while the command runs, so commands run one
 * at a time.
 */
public final class Captured {
    private Captured() {
    }

    /** What one command printed, and its exit code. */
    public record Outcome(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    public static synchronized Outcome run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    public static synchronized Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = OscCommand.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }
}
