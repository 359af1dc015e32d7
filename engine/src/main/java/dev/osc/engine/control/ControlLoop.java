package dev.osc.engine.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Polls a {@link ControlChannel} on its own thread, so that requests are answered even while the
 * migration's own threads wait on a lock or a long statement, and hands each request to the
 * migration. A lost connection to the state tables is logged and retried at the next poll: it
 * must not stop the migration it merely steers.
 */
public final class ControlLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlLoop.class);
    private final ControlChannel channel;
    private final Controllable target;
    private final BiConsumer<String, String> onAnswer;
    private final ScheduledExecutorService poller;
    private final Set<Long> handled = new HashSet<>();
    private final List<Long> abortRequests = new ArrayList<>();

    /** @param onAnswer hears each request (as typed) and the answer, for logs and metrics */
    public ControlLoop(ControlChannel channel, Controllable target, BiConsumer<String, String> onAnswer) {
        this.channel = channel;
        this.target = target;
        this.onAnswer = onAnswer;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osc-control");
            t.setDaemon(true);
            return t;
        });
    }

    public ControlLoop start(Duration interval) {
        poller.scheduleWithFixedDelay(this::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void pollSafely() {
        try {
            poll();
        } catch (Exception e) {
            log.warn("could not read control requests: {}", e.getMessage());
        }
    }

    /** Reads and answers the pending requests once; the background thread calls this. */
    public synchronized void poll() throws Exception {
        for (ControlRequest r : channel.pending()) {
            if (!handled.add(r.id())) {
                continue;
            }
            Controllable.Answer answer = answer(r);
            if (answer == null) {
                abortRequests.add(r.id());
                continue;
            }
            channel.acknowledge(r.id(), answer.accepted(), answer.message());
            onAnswer.accept(describe(r), (answer.accepted() ? "" : "refused: ") + answer.message());
        }
    }

    private Controllable.Answer answer(ControlRequest r) {
        try {
            return switch (r.command()) {
                case ControlRequest.PAUSE -> target.pause();
                case ControlRequest.RESUME -> target.resume();
                case ControlRequest.CUTOVER -> target.cutOver();
                case ControlRequest.ABORT -> target.abort();
                case ControlRequest.SET -> set(r.argument());
                default -> Controllable.Answer.refused("unknown request '" + r.command() + "'");
            };
        } catch (IllegalArgumentException e) {
            return Controllable.Answer.refused(e.getMessage());
        }
    }

    private Controllable.Answer set(String argument) {
        int eq = argument == null ? -1 : argument.indexOf('=');
        if (eq < 0) {
            return Controllable.Answer.refused("expected name=value, got '" + argument + "'");
        }
        Setting s = Setting.named(argument.substring(0, eq));
        return target.set(s, s.parse(argument.substring(eq + 1)));
    }

    private static String describe(ControlRequest r) {
        return r.command() + (r.argument() == null || r.argument().isEmpty() ? "" : " " + r.argument());
    }

    /** Answers the abort requests once the migration has stopped and cleaned up. */
    public synchronized void acknowledgeAbort(String message) {
        for (long id : abortRequests) {
            try {
                channel.acknowledge(id, true, message);
                onAnswer.accept("abort", message);
            } catch (Exception e) {
                log.warn("could not acknowledge abort request {}: {}", id, e.getMessage());
            }
        }
        abortRequests.clear();
    }

    /**
     * Stops polling. Requests that arrive too late are answered as refused, so their senders do
     * not wait for a migration that has ended.
     */
    public void close(String finalState) {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                for (ControlRequest r : channel.pending()) {
                    if (!handled.contains(r.id())) {
                        channel.acknowledge(r.id(), false, "the migration has already ended: " + finalState);
                    }
                }
            } catch (Exception e) {
                log.debug("could not answer late control requests", e);
            }
        }
    }

    @Override
    public void close() {
        close("stopped");
    }
}
