package dev.osc.engine.plan;

/** How much a finding matters: a blocker stops the migration, a warning must be accepted by its code. */
public enum Severity {
    BLOCKER, WARNING, INFO
}
