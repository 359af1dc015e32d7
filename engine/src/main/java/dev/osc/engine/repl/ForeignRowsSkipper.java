package dev.osc.engine.repl;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * Decodes a row event only when it belongs to a table osc follows; for any other table it reads
 * the table id and leaves the rest of the event unread (the deserializer skips to the event's
 * end). The binlog also carries osc's own copy into the shadow table, row by row: decoding those
 * rows only to drop them cost the osc process most of its CPU during the copy, on the machine
 * the database server shares.
 */
final class ForeignRowsSkipper implements EventDataDeserializer<EventData> {
    private final EventDataDeserializer<? extends EventData> inner;
    private final LongPredicate followed;
    private final LongFunction<EventData> empty;

    private ForeignRowsSkipper(EventDataDeserializer<? extends EventData> inner, LongPredicate followed,
                               LongFunction<EventData> empty) {
        this.inner = inner;
        this.followed = followed;
        this.empty = empty;
    }

    @Override
    public EventData deserialize(ByteArrayInputStream in) throws IOException {
        // the stream is limited to this event's body; take it whole, so that the table id can be
        // looked at before the real decoder reads from the start
        byte[] body = in.read(in.available());
        long tableId = 0;
        for (int i = 5; i >= 0; i--) {
            tableId = (tableId << 8) | (body[i] & 0xFF);
        }
        return followed.test(tableId) ? inner.deserialize(new ByteArrayInputStream(body)) : empty.apply(tableId);
    }

    static ForeignRowsSkipper writes(EventDataDeserializer<? extends EventData> inner, LongPredicate followed) {
        return new ForeignRowsSkipper(inner, followed, id -> {
            WriteRowsEventData d = new WriteRowsEventData();
            d.setTableId(id);
            d.setRows(List.of());
            return d;
        });
    }

    static ForeignRowsSkipper updates(EventDataDeserializer<? extends EventData> inner, LongPredicate followed) {
        return new ForeignRowsSkipper(inner, followed, id -> {
            UpdateRowsEventData d = new UpdateRowsEventData();
            d.setTableId(id);
            d.setRows(List.of());
            return d;
        });
    }

    static ForeignRowsSkipper deletes(EventDataDeserializer<? extends EventData> inner, LongPredicate followed) {
        return new ForeignRowsSkipper(inner, followed, id -> {
            DeleteRowsEventData d = new DeleteRowsEventData();
            d.setTableId(id);
            d.setRows(List.of());
            return d;
        });
    }
}
