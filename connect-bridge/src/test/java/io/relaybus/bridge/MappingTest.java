package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MappingTest {

    @Test
    @DisplayName("durable names: prefix and subject, valid and distinct at any connector name length")
    void durableNames() {
        NatsSourceConfig config = new NatsSourceConfig(Map.of("nats.subjects", "orders.>"));
        assertEquals("relaybus-mirror-orders_GT", config.durableName("mirror", "orders.>"));
        String longName = "relaybus-bench-bridge-n2k-mx3tscdv4m-0";   // the bench's connector names reach 64+
        String a = config.durableName(longName, "bench-bridge-n2k-mx3tscdv4m-0");
        String b = config.durableName(longName, "bench-bridge-n2k-mx3tscdv4m-1");
        assertNull(io.relaybus.nats.support.Names.nameProblem(a), a);
        assertTrue(a.length() <= 64, a);
        assertTrue(!a.equals(b), a + " and " + b + " collide");
        assertEquals(a, config.durableName(longName, "bench-bridge-n2k-mx3tscdv4m-0"), "not stable across restarts");
    }

    @Nested
    @DisplayName("subject to topic")
    class Topics {
        @Test
        void templateUsesTheRealSubjectsTokens() {
            TopicMapper m = new TopicMapper(Template.parse("nats.{1}.{2}"), null, null);
            assertEquals("nats.orders.eu", m.topicFor("orders.eu.created"));
        }

        @Test
        void wholeSubjectAndSanitizing() {
            TopicMapper m = new TopicMapper(Template.parse("{subject}"), null, null);
            assertEquals("orders.eu", m.topicFor("orders.eu"));
            assertEquals("a_b.c", m.topicFor("a$b.c"));
        }

        @Test
        void regexRenameWinsWhenItMatchesElseTemplate() {
            TopicMapper m = new TopicMapper(Template.parse("other-{1}"), Pattern.compile("orders\\.(\\w+)\\..*"),
                    "kafka-orders-$1");
            assertEquals("kafka-orders-eu", m.topicFor("orders.eu.created"));
            assertEquals("other-payments", m.topicFor("payments.x"));
        }

        @Test
        void tokenBeyondTheSubjectFailsLoudly() {
            TopicMapper m = new TopicMapper(Template.parse("{3}"), null, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.topicFor("a.b"));
            assertTrue(e.getMessage().contains("has 2 tokens"), e.getMessage());
        }

        @Test
        void badTemplatesAreRejectedWithThePosition() {
            assertThrows(IllegalArgumentException.class, () -> Template.parse("a.{1"));
            assertThrows(IllegalArgumentException.class, () -> Template.parse("a.}"));
            assertEquals("unknown placeholder {topic}: use {subject} or a 1-based token number such as {1}",
                    TopicMapper.placeholderProblem("topic"));
        }
    }

    @Nested
    @DisplayName("record key")
    class Keys {
        @Test
        void fromEventTokenHeaderOrNone() {
            io.relaybus.api.Event e = io.relaybus.api.Event.builder("a").key(new byte[] {(byte) 0xff, 0, 1})
                    .header("k", "v1").build();
            assertArrayEquals(new byte[] {(byte) 0xff, 0, 1},
                    new KeyExtractor(KeyExtractor.Source.EVENT, 1, "").keyFor("a", e));
            assertArrayEquals(utf8("eu"), new KeyExtractor(KeyExtractor.Source.TOKEN, 2, "").keyFor("orders.eu.x", e));
            assertNull(new KeyExtractor(KeyExtractor.Source.TOKEN, 4, "").keyFor("orders.eu.x", e));
            assertArrayEquals(utf8("v1"), new KeyExtractor(KeyExtractor.Source.HEADER, 1, "k").keyFor("a", e));
            assertNull(new KeyExtractor(KeyExtractor.Source.HEADER, 1, "missing").keyFor("a", e));
            assertNull(new KeyExtractor(KeyExtractor.Source.NONE, 1, "").keyFor("a", e));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("sink subject and msg id")
    class Sink {
        @Test
        void subjectFromTopicKeyAndHeaders() {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("region", "eu");
            SinkRecord r = new SinkRecord("orders", 3, Schema.STRING_SCHEMA, "k1", Schema.BYTES_SCHEMA, new byte[0],
                    42L, null, null, headers);
            SubjectTemplate t = new SubjectTemplate(Template.parse("{topic}.{header:region}.{key}.p{partition}"));
            assertEquals("orders.eu.k1.p3", t.subjectFor(r));
        }

        @Test
        void missingKeyOrInvalidSubjectCannotBeSent() {
            SinkRecord noKey = new SinkRecord("t", 0, null, null, null, new byte[0], 1L);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SubjectTemplate(Template.parse("x.{key}")).subjectFor(noKey));
            assertTrue(e.getMessage().contains("has no key"), e.getMessage());
            SinkRecord spaced = new SinkRecord("t", 0, null, "a b", null, new byte[0], 1L);
            assertThrows(IllegalArgumentException.class,
                    () -> new SubjectTemplate(Template.parse("x.{key}")).subjectFor(spaced));
        }

        @Test
        void msgIdIsStablePerTopicPartitionOffset() {
            assertEquals("orders-3-42", MsgIds.of("orders", 3, 42));
            assertTrue(!MsgIds.of("a-1", 2, 3).equals(MsgIds.of("a", 12, 3)));
        }
    }

    @Nested
    @DisplayName("taskConfigs split")
    class Split {
        @Test
        void subjectsAreDealtRoundRobin() {
            List<Map<String, String>> tasks = NatsSourceConnector.split(Map.of("name", "c"),
                    List.of("a.*", "b.*", "c.>", "d"), 3);
            assertEquals(3, tasks.size());
            assertEquals("a.*,d", tasks.get(0).get(NatsSourceConfig.TASK_SUBJECTS));
            assertEquals("b.*", tasks.get(1).get(NatsSourceConfig.TASK_SUBJECTS));
            assertEquals("c.>", tasks.get(2).get(NatsSourceConfig.TASK_SUBJECTS));
            assertEquals("1", tasks.get(0).get(NatsSourceConfig.TASK_MEMBERS));
            assertEquals(4, NatsSourceConnector.split(Map.of(), List.of("a", "b", "c", "d"), 8).size());
        }

        @Test
        void oneSubjectBecomesSeveralMembersOfOneDurable() {
            List<Map<String, String>> tasks = NatsSourceConnector.split(Map.of(), List.of("orders.>"), 3);
            assertEquals(3, tasks.size());
            for (int i = 0; i < 3; i++) {
                assertEquals("orders.>", tasks.get(i).get(NatsSourceConfig.TASK_SUBJECTS));
                assertEquals(String.valueOf(i), tasks.get(i).get(NatsSourceConfig.TASK_MEMBER));
                assertEquals("3", tasks.get(i).get(NatsSourceConfig.TASK_MEMBERS));
            }
        }

        @Test
        void exactlyOnceOnlyWithReplayAndOneMemberPerSubject() {
            NatsSourceConnector c = new NatsSourceConnector();
            assertEquals("SUPPORTED", c.exactlyOnceSupport(Map.of("nats.subjects", "a,b", "tasks.max", "4")).name());
            assertEquals("UNSUPPORTED", c.exactlyOnceSupport(Map.of("nats.subjects", "a", "tasks.max", "2")).name());
            assertEquals("UNSUPPORTED", c.exactlyOnceSupport(Map.of("nats.subjects", "a", "nats.mode", "core")).name());
        }
    }
}
