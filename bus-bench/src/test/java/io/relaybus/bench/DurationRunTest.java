package io.relaybus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole memory-transport run measured by time: what it published is what it counts, and it is all handled. */
class DurationRunTest {

    @Test
    void aDurationRunCountsWhatItPublishedWithAllocationAndTheRoundsSpread(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = {"--duration", "300ms", "--warmup", "100", "--warmup-max", "2s", "--rounds", "2",
            "--warmup-rounds", "1",
            "--no-progress", "--out", dir.toString()};
        assertEquals(0, BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err),
                out.toString(StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.startsWith("bus-bench: memory, events for 0.3 s of 1,024 bytes"), console);
        assertTrue(console.lines().anyMatch(l -> l.matches("metric\\s+unit\\s+bus\\s+bus rounds min\\.\\.max\\s+raw"
                + "\\s+raw rounds min\\.\\.max\\s+bus/raw")), console);
        JsonNode report;
        try (var files = Files.list(dir)) {
            Path json = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
            report = new ObjectMapper().readTree(json.toFile());
        }
        for (JsonNode run : report.get("runs")) {
            long events = run.get("events").asLong();
            assertTrue(events > 0, run.toString());
            assertEquals(events, run.get("unique").asLong(), "every published event was handled");
            assertEquals(2, run.get("rounds").get("endToEndThroughput").size(), "the warm-up round is not counted");
            assertTrue(run.get("memory").get("allocatedBytes").asLong() >= events * 1024, "at least the payloads");
            // After the 100 warm-up events, at least one slice of a second of publishing while the JIT settles; the
            // report counts all of them.
            assertTrue(run.get("warmup").asLong() > 100, run.get("warmup").toString());
            assertTrue(StreamSupport.stream(run.get("notes").spliterator(), false).map(JsonNode::asText)
                    .anyMatch(n -> n.startsWith("warm-up: " + String.format(java.util.Locale.ROOT, "%,d",
                            run.get("warmup").asLong()) + " events in all; ")), run.get("notes").toString());
            assertTrue(StreamSupport.stream(run.get("notes").spliterator(), false).map(JsonNode::asText)
                    .anyMatch(n -> n.startsWith("measured after 1 unmeasured warm-up round(s)")), run.get("notes")
                    .toString());
        }
    }
}
