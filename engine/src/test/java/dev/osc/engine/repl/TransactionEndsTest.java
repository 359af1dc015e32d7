package dev.osc.engine.repl;

import dev.osc.engine.db.BinlogPosition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionEndsTest {
    private static BinlogPosition at(int file, long position) {
        return new BinlogPosition("binlog.00000" + file, position);
    }

    @Test
    void aPositionCountsWhereATransactionEndsInItsOwnFileAndInNoOther() {
        TransactionEnds ends = new TransactionEnds();
        ends.add(at(1, 1000));
        ends.add(at(1, 392812));
        ends.add(at(2, 339));
        ends.add(at(2, 1200));
        assertTrue(ends.isOnlyEndIn(at(2, 1200)));
        assertTrue(ends.isOnlyEndIn(at(1, 1000)));
        assertFalse(ends.isOnlyEndIn(at(2, 1100)), "no transaction ends there");
        assertFalse(ends.isOnlyEndIn(at(2, 392812)), "the old file's offset under the new file's name");
        ends.add(at(2, 392812));
        assertFalse(ends.isOnlyEndIn(at(2, 392812)), "an end in both files cannot tell which it is");
    }

    @Test
    void keepsTheLastFilesAndTheLastEndsOfEach() {
        TransactionEnds ends = new TransactionEnds();
        for (int f = 1; f <= TransactionEnds.FILES + 1; f++) {
            ends.add(at(f, 500));
        }
        assertFalse(ends.isOnlyEndIn(at(2, 500)), "file 2's 500 is still remembered, so no file's 500 is unique");
        TransactionEnds one = new TransactionEnds();
        for (long p = 1; p <= TransactionEnds.PER_FILE + 10; p++) {
            one.add(at(1, p * 10));
        }
        assertFalse(one.isOnlyEndIn(at(1, 50)), "the oldest ends were dropped");
        assertTrue(one.isOnlyEndIn(at(1, (TransactionEnds.PER_FILE + 10) * 10L)));
        one.add(at(1, 70));
        assertFalse(one.isOnlyEndIn(at(1, 70)), "a position read again after a reconnect adds nothing");
    }
}
