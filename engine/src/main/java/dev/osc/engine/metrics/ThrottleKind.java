package dev.osc.engine.metrics;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kind of a throttle reason. Reasons carry figures ("replica lag 3.2s on db2:3306 > 1s"), so
 * metrics label them by kind to keep the number of series fixed.
 */
public enum ThrottleKind {
    REPLICA_LAG("replica lag"),
    THREADS_RUNNING("threads running"),
    FLAG_FILE("flag file"),
    PAUSED("paused"),
    APPLY_BEHIND("apply behind"),
    OTHER("other");

    private final String label;

    ThrottleKind(String label) {
        this.label = label;
    }

    /** The label value in metrics, such as {@code replica lag}. */
    public String label() {
        return label;
    }

    /**
     * The kinds named in a throttle reason. The throttler joins the reasons of several signals with
     * "; ", and each reason starts with what it is about ("replica lag 3s on r1 > 1s", "threads
     * running 40 > 25", "flag file /x exists", "paused by an operator", "threads-running unknown:
     * ..."): the start decides, so that a path or a message further on cannot.
     */
    public static Set<ThrottleKind> in(String reasons) {
        Set<ThrottleKind> kinds = EnumSet.noneOf(ThrottleKind.class);
        if (reasons != null) {
            for (String reason : reasons.split(";")) {
                if (!reason.isBlank()) {
                    kinds.add(of(reason));
                }
            }
        }
        return Collections.unmodifiableSet(kinds);
    }

    /** The kind of one reason; {@link #OTHER} when its first words name none. */
    public static ThrottleKind of(String reason) {
        String r = reason.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
        if (r.startsWith("replica") || r.startsWith("slave") || r.startsWith("lag")) {
            return REPLICA_LAG;
        }
        if (r.startsWith("threads running")) {
            return THREADS_RUNNING;
        }
        if (r.startsWith("flag")) {
            return FLAG_FILE;
        }
        if (r.startsWith("pause")) {
            return PAUSED;
        }
        if (r.startsWith("apply") || r.startsWith("binlog") || r.startsWith("changes")) {
            return APPLY_BEHIND;
        }
        return OTHER;
    }
}
