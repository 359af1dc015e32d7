package dev.osc.engine.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.osc.engine.Plan;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.inspect.Column;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plan as JSON, with stable field names; programs read it from osc plan and from the state schema. */
public final class PlanJson {
    private PlanJson() {
    }

    /** The plan as indented JSON: what osc plan --format json prints and the state schema keeps. */
    public static String json(Plan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", plan.database());
        m.put("table", plan.table());
        m.put("canRun", plan.blockers().isEmpty());
        m.put("alreadyApplied", plan.alreadyApplied());
        m.put("method", plan.method().name().toLowerCase(Locale.ROOT));
        m.put("methodReason", plan.methodReason());
        if (plan.names() != null) {
            m.put("shadowTable", plan.names().shadow());
            m.put("oldTable", plan.names().old());
        }
        m.put("columns", plan.mapping() == null ? null : columns(plan.mapping()));
        m.put("estimates", plan.estimates() == null ? null : estimates(plan.estimates()));
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Finding f : plan.findings()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("code", f.code());
            fm.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            fm.put("message", f.message());
            fm.put("count", f.count() < 0 ? null : f.count());
            fm.put("examples", f.examples());
            findings.add(fm);
        }
        m.put("findings", findings);
        m.put("statements", plan.statements());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> columns(ColumnMapping mapping) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ColumnMapping.Pair p : mapping.copied()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", p.source().name());
            c.put("action", p.converted() ? "converted" : p.renamed() ? "renamed" : "copied");
            c.put("newName", p.target().name());
            c.put("fromType", p.source().columnType());
            c.put("toType", p.target().columnType());
            out.add(c);
        }
        for (Column d : mapping.dropped()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", d.name());
            c.put("action", "dropped");
            c.put("fromType", d.columnType());
            out.add(c);
        }
        for (Column a : mapping.added()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", a.name());
            c.put("action", "added");
            c.put("toType", a.columnType());
            c.put("generated", a.generated());
            c.put("default", a.defaultValue());
            out.add(c);
        }
        return out;
    }

    private static Map<String, Object> estimates(Estimates e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", e.rows());
        m.put("dataBytes", e.dataBytes());
        m.put("indexBytes", e.indexBytes());
        m.put("extraDiskBytes", e.extraDiskBytes());
        m.put("sampleRows", e.sampleRows());
        m.put("sampleMillis", e.sampleMillis());
        m.put("rowsPerSecond", Math.round(e.rowsPerSecond()));
        m.put("copySeconds", e.copySeconds() < 0 ? null : Math.round(e.copySeconds() * 1000) / 1000.0);
        return m;
    }
}
