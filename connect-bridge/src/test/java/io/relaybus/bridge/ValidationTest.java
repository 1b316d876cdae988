package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** In-process checks of validate(); the same checks through the REST API are in {@code BridgeIT}. */
class ValidationTest {

    /** The fields with errors and their messages. */
    static Map<String, List<String>> errors(Config config) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : config.configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void goodSourceConfigHasNoErrors() {
        Config c = new NatsSourceConnector().validate(Map.of("nats.subjects", "orders.*.*",
                "kafka.topic.template", "nats.{1}.{3}", "kafka.key.source", "token", "kafka.key.token", "2"));
        assertEquals(Map.of(), errors(c));
    }

    /**
     * A source configuration with three cross-field errors: a topic template token the subject does not have,
     * {@code kafka.key.source=header} without {@code kafka.key.header}, and core mode with exactly-once required.
     * {@code BridgeIT} sends it through the REST validate endpoint.
     */
    static final Map<String, String> CROSS_FIELD_ERRORS = Map.of(
            "nats.subjects", "orders.*",
            "kafka.topic.template", "x.{3}",
            "kafka.key.source", "header",
            "nats.mode", "core",
            "exactly.once.support", "required");

    /** What validate reports for {@link #CROSS_FIELD_ERRORS}, each error on the field to change. */
    static void assertCrossFieldErrors(Map<String, List<String>> errors) {
        assertEquals(List.of("Invalid value x.{3} for configuration kafka.topic.template: {3} refers to token 3 but "
                + "subject 'orders.*' has only 2 tokens"), errors.get("kafka.topic.template"));
        assertEquals(List.of("Missing value for configuration kafka.key.header: required when "
                + "kafka.key.source=header; name the NATS header that holds the key"), errors.get("kafka.key.header"));
        assertTrue(errors.get("nats.mode").get(0).startsWith("Invalid value core for configuration nats.mode: core "
                + "NATS is at-most-once"), errors.toString());
    }

    @Test
    void crossFieldErrorsAreReportedOnTheirField() {
        assertCrossFieldErrors(errors(new NatsSourceConnector().validate(CROSS_FIELD_ERRORS)));
    }

    @Test
    void singleFieldErrorsComeFromTheConfigDef() {
        Map<String, List<String>> errors = errors(new NatsSourceConnector().validate(Map.of(
                "nats.subjects", "a..b", "kafka.topic.template", "{topic}")));
        assertTrue(errors.get("nats.subjects").get(0).contains("empty token"), errors.toString());
        assertTrue(errors.get("kafka.topic.template").get(0).contains("unknown placeholder {topic}"), errors.toString());
        Map<String, List<String>> sink = errors(new NatsSinkConnector().validate(Map.of(
                "nats.subject.template", "x.{header:}", "nats.token", "t", "nats.username", "u",
                "nats.password", "p")));
        assertTrue(sink.get("nats.subject.template").get(0).contains("unknown placeholder"), sink.toString());
        assertTrue(sink.get("nats.token").get(0).contains("set one way of authenticating"), sink.toString());
    }

    @Test
    void secretsPrintHidden() {
        NatsSinkConfig config = new NatsSinkConfig(Map.of("nats.password", "s3cret", "nats.user", "u"));
        assertEquals("[hidden]", config.getPassword("nats.password").toString());
    }
}
