package dev.osc.engine;

import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.plan.Method;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Carries out a change the plan found the server can apply instantly: one statement, no copy. */
final class InstantChange {
    private final MigrationConfig config;
    private final MigrationListener listener;
    private final BiConsumer<Phase, String> phases;

    InstantChange(MigrationConfig config, MigrationListener listener, BiConsumer<Phase, String> phases) {
        this.config = config;
        this.listener = listener;
        this.phases = phases;
    }

    /**
     * The one-statement path: ALTER ... ALGORITHM=INSTANT on the table itself, with a bounded wait
     * for its metadata lock and retries. Empty when the server turns INSTANT down for the real table
     * after all (MySQL limits instant changes per table); the copy path then runs.
     */
    Optional<MigrationResult> run(Connection main, Plan plan, long start) throws SQLException {
        phases.accept(Phase.CUT_OVER, "applying the change instantly (ALGORITHM=INSTANT)");
        long waitSeconds = Queries.setLockWaitTimeout(main, config.cutOverLockWait());
        String sql = "ALTER TABLE " + Sql.quote(config.database(), plan.source().name()) + " " + plan.alter().clauses()
                + ", ALGORITHM=INSTANT";
        SQLException last = null;
        for (int attempt = 1; attempt <= config.cutOverAttempts(); attempt++) {
            long t0 = System.nanoTime();
            try {
                Queries.exec(main, sql);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                phases.accept(Phase.DONE, plan.source().name() + " has the new schema (instant change, " + millis + " ms)");
                return Optional.of(new MigrationResult(plan, Method.INSTANT, true, 0, 0, Duration.ZERO,
                        Duration.ofNanos(System.nanoTime() - start), 0, 0, 0, attempt, millis, 0, null, 0));
            } catch (SQLException e) {
                if (e.getErrorCode() == 1845 || e.getErrorCode() == 1846) {
                    listener.notice("the server turned ALGORITHM=INSTANT down for the table itself (" + e.getMessage()
                            + "); copying instead");
                    return Optional.empty();
                }
                if (e.getErrorCode() != 1205) {
                    throw OscException.failed("the instant ALTER failed: " + e.getMessage() + "; the table is unchanged", e);
                }
                last = e;
                listener.notice("instant ALTER attempt " + attempt + " of " + config.cutOverAttempts()
                        + " could not get the table's lock within " + waitSeconds + " s; the table keeps serving");
                try {
                    Thread.sleep(config.cutOverBackoff().toMillis() << Math.min(attempt - 1, 6));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw OscException.failed("interrupted; the table is unchanged", ie);
                }
            }
        }
        throw OscException.failed("the instant ALTER could not get the table's lock in " + config.cutOverAttempts()
                + " attempts (" + last.getMessage() + "); the table is unchanged. Find what holds it (long transactions)"
                + " and run again", last);
    }
}
