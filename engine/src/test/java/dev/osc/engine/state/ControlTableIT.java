package dev.osc.engine.state;

import dev.osc.engine.control.ControlChannel;
import dev.osc.engine.control.ControlRequest;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServerExtension.class)
class ControlTableIT {
    private final TestServer server;

    ControlTableIT(TestServer server) {
        this.server = server;
    }

    @Test
    void requestIsSeenAnsweredAndAwaited() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_ctl");
        try (StateStore store = new StateStore(StateFixture.config(server), schema);
             ControlTable control = new ControlTable(StateFixture.config(server), schema)) {
            long id = store.begin(StateFixture.start("app", "t"));
            long other = store.begin(StateFixture.start("app", "u"));
            ControlChannel channel = control.channel(id);

            long pause = control.request(id, ControlRequest.PAUSE, null, "ops@bastion:42");
            long set = control.request(id, ControlRequest.SET, "threads=4", "ops@bastion:42");
            control.request(other, ControlRequest.ABORT, "", "ops@bastion:42");

            assertEquals(List.of(new ControlRequest(pause, "pause", ""), new ControlRequest(set, "set", "threads=4")),
                    channel.pending(), "this migration's requests, oldest first, and no other's");
            assertTrue(control.acknowledgement(pause).isEmpty());
            assertEquals("ops@bastion:42", StateFixture.stringValue(server, "SELECT requested_by FROM " + schema.control()
                    + " WHERE id = ?", pause));

            channel.acknowledge(pause, true, "paused");
            channel.acknowledge(set, false, "threads is already 4");

            Acknowledgement paused = control.awaitAcknowledgement(pause, Duration.ofSeconds(5)).orElseThrow();
            assertEquals(new Acknowledgement(pause, "pause", "", true, "paused", paused.acknowledgedAt()), paused);
            Acknowledgement refused = control.awaitAcknowledgement(set, Duration.ofSeconds(5)).orElseThrow();
            assertFalse(refused.accepted());
            assertEquals("threads is already 4", refused.message());
            assertTrue(channel.pending().isEmpty());
            assertEquals(1, control.channel(other).pending().size());

            // a second answer does not overwrite the first
            channel.acknowledge(pause, false, "changed my mind");
            assertTrue(control.acknowledgement(pause).orElseThrow().accepted());
        }
    }

    @Test
    void awaitingAnUnansweredRequestTimesOutAndWithdrawingItKeepsItFromTheMigration() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_ctl_to");
        try (StateStore store = new StateStore(StateFixture.config(server), schema);
             ControlTable control = new ControlTable(StateFixture.config(server), schema)) {
            long id = store.begin(StateFixture.start("app", "t"));
            long cutover = control.request(id, ControlRequest.CUTOVER, "", "ops");

            long t0 = System.nanoTime();
            Optional<Acknowledgement> none = control.awaitAcknowledgement(cutover, Duration.ofMillis(700));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(none.isEmpty());
            assertTrue(waitedMs >= 650 && waitedMs < 5_000, "waited " + waitedMs + "ms");

            assertTrue(control.withdraw(cutover, "withdrawn: no answer within 0.7s"));
            assertTrue(control.channel(id).pending().isEmpty());
            control.channel(id).acknowledge(cutover, true, "cutting over");
            Acknowledgement withdrawn = control.acknowledgement(cutover).orElseThrow();
            assertFalse(withdrawn.accepted());
            assertEquals("withdrawn: no answer within 0.7s", withdrawn.message());

            long abort = control.request(id, ControlRequest.ABORT, "", "ops");
            control.channel(id).acknowledge(abort, true, "aborting");
            assertFalse(control.withdraw(abort, "too late"), "an answered request cannot be withdrawn");
            assertTrue(control.acknowledgement(abort).orElseThrow().accepted());
        }
    }

    @Test
    void malformedRequestsAreRefusedBeforeTheyAreQueued() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_ctl_bad");
        try (StateStore store = new StateStore(StateFixture.config(server), schema);
             ControlTable control = new ControlTable(StateFixture.config(server), schema)) {
            long id = store.begin(StateFixture.start("app", "t"));
            assertThrows(IllegalArgumentException.class, () -> control.request(id, "explode", "", "ops"));
            assertThrows(IllegalArgumentException.class, () -> control.request(id, ControlRequest.SET, "bogus=1", "ops"));
            assertThrows(IllegalArgumentException.class, () -> control.request(id, ControlRequest.SET, "threads=abc", "ops"));
            assertThrows(IllegalArgumentException.class, () -> control.request(id, ControlRequest.SET, "threads", "ops"));
            assertEquals(0, StateFixture.number(server, "SELECT COUNT(*) FROM " + schema.control()));
        }
    }
}
