package dev.osc.engine.state;

import dev.osc.engine.OscException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateSchemaTest {

    @Test
    void acceptsPlainNames() {
        assertEquals("_osc", StateSchema.defaultSchema().name());
        assertEquals("osc_state$2", new StateSchema("osc_state$2").name());
        assertEquals("`_osc`.`migrations`", StateSchema.defaultSchema().migrations());
        assertEquals("`_osc`.`control`", StateSchema.defaultSchema().control());
    }

    @Test
    void refusesNamesThatNeedQuotingOrBelongToTheServer() {
        for (String bad : new String[] {"", " ", "a b", "x`y", "d.t", "é", "a".repeat(65), "mysql", "SYS",
                "information_schema", "performance_schema"}) {
            OscException e = assertThrows(OscException.class, () -> new StateSchema(bad), bad);
            assertEquals(OscException.Kind.BAD_INPUT, e.kind(), bad);
            assertTrue(e.getMessage().contains("--state-schema"), e.getMessage());
        }
        assertThrows(OscException.class, () -> new StateSchema(null));
    }
}
