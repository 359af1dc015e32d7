package dev.osc.cli;

/** The exit codes of every osc command, documented in --help and the README. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int SERVER = 3;

    static final String HELP = "  0  done, or already applied (for a dry run: the change can run)%n"
            + "  1  the migration failed or was aborted; the original table is intact%n"
            + "  2  bad input or a refused change; nothing was changed%n"
            + "  3  server or connection problem (settings, privileges, unreachable, wrong password); nothing was changed%n";

    static final String PLAN_HELP = "  0  the change can run (warnings may need --accept)%n"
            + "  2  a blocker refuses the change, or bad input%n"
            + "  3  server or connection problem (settings, privileges, unreachable, wrong password)%n";

    private ExitCodes() {
    }
}
