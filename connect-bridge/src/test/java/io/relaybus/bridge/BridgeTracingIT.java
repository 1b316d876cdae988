package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.await;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.createTopic;
import static io.relaybus.bridge.BridgeWorker.kafkaBus;
import static io.relaybus.bridge.BridgeWorker.natsBus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.opentelemetry.EventBusTracing;
import io.relaybus.opentelemetry.SpanAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Traces across the shared forked worker: a trace started by a bus publisher on one side continues in a bus
 * subscriber on the other, because the bridge carries the W3C {@code traceparent} and {@code tracestate} headers
 * unchanged in both directions. The publisher and the subscriber are two applications with an OpenTelemetry SDK each
 * (each with its own in-memory exporter), so the only way the subscriber's process span can join the publisher's
 * trace is through the headers.
 */
@Tag("broker")
class BridgeTracingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** What a vendor upstream of the publisher put in {@code tracestate}; the bridge must not drop or reorder it. */
    private static final TraceState VENDOR_STATE = TraceState.builder().put("rojo", "00f067aa0ba902b7")
            .put("congo", "t61rcWkgMzE").build();

    private Tracing publisherApp;
    private Tracing subscriberApp;

    /** One application's OpenTelemetry SDK, exporting to memory. */
    private record Tracing(OpenTelemetrySdk sdk, InMemorySpanExporter exporter) {

        static Tracing start() {
            InMemorySpanExporter exporter = InMemorySpanExporter.create();
            return new Tracing(OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build(), exporter);
        }

        EventBus bus(Map<String, Object> config) {
            return EventBus.builder().properties(config).interceptor(EventBusTracing.create(sdk)).build();
        }

        /** The finished span called {@code name} for the event {@code id}, waiting for it. */
        SpanData span(String name, String id) throws InterruptedException {
            await("the span " + name + " of " + id, () -> find(name, id) != null, TIMEOUT);
            return find(name, id);
        }

        private SpanData find(String name, String id) {
            return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)
                    && id.equals(s.getAttributes().get(SpanAttributes.MESSAGE_ID))).findFirst().orElse(null);
        }

        /**
         * Publishes {@code event} inside a span {@code checkout} that continues a caller's trace (with
         * {@code VENDOR_STATE}); returns that span.
         */
        Span publishInCheckout(EventBus bus, Event event) throws Exception {
            SpanContext caller = SpanContext.createFromRemoteParent(IdGenerator.random().generateTraceId(),
                    IdGenerator.random().generateSpanId(), TraceFlags.getSampled(), VENDOR_STATE);
            Span checkout = sdk.getTracer("shop").spanBuilder("checkout")
                    .setParent(Context.root().with(Span.wrap(caller))).startSpan();
            try (Scope ignored = checkout.makeCurrent()) {
                bus.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                checkout.end();
            }
            return checkout;
        }
    }

    @BeforeEach
    void sdks() {
        publisherApp = Tracing.start();
        subscriberApp = Tracing.start();
    }

    @AfterEach
    void closeSdks() {
        publisherApp.sdk().close();
        subscriberApp.sdk().close();
    }

    private static void ready(Subscription s) throws Exception {
        s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("NATS publisher to Kafka subscriber through the source connector: the Kafka process span is the "
            + "child of the NATS publish span, in the same trace, with the caller's tracestate")
    void natsToKafka() throws Exception {
        createStream("OTN", "otn.>");
        createTopic("otn-out", 1);
        assertTraceCrosses("otn-source",
                common(SOURCE_CLASS, "nats.subjects", "otn.>", "kafka.topic.template", "otn-out"),
                new Side("nats", natsBus(), "otn.orders"), new Side("kafka", kafkaBus(), "otn-out"), "otn-1");
    }

    @Test
    @DisplayName("Kafka publisher to NATS subscriber through the sink connector: the NATS process span is the child "
            + "of the Kafka publish span, in the same trace, with the caller's tracestate")
    void kafkaToNats() throws Exception {
        createStream("OTK", "otk.>");
        createTopic("otk-in", 1);
        assertTraceCrosses("otk-sink",
                common(SINK_CLASS, "topics", "otk-in", "nats.subject.template", "otk.{topic}"),
                new Side("kafka", kafkaBus(), "otk-in"), new Side("nats", natsBus(), "otk.otk-in"), "otk-1");
    }

    /** One side of the bridge: the transport's name, a bus's configuration on it and the topic used there. */
    private record Side(String system, Map<String, Object> bus, String topic) {
    }

    /**
     * Creates the connector {@code name} from {@code config} and, while it runs, publishes the event {@code id} on
     * {@code from} inside a {@code checkout} span and receives it on {@code to} through it; then: one trace from
     * {@code checkout} through the publish span to the process span on the other side, whose remote parent is the
     * publish span, each with its side's messaging attributes; the subscriber got the trace headers exactly as the
     * publisher's propagator wrote them, and the process span kept the caller's trace state. The connector is deleted
     * again, whatever the outcome.
     */
    private void assertTraceCrosses(String name, Map<String, String> config, Side from, Side to, String id)
            throws Exception {
        BridgeWorker.worker().rest().createConnector(name, config, TIMEOUT);
        try {
            assertTraceCrossesRunning(from, to, id);
        } finally {
            BridgeWorker.worker().rest().deleteConnector(name);
        }
    }

    private void assertTraceCrossesRunning(Side from, Side to, String id) throws Exception {
        Queue<Event> received = new ConcurrentLinkedQueue<>();
        Span checkout;
        try (EventBus subscriber = subscriberApp.bus(to.bus()); EventBus publisher = publisherApp.bus(from.bus())) {
            ready(subscriber.subscribe(SubscribeOptions.builder(to.topic()).group("traced")
                    .startFrom(StartPosition.EARLIEST).build(), received::add));
            checkout = publisherApp.publishInCheckout(publisher,
                    Event.builder(from.topic()).id(id).key("order-7").payload("12345").build());
            subscriberApp.span("process " + to.topic(), id);
        }
        SpanData publish = publisherApp.span("publish " + from.topic(), id);
        SpanData process = subscriberApp.span("process " + to.topic(), id);

        String traceId = checkout.getSpanContext().getTraceId();
        assertEquals(List.of(traceId, traceId), List.of(publish.getTraceId(), process.getTraceId()),
                "one trace from the publisher, across the bridge, to the subscriber");
        assertEquals(checkout.getSpanContext().getSpanId(), publish.getParentSpanId());
        assertEquals(publish.getSpanId(), process.getParentSpanId(), "the process span is the publish span's child");
        assertTrue(process.getParentSpanContext().isRemote(), "the parent came from the event's headers");
        assertEquals(SpanKind.PRODUCER, publish.getKind());
        assertEquals(SpanKind.CONSUMER, process.getKind());
        assertEquals(VENDOR_STATE.asMap(), process.getSpanContext().getTraceState().asMap(),
                "the caller's tracestate reached the subscriber");
        assertEquals(Map.of(SpanAttributes.SYSTEM, from.system(), SpanAttributes.DESTINATION, from.topic(),
                SpanAttributes.OPERATION_TYPE, "send", SpanAttributes.OPERATION_NAME, "publish",
                SpanAttributes.MESSAGE_ID, id, SpanAttributes.BODY_SIZE, 5L), publish.getAttributes().asMap());
        assertEquals(Map.of(SpanAttributes.SYSTEM, to.system(), SpanAttributes.DESTINATION, to.topic(),
                SpanAttributes.OPERATION_TYPE, "process", SpanAttributes.OPERATION_NAME, "process",
                SpanAttributes.MESSAGE_ID, id, SpanAttributes.BODY_SIZE, 5L,
                SpanAttributes.CONSUMER_GROUP, "traced", SpanAttributes.ATTEMPT, 1L), process.getAttributes().asMap());

        Map<String, String> written = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(publish.getSpanContext())),
                written, Map::put);
        assertEquals(1, received.size(), received.toString());
        Event got = received.peek();
        assertEquals(written.get("traceparent"), got.headers().get("traceparent"), "traceparent across the bridge");
        assertEquals(written.get("tracestate"), got.headers().get("tracestate"), "tracestate across the bridge");
    }
}
