package dev.osc.benchmarks.compare;

import java.util.Optional;

/**
 * One contender in one mode.
 *
 * @param wallSeconds the migration's wall time, or null when it did not run
 * @param load        what the load saw, or null when idle
 * @param check       the verification of the result table ("ok: ..." or "FAILED: ..."), or null
 * @param error       why the contender failed or did not run ("not installed"), or null
 */
record Outcome(Contender contender, boolean underLoad, Double wallSeconds, Optional<Contender.Heap> heap, LoadSummary load,
               String check, String error) {

    static Outcome notRun(Contender contender, boolean underLoad, String why) {
        return new Outcome(contender, underLoad, null, Optional.empty(), null, null, why);
    }
}
