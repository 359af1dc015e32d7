package dev.osc.engine;

import java.time.Duration;
import java.util.List;

/**
 * Hears what a running migration does; the CLI renders it and metrics count it. Calls may come
 * from the migration's worker threads, so implementations must be thread-safe and quick.
 */
public interface MigrationListener {
    /** A new phase starts. */
    default void phase(Phase phase, String detail) {
    }

    /** A progress snapshot, about once a second while rows are copied or checked. */
    default void progress(Progress progress) {
    }

    /** Something the user should know that does not stop the migration. */
    default void notice(String message) {
    }

    /** One copy chunk committed. */
    default void chunkCopied(int rows, Duration took) {
    }

    /**
     * Changed rows re-applied to the shadow table in one transaction.
     *
     * @param lagSeconds seconds between the oldest of these changes' commits on the source and now
     *                   (binlog timestamps have whole-second resolution)
     */
    default void changesApplied(int rows, double lagSeconds) {
    }

    /** The throttle state changed: {@code reason} is empty when osc no longer holds back. */
    default void throttled(String reason) {
    }

    /** Checksum rows compared so far, of about {@code rowsTotal}. */
    default void checksumProgress(long rowsChecked, long rowsTotal) {
    }

    /** One cut-over attempt ended; {@code lockHeld} is how long application writes waited. */
    default void cutOverAttempt(int attempt, boolean swapped, Duration lockHeld) {
    }

    /** A control request (pause, set, ...) arrived and this is what the migration did. */
    default void controlled(String request, String acknowledgement) {
    }

    MigrationListener NONE = new MigrationListener() {
    };

    /** Every listener hears every event, in order. */
    static MigrationListener all(MigrationListener... listeners) {
        List<MigrationListener> ls = List.of(listeners);
        return new MigrationListener() {
            @Override public void phase(Phase p, String d) { ls.forEach(l -> l.phase(p, d)); }
            @Override public void progress(Progress p) { ls.forEach(l -> l.progress(p)); }
            @Override public void notice(String m) { ls.forEach(l -> l.notice(m)); }
            @Override public void chunkCopied(int r, Duration t) { ls.forEach(l -> l.chunkCopied(r, t)); }
            @Override public void changesApplied(int r, double lag) { ls.forEach(l -> l.changesApplied(r, lag)); }
            @Override public void throttled(String r) { ls.forEach(l -> l.throttled(r)); }
            @Override public void checksumProgress(long c, long t) { ls.forEach(l -> l.checksumProgress(c, t)); }
            @Override public void cutOverAttempt(int a, boolean s, Duration h) { ls.forEach(l -> l.cutOverAttempt(a, s, h)); }
            @Override public void controlled(String r, String a) { ls.forEach(l -> l.controlled(r, a)); }
        };
    }
}
