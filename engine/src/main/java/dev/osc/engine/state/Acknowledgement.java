package dev.osc.engine.state;

import java.time.Instant;

/**
 * A running migration's answer to one control request.
 *
 * @param accepted false when the migration refused it, or when the sender withdrew it unanswered
 * @param message  what the migration did or why it refused, e.g. "paused" or "threads 2 -> 4"
 */
public record Acknowledgement(long requestId, String command, String argument, boolean accepted, String message,
                              Instant acknowledgedAt) {
}
