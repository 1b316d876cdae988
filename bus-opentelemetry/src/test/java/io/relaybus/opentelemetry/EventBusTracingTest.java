package io.relaybus.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.embedded.TestBrokers;
import io.relaybus.tck.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces as a user sees them in their backend, captured with the SDK's in-memory exporter: a trace started by the
 * publisher continues in the handler (parent/child across the broker), with the messaging attributes, and retries and
 * dead letters on the process spans. The same contract on Kafka, NATS JetStream and the memory transport.
 */
@DisplayName("EventBusTracing")
class EventBusTracingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    abstract static class OnTransport {

        private InMemorySpanExporter exporter;
        private OpenTelemetrySdk otel;

        /** The bus configuration; its {@code bus.transport} is what the spans name as {@code messaging.system}. */
        abstract Map<String, Object> config();

        private String transport() {
            return (String) config().get(EventBus.TRANSPORT_CONFIG);
        }

        @BeforeEach
        void sdk() {
            exporter = InMemorySpanExporter.create();
            otel = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
        }

        @AfterEach
        void closeSdk() {
            otel.close();
        }

        private EventBus open() {
            return EventBus.builder().properties(config()).interceptor(EventBusTracing.create(otel)).build();
        }

        private static Subscription ready(Subscription s) {
            s.ready().toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
            return s;
        }

        private static String unique(String base) {
            return base + "-" + UUID.randomUUID().toString().substring(0, 8);
        }

        private SpanData await(String what, Predicate<SpanData> which) {
            awaitUntil(what, () -> exporter.getFinishedSpanItems().stream().anyMatch(which));
            return exporter.getFinishedSpanItems().stream().filter(which).findFirst().orElseThrow();
        }

        private static Predicate<SpanData> named(String name, String messageId) {
            return s -> s.getName().equals(name) && messageId.equals(s.getAttributes().get(SpanAttributes.MESSAGE_ID));
        }

        @Test
        @DisplayName("publish -> process: one trace, the process span a child of the publish span, the handler's "
                + "span a child of the process span, with the messaging attributes")
        void traceContinuesFromPublisherToHandler() throws Exception {
            String topic = unique("traced");
            Tracer tracer = otel.getTracer("test");
            BlockingQueue<Event> received = new LinkedBlockingQueue<>();
            try (EventBus bus = open()) {
                ready(bus.subscribe(SubscribeOptions.builder(topic).group("billing").build(), e -> {
                    Span inHandler = tracer.spanBuilder("charge").startSpan();
                    inHandler.end();
                    received.add(e);
                }));
                Span request = tracer.spanBuilder("http request").startSpan();
                try (Scope ignored = request.makeCurrent()) {
                    bus.publish(Event.builder(topic).id("e1").payload("12345").build()).toCompletableFuture()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } finally {
                    request.end();
                }
                Event got = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(got, "not delivered");
                assertTrue(got.headers().get("traceparent").startsWith("00-" + request.getSpanContext().getTraceId()),
                        "the event carries the W3C trace context: " + got.headers());

                SpanData publish = await("the publish span", named("publish " + topic, "e1"));
                SpanData process = await("the process span", named("process " + topic, "e1"));
                SpanData charge = await("the handler's span", s -> s.getName().equals("charge"));

                String traceId = request.getSpanContext().getTraceId();
                assertEquals(List.of(traceId, traceId, traceId), List.of(publish.getTraceId(), process.getTraceId(),
                        charge.getTraceId()), "one trace from the publisher to the handler");
                assertEquals(request.getSpanContext().getSpanId(), publish.getParentSpanId());
                assertEquals(publish.getSpanId(), process.getParentSpanId());
                assertEquals(process.getSpanId(), charge.getParentSpanId());

                assertEquals(SpanKind.PRODUCER, publish.getKind());
                assertEquals(SpanKind.CONSUMER, process.getKind());
                assertEquals(Map.of(
                        "messaging.system", transport(), "messaging.destination.name", topic,
                        "messaging.operation.type", "send", "messaging.operation.name", "publish",
                        "messaging.message.id", "e1", "messaging.message.body.size", 5L), asMap(publish));
                assertEquals(Map.of(
                        "messaging.system", transport(), "messaging.destination.name", topic,
                        "messaging.operation.type", "process", "messaging.operation.name", "process",
                        "messaging.message.id", "e1", "messaging.message.body.size", 5L,
                        "messaging.consumer.group.name", "billing", "relaybus.attempt", 1L), asMap(process));
                assertEquals(StatusCode.UNSET, process.getStatus().getStatusCode());
            }
        }

