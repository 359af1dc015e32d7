package dev.osc.engine.control;

/**
 * One request an operator sent to a running migration, from any host with database access
 * ({@code osc pause}, {@code osc set threads=4}, ...).
 *
 * @param id       unique, increasing; the acknowledgement names it
 * @param command  {@code pause}, {@code resume}, {@code set}, {@code cutover} or {@code abort}
 * @param argument for {@code set}: {@code name=value}; otherwise empty
 */
public record ControlRequest(long id, String command, String argument) {
    public static final String PAUSE = "pause";
    public static final String RESUME = "resume";
    public static final String SET = "set";
    public static final String CUTOVER = "cutover";
    public static final String ABORT = "abort";
}
