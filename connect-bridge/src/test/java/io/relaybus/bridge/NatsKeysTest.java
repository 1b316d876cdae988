package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.relaybus.nats.NatsConfig;
import org.apache.kafka.common.config.Config;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The transport's keys in the connectors: same names and checks, deprecated names translated. */
class NatsKeysTest {

    private static Map<String, List<String>> errors(Config config) {
        return ValidationTest.errors(config);
    }

    @Test
    @DisplayName("deprecated names are used for the new keys; a new key that is set wins")
    void deprecatedNamesAreTranslated() {
        Map<String, String> old = Map.of("nats.username", "bob", "nats.connection.timeout.ms", "2000",
                "nats.ack.wait.ms", "9000", "nats.max.ack.pending", "7", "nats.publish.max.outstanding", "64",
                "nats.publish.ack.timeout.ms", "3000");
        Map<String, String> t = NatsKeys.translate(old);
        assertEquals("bob", t.get(NatsConfig.USER_CONFIG));
        assertEquals("2000", t.get(NatsConfig.CONNECT_TIMEOUT_CONFIG));
        assertEquals("9000", t.get(NatsConfig.ACK_WAIT_CONFIG));
        assertEquals("7", t.get(NatsConfig.MAX_ACK_PENDING_CONFIG));
        assertEquals("64", t.get(NatsConfig.PUBLISH_WINDOW_CONFIG));
        assertEquals("3000", t.get(NatsConfig.PUBLISH_TIMEOUT_CONFIG));
        assertNull(t.get("nats.username"));
        assertEquals("alice", NatsKeys.translate(Map.of("nats.username", "bob", "nats.user", "alice"))
                .get("nats.user"));
    }

    @Test
    @DisplayName("both connectors define the transport's keys with the transport's defaults and documentation")
    void keysMatchTheTransport() {
        for (String key : List.of("nats.user", "nats.connect.timeout.ms", "nats.tls.truststore.path",
                "nats.tls.keystore.password", "nats.tls.first", "nats.creds.file", "nats.nkey.seed")) {
            assertTrue(NatsSinkConfig.CONFIG_DEF.configKeys().containsKey(key), key);
            assertTrue(NatsSourceConfig.CONFIG_DEF.configKeys().containsKey(key), key);
            assertEquals(NatsConfig.DEFINITION.keys().get(key).doc(),
                    NatsSourceConfig.CONFIG_DEF.configKeys().get(key).documentation);
        }
        assertTrue(NatsSourceConfig.CONFIG_DEF.configKeys().containsKey("nats.consumer.ack.wait.ms"));
        assertTrue(NatsSourceConfig.CONFIG_DEF.configKeys().containsKey("nats.consumer.max.ack.pending"));
        assertTrue(NatsSinkConfig.CONFIG_DEF.configKeys().containsKey("nats.publish.window"));
        assertEquals("Deprecated: use nats.user.",
                NatsSinkConfig.CONFIG_DEF.configKeys().get("nats.username").documentation);
    }

    @Test
    @DisplayName("every transport key a connector defines has the Connect type of the transport's type")
    void typesMatchTheTransport() {
        for (var def : List.of(NatsSourceConfig.CONFIG_DEF, NatsSinkConfig.CONFIG_DEF)) {
            def.configKeys().forEach((name, key) -> {
                io.relaybus.spi.config.ConfigKey transportKey = NatsConfig.DEFINITION.keys().get(name);
                if (transportKey != null) {
                    assertEquals(transportKey.type().name(), key.type.name(), name);
                }
            });
        }
        assertEquals(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD,
                NatsSinkConfig.CONFIG_DEF.configKeys().get(NatsConfig.PASSWORD_CONFIG).type);
        assertEquals(org.apache.kafka.common.config.ConfigDef.Type.LIST,
                NatsSinkConfig.CONFIG_DEF.configKeys().get(NatsConfig.SERVERS_CONFIG).type);
    }

    @Test
    @DisplayName("validate flags several auth methods, a malformed URL (without its password) and a subject template "
            + "that can only give wildcards or empty tokens")
    void validateFlagsTransportProblems() {
        Map<String, String> props = new HashMap<>();
        props.put("nats.servers", "nats://bob:s3cr3t@host:4222:99,nats://ok:4222");
        props.put("nats.token", "t0ken");
        props.put("nats.username", "bob");
        props.put("nats.password", "pw");
        props.put("nats.subject.template", "out.*.{key}");
        Map<String, List<String>> errors = errors(new NatsSinkConnector().validate(props));
        assertTrue(errors.get("nats.token").stream().anyMatch(m -> m.contains("set one way of authenticating")),
                errors.toString());
        assertTrue(errors.get("nats.user").stream().anyMatch(m -> m.contains("set one way of authenticating")),
                errors.toString());
        assertTrue(errors.get("nats.servers").get(0).contains("not a server URL"), errors.toString());
        assertFalse(errors.toString().contains("s3cr3t"), errors.toString());
        assertFalse(errors.toString().contains("t0ken"), errors.toString());
        assertTrue(errors.get("nats.subject.template").get(0).contains("wildcard"), errors.toString());

        Map<String, List<String>> empty = errors(new NatsSinkConnector().validate(Map.of(
                "nats.subject.template", "out..{key}")));
        assertTrue(empty.get("nats.subject.template").get(0).contains("empty token"), empty.toString());
        assertEquals(Map.of(), errors(new NatsSinkConnector().validate(Map.of(
                "nats.subject.template", "out.{topic}.{key}"))));
    }

    @Test
    @DisplayName("a deprecated name set together with its new key is a field error")
    void deprecatedAndNewTogether() {
        Map<String, List<String>> errors = errors(new NatsSourceConnector().validate(Map.of("nats.subjects", "a.>",
                "nats.ack.wait.ms", "5000", "nats.consumer.ack.wait.ms", "6000")));
        assertEquals(List.of("Configuration nats.ack.wait.ms is deprecated and nats.consumer.ack.wait.ms is set too; "
                + "remove nats.ack.wait.ms"), errors.get("nats.ack.wait.ms"));
    }

    @Test
    @Tag("broker")
    @DisplayName("nats.validate.online: an unreachable server and a subject no stream stores are field errors")
    void validateOnline() throws Exception {
        String url = io.relaybus.embedded.TestBrokers.nats().address();
        try (io.nats.client.Connection nc = io.nats.client.Nats.connect(url)) {
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("ONLINE")
                    .subjects("online.>").storageType(io.nats.client.api.StorageType.Memory).build());
        }
        Map<String, List<String>> errors = errors(new NatsSourceConnector().validate(Map.of("nats.servers", url,
                "nats.subjects", "online.>,missing.>", "nats.validate.online", "true")));
        assertEquals(1, errors.get("nats.subjects").size(), errors.toString());
        assertTrue(errors.get("nats.subjects").get(0).startsWith("Invalid value missing.> for configuration "
                + "nats.subjects: Subject missing.> is stored by no JetStream stream"), errors.toString());

        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        errors = errors(new NatsSinkConnector().validate(Map.of("nats.servers", "nats://u:s3cr3t@127.0.0.1:" + closed,
                "nats.connect.timeout.ms", "500", "nats.validate.online", "true")));
        assertTrue(errors.get("nats.servers").get(0).startsWith("Invalid value nats://[hidden]@127.0.0.1:" + closed
                + " for configuration nats.servers: Could not connect"), errors.toString());
        assertFalse(errors.toString().contains("s3cr3t"), errors.toString());
        assertEquals(Map.of(), errors(new NatsSinkConnector().validate(Map.of("nats.servers", url,
                "nats.validate.online", "true"))));
    }
}