        @Test
        @DisplayName("batch handler: each event of the batch gets its process span in its publisher's trace")
        void batchEventsContinueTheirTraces() throws Exception {
            String topic = unique("traced-batch");
            Tracer tracer = otel.getTracer("test");
            List<Event> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (EventBus bus = open()) {
                ready(bus.subscribeBatch(SubscribeOptions.builder(topic).group("bulk").build(),
                        io.relaybus.api.BatchOptions.of(10).withMaxWait(java.time.Duration.ofMillis(200)),
                        received::addAll));
                List<String> traceIds = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Span request = tracer.spanBuilder("request " + i).startSpan();
                    try (Scope ignored = request.makeCurrent()) {
                        bus.publish(Event.builder(topic).id("b" + i).key("k").payload("x").build())
                                .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } finally {
                        request.end();
                    }
                    traceIds.add(request.getSpanContext().getTraceId());
                }
                awaitUntil("all three were handled", () -> received.size() >= 3);
                for (int i = 0; i < 3; i++) {
                    SpanData publish = await("the publish span of b" + i, named("publish " + topic, "b" + i));
                    SpanData process = await("the process span of b" + i, named("process " + topic, "b" + i));
                    assertEquals(traceIds.get(i), process.getTraceId(), "b" + i + " left its publisher's trace");
                    assertEquals(publish.getSpanId(), process.getParentSpanId());
                    assertEquals(StatusCode.UNSET, process.getStatus().getStatusCode());
                }
            }
        }

        @Test
        @DisplayName("retry and dead letter: each attempt's process span is an ERROR with the outcome; the dead "
                + "letter's publish continues the trace, and so does its consumer")
        void retriesAndDeadLettersOnProcessSpans() throws Exception {
            String topic = unique("poison");
            String dlq = topic + ".dlq";
            BlockingQueue<Event> dead = new LinkedBlockingQueue<>();
            try (EventBus bus = open()) {
                ready(bus.subscribe(SubscribeOptions.builder(dlq).group("ops").build(), dead::add));
                ready(bus.subscribe(SubscribeOptions.builder(topic).group("billing")
                        .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).deadLetterTopic(dlq).build(), e -> {
                            throw new IllegalStateException("cannot charge " + e.id());
                        }));
                bus.publish(Event.builder(topic).id("p1").build()).toCompletableFuture()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                Event letter = dead.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(letter, "no dead letter");

                SpanData publish = await("the publish span", named("publish " + topic, "p1"));
                SpanData first = await("attempt 1", named("process " + topic, "p1")
                        .and(s -> s.getAttributes().get(SpanAttributes.ATTEMPT) == 1L));
                SpanData second = await("attempt 2", named("process " + topic, "p1")
                        .and(s -> s.getAttributes().get(SpanAttributes.ATTEMPT) == 2L));
                SpanData letterPublish = await("the dead letter's publish span", named("publish " + dlq, letter.id()));
                SpanData letterProcess = await("the dead letter's process span", named("process " + dlq, letter.id()));

                assertEquals(publish.getSpanId(), first.getParentSpanId());
                assertEquals(publish.getSpanId(), second.getParentSpanId());
                assertEquals(second.getSpanId(), letterPublish.getParentSpanId(),
                        "the dead letter is published inside the last attempt");
                assertEquals(letterPublish.getSpanId(), letterProcess.getParentSpanId());
                assertEquals(publish.getTraceId(), letterProcess.getTraceId());

                assertFailed(first, "retry");
                assertFailed(second, "dead_letter");
                assertEquals(StatusCode.UNSET, letterProcess.getStatus().getStatusCode());
            }
        }

        private static void assertFailed(SpanData span, String outcome) {
            assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
            assertEquals("cannot charge p1", span.getStatus().getDescription());
            assertEquals(outcome, span.getAttributes().get(SpanAttributes.OUTCOME));
            assertEquals(IllegalStateException.class.getName(), span.getAttributes().get(SpanAttributes.ERROR_TYPE));
            List<String> events = span.getEvents().stream().map(EventData::getName).toList();
            assertEquals(List.of("exception", "relaybus." + outcome), events);
        }

        private static Map<String, Object> asMap(SpanData span) {
            Map<String, Object> m = new java.util.TreeMap<>();
            span.getAttributes().forEach((AttributeKey<?> k, Object v) -> m.put(k.getKey(), v));
            return m;
        }

        private static void awaitUntil(String what, BooleanSupplier condition) {
            Received.await(TIMEOUT, what, condition);
        }
    }

    @Nested
    @Tag("broker")
    @DisplayName("on Kafka")
    class Kafka extends OnTransport {
        @Override
        Map<String, Object> config() {
            return Map.of("bus.transport", "kafka", "kafka.bootstrap.servers", TestBrokers.kafka().address(),
                    "kafka.profile", "latency");
        }
    }

    @Nested
    @Tag("broker")
    @DisplayName("on NATS JetStream")
    class Nats extends OnTransport {
        @Override
        Map<String, Object> config() {
            return Map.of("bus.transport", "nats", "nats.servers", TestBrokers.nats().address());
        }
    }

    @Nested
    @DisplayName("on the memory transport")
    class Memory extends OnTransport {
        @Override
        Map<String, Object> config() {
            return Map.of("bus.transport", "memory", "memory.broker", "tracing-" + UUID.randomUUID());
        }
    }
}
