package io.relaybus.spi.config;

import io.relaybus.api.BusConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ConfigDef: typed, validated, documented configuration")
class ConfigDefTest {

    /** How an unknown key's problem ends: what the demo definition knows. */
    private static final String KNOWN_KEYS = "; known keys: demo.servers, demo.linger.ms, demo.batch.max.events, "
            + "demo.compression, demo.idempotent, demo.sasl.password; pass-through prefixes: demo.producer.";

    enum Compression { NONE, GZIP, ZSTD }

    static final ConfigDef DEF = new ConfigDef("demo.")
            .defineRequired("demo.servers", ConfigType.LIST, Validator.nonEmpty(), Importance.HIGH,
                    "Broker addresses, host:port, comma-separated.")
            .define("demo.linger.ms", ConfigType.LONG, 5L, Validator.atLeast(0), Importance.MEDIUM,
                    "How long to wait for more events before sending a batch.")
            .define("demo.batch.max.events", ConfigType.INT, 500, Validator.between(1, 10_000), Importance.LOW,
                    "How many events one batch holds at most.")
            .define("demo.compression", ConfigType.STRING, "none", Validator.oneOf(Compression.class), Importance.LOW,
                    "Compression codec | applied per batch.")
            .define("demo.idempotent", ConfigType.BOOLEAN, true, null, Importance.LOW, "Whether retries may duplicate.")
            .define("demo.sasl.password", ConfigType.PASSWORD, null, Validator.nonEmpty(), Importance.MEDIUM,
                    "The SASL password.")
            .definePassThrough("demo.producer.", "Raw producer settings, passed on as they are.");

    private static BusConfigException invalid(Map<String, ?> props) {
        return assertThrows(BusConfigException.class, () -> DEF.parse(props));
    }

    @Test
    @DisplayName("every invalid value is reported at once, naming key, value and reason")
    void everyInvalidValueAtOnce() {
        BusConfigException e = invalid(Map.of(
                "demo.servers", "a:1",
                "demo.linger.ms", "-1",
                "demo.batch.max.events", "many",
                "demo.compression", "lz4",
                "demo.idempotent", "yes"));
        assertEquals(List.of(
                new BusConfigException.Problem("demo.linger.ms", "-1", "must be at least 0"),
                new BusConfigException.Problem("demo.batch.max.events", "many", "expected a whole number (32-bit)"),
                new BusConfigException.Problem("demo.compression", "lz4", "must be one of none, gzip, zstd"),
                new BusConfigException.Problem("demo.idempotent", "yes", "expected true or false")), e.problems());
        assertEquals("4 configuration problems:"
                + "\n  - Invalid value -1 for configuration demo.linger.ms: must be at least 0"
                + "\n  - Invalid value many for configuration demo.batch.max.events: expected a whole number (32-bit)"
                + "\n  - Invalid value lz4 for configuration demo.compression: must be one of none, gzip, zstd"
                + "\n  - Invalid value yes for configuration demo.idempotent: expected true or false", e.getMessage());
    }

    @Test
    @DisplayName("a single problem is the whole message")
    void singleProblemMessage() {
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", "demo.batch.max.events", 0));
        assertEquals("Invalid value 0 for configuration demo.batch.max.events: must be between 1 and 10000",
                e.getMessage());
    }

    @Test
    @DisplayName("a missing required key is reported with its documentation")
    void missingRequiredKey() {
        BusConfigException e = invalid(Map.of());
        assertEquals("Missing value for configuration demo.servers: required: Broker addresses, host:port, "
                + "comma-separated.", e.getMessage());
    }

    @Test
    @DisplayName("an unknown key in the namespace is an error that suggests the closest key, lists the known keys, "
            + "and never shows the value")
    void unknownKeyInNamespace() {
        assertUnknownSuggesting("demo.linger.msec", "10", "demo.linger.ms");
    }

