package io.relaybus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the bench cannot do its job: a wrong --out, a broker that is not there, credentials in the
 * command line. One clear line that says what to check, before any measuring, without a stack trace, without a
 * secret, and without a "delete them by hand" for topics that were never created.
 */
class BenchFailuresTest {

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void assertClean(Outcome o) {
        assertFalse(o.err().contains("\tat "), "no stack trace:\n" + o.err());
        assertFalse(o.err().contains("delete them by hand"), "nothing was created:\n" + o.err());
        assertFalse(o.out().contains("end-to-end (handled)"), "nothing was measured:\n" + o.out());
    }

    /** Before: the whole run was measured, then writing the report failed with a NoSuchFileException stack trace. */
    @Test
    void anOutDirectoryThatCannotBeMadeIsRefusedBeforeAnyRun(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Outcome o = run("--out", file.resolve("reports").toString(), "--duration", "1s", "--no-raw");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("--out " + file.resolve("reports") + ": cannot create"), o.err());
        assertClean(o);
    }

    /** Before: the whole run was measured, then "cannot read it as a bus-bench JSON report; the run is not compared". */
    @Test
    void aCompareFileThatIsNoReportIsRefusedBeforeAnyRun(@TempDir Path dir) throws IOException {
        Path notAReport = Files.writeString(dir.resolve("notes.json"), "{\"hello\": [1, 2");
        Outcome o = run("--compare", notAReport.toString(), "--duration", "1s", "--no-raw", "--out", dir.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("--compare " + notAReport + ": cannot read it as a bus-bench JSON report"),
                o.err());
        assertClean(o);
    }

    /** Before: "bus-bench failed: KafkaException: Failed to create new KafkaAdminClient" and its stack trace. */
    @Test
    void anUnresolvableKafkaBootstrapSaysWhatToCheck() {
        Outcome o = run("--transport", "kafka", "--bootstrap", "nohost.invalid:9092", "--duration", "1s", "--no-raw");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("--bootstrap nohost.invalid:9092: "), o.err());
        assertTrue(o.err().contains("check the host name and port"), o.err());
        assertClean(o);
    }

    /** Before: the run failed, but the --out directories it had made for the reports stayed behind, empty. */
    @Test
    void aFailedRunLeavesNoEmptyReportDirectoryBehind(@TempDir Path dir) throws IOException {
        Path reports = dir.resolve("new").resolve("reports");
        Outcome o = run("--transport", "kafka", "--bootstrap", "nohost.invalid:9092", "--duration", "1s", "--no-raw",
                "--out", reports.toString());
        assertEquals(1, o.code(), o.err());
        assertFalse(Files.exists(dir.resolve("new")), "made for this run, removed after it failed");

        Path kept = Files.createDirectories(dir.resolve("kept"));   // empty, but not made by the bench
        Outcome again = run("--transport", "kafka", "--bootstrap", "nohost.invalid:9092", "--duration", "1s",
                "--no-raw", "--out", kept.resolve("reports").toString());
        assertEquals(1, again.code(), again.err());
        assertFalse(Files.exists(kept.resolve("reports")), "made for this run, removed after it failed");
        assertTrue(Files.isDirectory(kept), "a directory that existed before is left alone, empty or not");
    }

    /** Before: a bare "java.util.concurrent.TimeoutException" after a minute of connection warnings. */
    @Test
    void aKafkaBootstrapNobodyListensOnFailsInSecondsWithWhatToCheck() throws IOException {
        String bootstrap = "127.0.0.1:" + closedPort();
        Outcome o = run("--transport", "kafka", "--bootstrap", bootstrap, "--duration", "1s", "--no-raw");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("--bootstrap " + bootstrap + ": no answer from Kafka within "), o.err());
        assertTrue(o.err().contains("check that a broker listens there"), o.err());
        assertClean(o);
    }

    /** Before: the bus's message was there, but with a stack trace and a bogus "could not delete the streams". */
    @Test
    void anUnreachableNatsServerSaysWhatToCheckAndHidesItsPassword() throws IOException {
        String url = "nats://bench:s3cr3t@127.0.0.1:" + closedPort();
        Outcome o = run("--transport", "nats", "--nats-url", url, "--duration", "1s", "--no-raw");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("--nats-url nats://[hidden]@127.0.0.1:"), o.err());
        assertTrue(o.err().contains("check that nats-server runs there"), o.err());
        assertFalse((o.out() + o.err()).contains("s3cr3t"), o.out() + o.err());
        assertClean(o);
    }

    /** Before: jnats' "Unsupported NATS URI scheme" under a stack trace. */
    @Test
    void aNatsUrlThatIsNoNatsUrlSaysWhatToCheckAndHidesItsPassword() {
        for (String url : new String[] {"http://bench:s3cr3t@127.0.0.1:4222", "nats://bench:s3 cr3t@host:4222"}) {
            Outcome o = run("--transport", "nats", "--nats-url", url, "--duration", "1s", "--no-raw");
            assertEquals(1, o.code(), o.err());
            assertTrue(o.err().contains("bus-bench failed: --nats-url "), o.err());
            assertTrue(o.err().contains("check that nats-server runs there"), o.err());
            assertFalse((o.out() + o.err()).contains("s3cr3t") || (o.out() + o.err()).contains("cr3t@"),
                    o.out() + o.err());
            assertClean(o);
        }
    }

    /** Before: "--connect-url http://admin:s3cr3t@...: must be the worker's REST URL", the password echoed. */
    @Test
    void aFlagValueRefusedAtParsingIsEchoedWithoutItsSecrets() {
        Outcome o = run("--transport", "bridge", "--connect-url", "http://admin:s3cr3t@127.0.0.1:8083/a b",
                "--bootstrap", "127.0.0.1:9092", "--nats-url", "nats://127.0.0.1:4222", "--bus-property",
                "nats.password");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--connect-url http://[hidden]@127.0.0.1:8083/a b: must be the worker's REST URL"),
                o.err());
        assertFalse(o.err().contains("s3cr3t"), o.err());
        Outcome stray = run("nats://bench:s3cr3t@127.0.0.1:4222");
        assertEquals(2, stray.code(), stray.err());
        assertTrue(stray.err().contains("nats://[hidden]@127.0.0.1:4222: not a flag"), stray.err());
        assertFalse(stray.err().contains("s3cr3t"), stray.err());
    }

    /** The command line and the bus's settings go into the JSON and HTML reports: no secret may. */
    @Test
    void theReportHidesSecretsOfTheCommandLineAndTheBusSettings() {
        String line = Redact.commandLine(new String[] {"--transport", "nats", "--nats-url",
                "nats://user:p@ss:w0rd@nats.example:4222", "--bus-property", "nats.password=hunter2",
                "--bus-property=nats.token=tok3n", "--bus-property", "nats.publish.window=64",
                "--connector-property", "kafka.producer.sasl.jaas.config=x password=\"pw\";"});
        assertEquals("--transport nats --nats-url nats://[hidden]@nats.example:4222 --bus-property "
                + "nats.password=[hidden] --bus-property=nats.token=[hidden] --bus-property nats.publish.window=64 "
                + "--connector-property kafka.producer.sasl.jaas.config=[hidden]", line);

        BusTarget target = new BusTarget(Map.of("nats.servers", "nats://a:b@h1:4222,nats://c:d@h2:4222",
                "nats.password", "hunter2", "kafka.producer.ssl.keystore.password", "ks", "nats.publish.window", 64),
                "t", "g", 1, Map.of());
        Map<String, String> s = target.settings();
        assertEquals("nats://[hidden]@h1:4222,nats://[hidden]@h2:4222", s.get("nats.servers"));
        assertEquals("[hidden]", s.get("nats.password"));
        assertEquals("[hidden]", s.get("kafka.producer.ssl.keystore.password"));
        assertEquals("64", s.get("nats.publish.window"));
    }
}
