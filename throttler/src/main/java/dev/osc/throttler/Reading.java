package dev.osc.throttler;

/**
 * What one {@link Signal} says at one moment.
 *
 * @param level  whether to go on, hold back, or (when it persists) give up
 * @param reason why, in words an operator understands, such as "replica lag 3.2s on db2:3306 > 1s";
 *               empty when {@code level} is {@link Level#OK}
 */
public record Reading(Level level, String reason) {

    public enum Level {
        OK,
        /** Hold back until the signal clears. */
        THROTTLE,
        /** Hold back; when this persists for several consecutive reads, abort the migration. */
        CRITICAL
    }

    public static final Reading OK = new Reading(Level.OK, "");

    public static Reading throttle(String reason) {
        return new Reading(Level.THROTTLE, reason);
    }

    public static Reading critical(String reason) {
        return new Reading(Level.CRITICAL, reason);
    }

    public boolean ok() {
        return level == Level.OK;
    }
}
