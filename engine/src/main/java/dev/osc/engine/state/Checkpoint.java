package dev.osc.engine.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a running migration stands, saved every few seconds so that a run started after a crash
 * goes on from here. Together with the binlog position saved next to it, it promises: every row
 * whose key is at most {@code copiedUpTo} is in the shadow table with every change committed
 * before that position. The copy goes on above it; the binlog is followed again from the position.
 *
 * @param copyDone        the whole table is copied ({@code copiedUpTo} is then empty)
 * @param copiedUpTo      the highest key of the copied prefix, as {@link dev.osc.engine.key.PrimaryKey#encode}
 *                        gives it; empty and {@code !copyDone}: nothing copied yet
 * @param rowsCopied      rows copied up to it, to say how much a resume skips
 * @param sourceDefinition a hash of the source table's definition when the run started
 * @param shadowDefinition a hash of the shadow table's definition as the run made it
 */
public record Checkpoint(boolean copyDone, List<String> copiedUpTo, long rowsCopied, String sourceDefinition,
                         String shadowDefinition) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Checkpoint {
        copiedUpTo = copiedUpTo == null ? List.of() : List.copyOf(copiedUpTo);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("copyDone", copyDone);
        ArrayNode key = o.putArray("copiedUpTo");
        copiedUpTo.forEach(key::add);
        o.put("rowsCopied", rowsCopied);
        o.put("sourceDefinition", sourceDefinition);
        o.put("shadowDefinition", shadowDefinition);
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty when the text is not a checkpoint this osc wrote. */
    public static Optional<Checkpoint> fromJson(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode o = JSON.readTree(text);
            List<String> key = new ArrayList<>();
            o.path("copiedUpTo").forEach(n -> key.add(n.asText()));
            if (!o.has("copyDone") || !o.has("sourceDefinition") || !o.has("shadowDefinition")) {
                return Optional.empty();
            }
            return Optional.of(new Checkpoint(o.get("copyDone").asBoolean(), key, o.path("rowsCopied").asLong(),
                    o.get("sourceDefinition").asText(), o.get("shadowDefinition").asText()));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