    /** Asserts that {@code key} is rejected as unknown, suggesting {@code closest}, without showing {@code value}. */
    private static void assertUnknownSuggesting(String key, Object value, String closest) {
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", key, value));
        assertEquals("Invalid value [hidden] for configuration " + key + ": unknown key in the demo.* namespace; "
                + "did you mean " + closest + "?" + KNOWN_KEYS, e.getMessage());
    }

    @Test
    @DisplayName("problems of several kinds are collected together")
    void problemsOfSeveralKindsTogether() {
        BusConfigException e = invalid(Map.of("demo.typo", "x", "demo.linger.ms", "soon"));
        assertEquals(List.of("demo.typo", "demo.servers", "demo.linger.ms"),
                e.problems().stream().map(BusConfigException.Problem::key).toList());
    }

    @Test
    @DisplayName("keys of other namespaces are ignored")
    void otherNamespacesIgnored() {
        ConfigValues v = DEF.parse(Map.of("demo.servers", "a:1", "kafka.linger.ms", "nonsense", "bus.transport", "kafka",
                "demonstration.x", "y"));
        assertEquals(List.of("a:1"), v.getList("demo.servers"));
    }

    @Test
    @DisplayName("pass-through keys are collected with the prefix stripped")
    void passThroughCollected() {
        ConfigValues v = DEF.parse(Map.of("demo.servers", "a:1", "demo.producer.acks", "all",
                "demo.producer.max.in.flight", 5));
        assertEquals(Map.of("acks", "all", "max.in.flight", 5), v.passThrough("demo.producer."));
        assertEquals(Map.of(), v.passThrough("demo.consumer."));
    }

    @Test
    @DisplayName("a bare pass-through prefix is an unknown key")
    void barePrefixIsUnknown() {
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", "demo.producer.", "x"));
        assertEquals(List.of("demo.producer."), e.problems().stream().map(BusConfigException.Problem::key).toList());
    }

    @Test
    @DisplayName("passwords print as [hidden] in messages and toString")
    void passwordsHidden() {
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", "demo.sasl.password", ""));
        assertEquals("Invalid value [hidden] for configuration demo.sasl.password: must not be empty", e.getMessage());

        BusConfigException wrongType = invalid(Map.of("demo.servers", "a:1", "demo.sasl.password", 12345));
        assertEquals("Invalid value [hidden] for configuration demo.sasl.password: expected a string",
                wrongType.getMessage());

        ConfigValues v = DEF.parse(Map.of("demo.servers", "a:1", "demo.sasl.password", "s3cret",
                "demo.producer.ssl.key.password", "k3y"));
        assertEquals("s3cret", v.getPassword("demo.sasl.password").value());
        assertEquals("[hidden]", v.getPassword("demo.sasl.password").toString());
        String shown = v.toString();
        assertFalse(shown.contains("s3cret"), shown);
        assertFalse(shown.contains("k3y"), shown);
        assertTrue(shown.contains("demo.sasl.password=[hidden]"), shown);
        assertTrue(shown.contains("demo.producer.ssl.key.password=[hidden]"), shown);
    }

    @Test
    @DisplayName("a Password object given for an unknown key is still hidden")
    void passwordObjectForUnknownKeyHidden() {
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", "demo.sasl.passwd", new Password("s3cret")));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertEquals("[hidden]", e.problems().get(0).value());
    }

    @Test
    @DisplayName("a misspelt secret key is reported without its value")
    void misspeltSecretKeyHidden() {
        BusConfigException other = invalid(Map.of("demo.servers", "a:1", "demo.ssl.key.password", "hunter2"));
        assertEquals("[hidden]", other.problems().get(0).value());
        assertUnknownSuggesting("demo.sasl.pasword", "hunter2", "demo.sasl.password");
    }

