package dev.osc.cli;

/** The exit codes of every osc command, documented in --help and the README. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int SERVER = 3;
    /** A control command's request was refused by the migration; the same code as a failed migration. */
    public static final int REFUSED = 1;
    /** A control command's request got no acknowledgement within --timeout. */
    public static final int NO_ANSWER = 4;
    /** osc wait gave up before the migration ended. */
    public static final int TIMEOUT = 4;
    /** osc run --if-running fail: another run is migrating the table. */
    public static final int BUSY = 5;

    static final String HELP = "  0  done, or already applied (for a dry run: the change can run)%n"
            + "  1  the migration failed or was aborted; the original table is intact%n"
            + "  2  bad input or a refused change; nothing was changed%n"
            + "  3  server or connection problem (settings, privileges, unreachable, wrong password); nothing was changed%n"
            + "  5  run --if-running fail: another osc run is migrating the table; nothing was changed%n"
            + "  pause, resume, set, cutover and abort: 0 accepted, 1 refused by the migration, 2 bad input or no migration%n"
            + "  running on the table, 3 server or connection problem, 4 no acknowledgement within --timeout%n"
            + "  wait: 0 the last migration succeeded (or none was recorded), 1 it failed,%n"
            + "  was aborted or its process died, 4 still pending or running at --timeout%n"
            + "  status and cleanup: 0 done (see each command's --help)%n";

    public static final String CONTROL_HELP = "  0  the migration acknowledged the request and accepted it%n"
            + "  1  the migration refused the request; its reason is printed%n"
            + "  2  bad input, or no migration is running on that table (a run whose osc stopped updating is named)%n"
            + "  3  server or connection problem (unreachable, wrong password, privileges on the state schema)%n"
            + "  4  no acknowledgement within --timeout: the migration may be stuck; the request was withdrawn,%n"
            + "     so it will not act on it later%n";

    public static final String STATUS_HELP = "  0  listed (also when no migration is recorded)%n"
            + "  2  bad input%n"
            + "  3  server or connection problem (unreachable, wrong password,%n"
            + "     privileges on the state schema)%n";

    public static final String WAIT_HELP = "  0  the last migration of the table succeeded, or none was ever%n"
            + "     recorded (without --require-migration)%n"
            + "  1  the last migration failed or was aborted (its error is printed),%n"
            + "     or its process died before it completed (a stale record) and%n"
            + "     no later run succeeded%n"
            + "  2  bad input%n"
            + "  3  server or connection problem (unreachable, wrong password,%n"
            + "     privileges on the state schema)%n"
            + "  4  timed out: a migration was still pending or running (or, with%n"
            + "     --require-migration, none was recorded yet); what it was%n"
            + "     waiting for is printed%n";

    public static final String CLEANUP_HELP = "  0  done, or a dry run (also when tables were kept or none was found)%n"
            + "  2  bad input (--table without --database, a database that does not%n"
            + "     exist); nothing was dropped%n"
            + "  3  server or connection problem (unreachable, wrong password,%n"
            + "     missing DROP privilege or SELECT on the state schema)%n";

    static final String PLAN_HELP = "  0  the change can run (warnings may need --accept)%n"
            + "  2  a blocker refuses the change, or bad input%n"
            + "  3  server or connection problem (settings, privileges, unreachable, wrong password)%n";

    private ExitCodes() {
    }
}
