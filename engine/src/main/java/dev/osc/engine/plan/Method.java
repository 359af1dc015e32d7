package dev.osc.engine.plan;

/** How osc carries out a change. */
public enum Method {
    /** The server applies it instantly (ALGORITHM=INSTANT, confirmed on an empty copy): one short statement. */
    INSTANT,
    /** Shadow-table copy following the binlog, checksum and atomic swap. */
    COPY,
    /** The table already has the schema the ALTER would produce: nothing to do. */
    ALREADY_APPLIED,
    /** A blocker stops the change; see the findings. */
    BLOCKED
}
