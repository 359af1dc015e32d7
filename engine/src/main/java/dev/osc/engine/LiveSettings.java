package dev.osc.engine;

import dev.osc.engine.control.Setting;

import java.time.Duration;

/**
 * The settings an operator may change while a migration runs ({@code osc set}). Everything else
 * in {@link MigrationConfig} is fixed for the run; these start from it and are read by the copy
 * workers and throttle signals at each step, so a change takes effect at the next chunk or read.
 */
public final class LiveSettings {
    private volatile int threads;
    private volatile Duration chunkTime;
    private volatile Duration maxLag;
    private volatile int maxThreadsRunning;
    private volatile int criticalThreadsRunning;

    public LiveSettings(MigrationConfig config) {
        threads = config.threads();
        chunkTime = config.chunkTime();
        maxLag = config.maxLag();
        maxThreadsRunning = config.maxThreadsRunning();
        criticalThreadsRunning = config.criticalThreadsRunning();
    }

    /** Copy workers; {@link MigrationConfig#AUTO_THREADS} until the run has chosen them. */
    public int threads() { return threads; }

    /** Sets the copy workers osc chose, unless an operator has set them already. */
    public synchronized void chooseThreads(int chosen) {
        if (threads == MigrationConfig.AUTO_THREADS) {
            threads = chosen;
        }
    }
    public Duration chunkTime() { return chunkTime; }
    public Duration maxLag() { return maxLag; }
    public int maxThreadsRunning() { return maxThreadsRunning; }
    public int criticalThreadsRunning() { return criticalThreadsRunning; }

    public Object get(Setting s) {
        return switch (s) {
            case THREADS -> threads;
            case CHUNK_TIME -> chunkTime;
            case MAX_LAG -> maxLag;
            case MAX_THREADS_RUNNING -> maxThreadsRunning;
            case CRITICAL_THREADS_RUNNING -> criticalThreadsRunning;
        };
    }

    /**
     * Changes one setting to a value made by {@link Setting#parse}.
     *
     * @return what changed, e.g. {@code threads 2 -> 4}
     */
    public synchronized String set(Setting s, Object value) {
        String before = s.format(get(s));
        switch (s) {
            case THREADS -> threads = (Integer) value;
            case CHUNK_TIME -> chunkTime = (Duration) value;
            case MAX_LAG -> maxLag = (Duration) value;
            case MAX_THREADS_RUNNING -> maxThreadsRunning = (Integer) value;
            case CRITICAL_THREADS_RUNNING -> criticalThreadsRunning = (Integer) value;
        }
        return s.key() + " " + before + " -> " + s.format(get(s));
    }

    /** Every setting as {@code name=value}, for the state record. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Setting s : Setting.values()) {
            b.append(b.length() == 0 ? "" : " ").append(s.key()).append('=').append(s.format(get(s)));
        }
        return b.toString();
    }
}