    @Test
    @DisplayName("no unknown key's value is shown, whatever its name (a JAAS line under any misspelling)")
    void unknownValuesNeverShown() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
                + "password=\"hunter2\";";
        BusConfigException e = invalid(Map.of("demo.servers", "a:1", "demo.sasl.jaas.confg", jaas,
                "demo.lnger", "hunter2", "demo.x", new StringBuilder("hunter2")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals(3, e.problems().size());
        e.problems().forEach(p -> assertEquals("[hidden]", p.value()));
    }

    @Test
    @DisplayName("the markdown table is generated from the definitions and lists every key")
    void markdownTable() {
        String table = DEF.toMarkdownTable();
        for (String key : DEF.keys().keySet()) {
            assertTrue(table.contains("| `" + key + "` |"), key);
        }
        assertEquals(List.of(
                "| key | type | default | valid values | importance | description |",
                "|---|---|---|---|---|---|",
                "| `demo.servers` | list | `(required)` | non-empty | high | Broker addresses, host:port, comma-separated. |",
                "| `demo.linger.ms` | long | `5` | [0,...] | medium | How long to wait for more events before sending a batch. |",
                "| `demo.batch.max.events` | int | `500` | [1,...,10000] | low | How many events one batch holds at most. |",
                "| `demo.compression` | string | `none` | none, gzip, zstd | low | Compression codec \\| applied per batch. |",
                "| `demo.idempotent` | boolean | `true` | | low | Whether retries may duplicate. |",
                "| `demo.sasl.password` | password | | non-empty | medium | The SASL password. |",
                "| `demo.producer.*` | pass-through | | | low | Raw producer settings, passed on as they are. |"),
                table.lines().toList());
    }

    @Test
    @DisplayName("defaults are applied and accessors return domain types")
    void defaultsAndAccessors() {
        ConfigValues v = DEF.parse(Map.of("demo.servers", " a:1 , b:2 ,"));
        assertEquals(List.of("a:1", "b:2"), v.getList("demo.servers"));
        assertEquals(Duration.ofMillis(5), v.getDuration("demo.linger.ms"));
        assertEquals(500, v.getInt("demo.batch.max.events"));
        assertEquals(Compression.NONE, v.getEnum("demo.compression", Compression.class));
        assertTrue(v.getBoolean("demo.idempotent"));
        assertFalse(v.has("demo.sasl.password"));
        assertNull(v.getPassword("demo.sasl.password"));

        ConfigValues given = DEF.parse(Map.of("demo.servers", List.of("a:1"), "demo.linger.ms", 250,
                "demo.compression", "ZSTD", "demo.idempotent", "FALSE", "demo.batch.max.events", " 42 "));
        assertEquals(Duration.ofMillis(250), given.getDuration("demo.linger.ms"));
        assertEquals(Compression.ZSTD, given.getEnum("demo.compression", Compression.class));
        assertFalse(given.getBoolean("demo.idempotent"));
        assertEquals(42, given.getInt("demo.batch.max.events"));
    }

    @Test
    @DisplayName("asking for an undefined key is a programming error that names it")
    void undefinedKeyAccess() {
        ConfigValues v = DEF.parse(Map.of("demo.servers", "a:1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.getString("demo.nope"));
        assertEquals("No configuration key demo.nope is defined", e.getMessage());
    }

    @Test
    @DisplayName("definitions are checked: namespace, duplicates, invalid defaults")
    void definitionsChecked() {
        assertEquals("other.key is outside the namespace demo.", assertThrows(IllegalArgumentException.class,
                () -> new ConfigDef("demo.").define("other.key", ConfigType.INT, 1, null, Importance.LOW, "d"))
                .getMessage());
        assertEquals("Configuration key defined twice: demo.a", assertThrows(IllegalArgumentException.class,
                () -> new ConfigDef("demo.").define("demo.a", ConfigType.INT, 1, null, Importance.LOW, "d")
                        .define("demo.a", ConfigType.INT, 1, null, Importance.LOW, "d")).getMessage());
        assertEquals("Default of demo.a is invalid: must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> new ConfigDef("demo.").define("demo.a", ConfigType.INT, 0, Validator.atLeast(1), Importance.LOW,
                        "d")).getMessage());
    }
}
