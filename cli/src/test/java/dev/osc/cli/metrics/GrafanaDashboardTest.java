package dev.osc.cli.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.metrics.MigrationMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/grafana/osc.json against what osc really exports: a dashboard querying a misspelt metric
 * imports fine and shows "No data", so nothing else would notice.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "osc.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:osc|jvm)_[a-z0-9_]+\\b");

    private static JsonNode dashboard;
    private static List<JsonNode> panels;

    @BeforeAll
    static void load() throws Exception {
        dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        panels = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (!p.get("type").asText().equals("row")) {
                panels.add(p);
            }
        });
    }

    /** Every PromQL text in the dashboard: panel targets and variable queries. */
    private static List<String> queries() {
        List<String> out = new ArrayList<>();
        panels.forEach(p -> p.get("targets").forEach(t -> out.add(t.get("expr").asText())));
        dashboard.get("templating").get("list").forEach(v -> out.add(v.get("query").get("query").asText()));
        return out;
    }

    /** Sample names of a scrape of the registry osc serves, after every kind of event. */
    private static Set<String> exported() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0)) {
            MigrationMetrics m = server.migrationMetrics("shop", "orders");
            m.phase(Phase.COPY, "copying");
            m.progress(new Progress(Phase.COPY, 10, 100, 5, 1, 2, 0.5, Duration.ofSeconds(2), "", 1));
            m.chunkCopied(10, Duration.ofMillis(20));
            m.changesApplied(1, 0.2);
            m.throttled("replica lag 2s on r1 > 1s");
            m.checksumProgress(5, 100);
            m.cutOverAttempt(1, true, Duration.ofMillis(80));
            m.controlled("pause", "paused");
            Scrape s = Scrape.get(server.port(), MetricsServer.PATH);
            return s.samples().stream().map(Scrape.Sample::name).collect(Collectors.toSet());
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        Set<String> exported = exported();
        Set<String> queried = new TreeSet<>();
        for (String q : queries()) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                queried.add(m.group());
            }
        }
        assertTrue(queried.size() > 15, "the dashboard queries hardly anything: " + queried);
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "queried but not exported");
    }

    @Test
    void itImportsWithAPrometheusInputAndDatabaseAndTableVariables() {
        assertEquals(39, dashboard.get("schemaVersion").asInt());
        JsonNode input = dashboard.get("__inputs").get(0);
        assertEquals("DS_PROMETHEUS", input.get("name").asText());
        assertEquals("prometheus", input.get("pluginId").asText());
        List<String> variables = new ArrayList<>();
        dashboard.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertEquals(List.of("database", "table"), variables);
        for (JsonNode p : panels) {
            String title = p.get("title").asText();
            assertEquals("${DS_PROMETHEUS}", p.get("datasource").get("uid").asText(), title);
            assertFalse(p.get("targets").isEmpty(), title);
            p.get("targets").forEach(t -> {
                assertEquals("${DS_PROMETHEUS}", t.get("datasource").get("uid").asText(), title);
                String expr = t.get("expr").asText();
                // a query without the selectors would mix every migration Prometheus knows of
                assertTrue(expr.contains("database=~\"$database\"") && expr.contains("table=~\"$table\""),
                        title + ": " + expr);
            });
        }
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() {
        Set<Integer> ids = new HashSet<>();
        dashboard.get("panels").forEach(p -> assertTrue(ids.add(p.get("id").asInt()), "id " + p.get("id") + " twice"));
        List<JsonNode> all = new ArrayList<>();
        dashboard.get("panels").forEach(all::add);
        for (int i = 0; i < all.size(); i++) {
            JsonNode a = all.get(i).get("gridPos");
            assertTrue(a.get("w").asInt() > 0 && a.get("h").asInt() > 0
                    && a.get("x").asInt() + a.get("w").asInt() <= 24, all.get(i).get("title").asText());
            for (int j = i + 1; j < all.size(); j++) {
                JsonNode b = all.get(j).get("gridPos");
                boolean apart = a.get("x").asInt() + a.get("w").asInt() <= b.get("x").asInt()
                        || b.get("x").asInt() + b.get("w").asInt() <= a.get("x").asInt()
                        || a.get("y").asInt() + a.get("h").asInt() <= b.get("y").asInt()
                        || b.get("y").asInt() + b.get("h").asInt() <= a.get("y").asInt();
                assertTrue(apart, all.get(i).get("title").asText() + " overlaps " + all.get(j).get("title").asText());
            }
        }
    }
}
