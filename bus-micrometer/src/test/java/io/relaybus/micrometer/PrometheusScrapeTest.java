package io.relaybus.micrometer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaybus.api.EventBus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a Prometheus server scrapes, against what the README documents. */
@DisplayName("Prometheus exposition and the README's meter table")
class PrometheusScrapeTest {

    /** The series names Prometheus shows for a documented meter. */
    private static List<String> series(MeterDocs.Meter m) {
        String base = m.name().replace('.', '_');
        return switch (m.type()) {
            case "timer" -> List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max");
            case "counter" -> List.of(base + "_total");
            case "gauge" -> List.of(base + "_" + m.unit());
            default -> throw new AssertionError("undocumented meter type " + m.type());
        };
    }

    @Test
    @DisplayName("every documented meter appears in the scrape under its documented Prometheus name")
    void everyDocumentedNameIsScraped() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EventBusMetrics metrics = Scenario.metricsBoundTo(registry);
        Scenario scenario = new Scenario();
        try (EventBus bus = EventBus.builder().transport("memory").property("memory.broker", "scrape-" + UUID.randomUUID())
                .interceptor(metrics).build()) {
            scenario.subscribe(bus);
            scenario.publish(bus);
            scenario.awaitSettled(registry);
            String scrape = registry.scrape();
            List<String> missing = new ArrayList<>();
            for (MeterDocs.Meter m : MeterDocs.METERS) {
                assertTrue(m.prometheus().startsWith(series(m).get(0)), "documented Prometheus name of " + m.name());
                for (String s : series(m)) {
                    if (!scrape.contains("\n" + s + "{")) {
                        missing.add(s);
                    }
                }
            }
            assertEquals(List.of(), missing, "documented series missing from the scrape:\n" + scrape);
            assertTrue(scrape.contains("relaybus_handle_seconds_count{group=\"billing\",outcome=\"dead_letter\","
                    + "topic=\"" + scenario.topic + "\",transport=\"memory\"} 1"), scrape);
        }
    }
}
