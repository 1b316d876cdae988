package io.relaybus.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.api.interceptor.PublishContext;

import java.util.Objects;

/**
 * OpenTelemetry tracing for an {@link io.relaybus.api.EventBus}, as an {@link EventInterceptor}: every publish gets a
 * {@code PRODUCER} span whose context is injected into the event's headers (W3C {@code traceparent} and
 * {@code tracestate} with the default propagators, whatever the configured {@link TextMapPropagator} writes
 * otherwise), and every handling attempt a {@code CONSUMER} span whose parent is the context extracted from the
 * event's headers, current on the worker while the handler runs (so spans the handler starts are its children, and a
 * dead letter's publish span too). Spans follow the OpenTelemetry messaging semantic conventions; see
 * {@link SpanAttributes}.
 *
 * <pre>{@code
 * EventBus bus = EventBus.builder().transport("kafka")
 *         .interceptor(EventBusTracing.create(openTelemetry))...build();
 * }</pre>
 * Or by name: {@code bus.interceptors=opentelemetry} uses {@code GlobalOpenTelemetry} (which the OpenTelemetry Java
 * agent and the SDK's autoconfiguration set).
 *
 * <p>A failed attempt records the exception, sets the span's status to ERROR with the outcome as an event
 * ({@code relaybus.retry} or {@code relaybus.dead_letter}) and the attribute {@code relaybus.outcome}. Thread safe.
 */
public final class EventBusTracing implements EventInterceptor {

    /** The instrumentation scope name of the spans. */
    public static final String INSTRUMENTATION_NAME = "io.relaybus";

    private static final Object SPAN = new Object();
    private static final Object SCOPE = new Object();

    private static final TextMapGetter<Event> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Event carrier) {
            return carrier.headers().keySet();
        }

        @Override
        public String get(Event carrier, String key) {
            return carrier == null ? null : carrier.headers().get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private EventBusTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Traces with {@code openTelemetry}'s tracer provider and propagators. */
    public static EventBusTracing create(OpenTelemetry openTelemetry) {
        return new EventBusTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public void beforePublish(PublishContext context) {
        Event event = context.event();
        Context parent = Context.current();
        Span span = common(tracer.spanBuilder("publish " + event.topic()).setSpanKind(SpanKind.PRODUCER)
                .setParent(parent), context.transport(), event, SpanAttributes.SEND, "publish")
                .startSpan();
        propagator.inject(parent.with(span), context, (carrier, key, value) -> carrier.header(key, value));
        context.put(SPAN, span);
    }

    @Override
    public void afterPublish(PublishContext context, PublishReceipt receipt) {
        if (context.get(SPAN) instanceof Span span) {
            if (receipt.duplicate()) {
                span.setAttribute(SpanAttributes.DUPLICATE, true);
            }
            span.end();
        }
    }

    @Override
    public void publishFailed(PublishContext context, Throwable error) {
        if (context.get(SPAN) instanceof Span span) {
            failed(span, error);
            span.end();
        }
    }

    @Override
    public void beforeHandle(HandlingContext context) {
        Event event = context.event();
        Context parent = propagator.extract(Context.current(), event, HEADERS);
        SpanBuilder builder = common(tracer.spanBuilder("process " + event.topic()).setSpanKind(SpanKind.CONSUMER)
                .setParent(parent), context.transport(), event, SpanAttributes.PROCESS, "process")
                .setAttribute(SpanAttributes.ATTEMPT, (long) context.attempt());
        context.group().ifPresent(g -> builder.setAttribute(SpanAttributes.CONSUMER_GROUP, g));
        Span span = builder.startSpan();
        context.put(SPAN, span);
        context.put(SCOPE, parent.with(span).makeCurrent());
    }

    @Override
    public void afterHandle(HandlingContext context) {
        end(context);
    }

    @Override
    public void handleFailed(HandlingContext context, Throwable error, HandlingOutcome outcome) {
        if (context.get(SPAN) instanceof Span span) {
            String value = outcome == HandlingOutcome.RETRY ? "retry" : "dead_letter";
            failed(span, error);
            span.setAttribute(SpanAttributes.OUTCOME, value);
            span.addEvent("relaybus." + value, Attributes.of(SpanAttributes.ATTEMPT, (long) context.attempt()));
        }
        end(context);
    }

    private static void end(HandlingContext context) {
        if (context.get(SCOPE) instanceof Scope scope) {
            scope.close();
        }
        if (context.get(SPAN) instanceof Span span) {
            span.end();
        }
    }

    private static SpanBuilder common(SpanBuilder builder, String transport, Event event, String operationType,
                                      String operationName) {
        return builder.setAttribute(SpanAttributes.SYSTEM, transport)
                .setAttribute(SpanAttributes.DESTINATION, event.topic())
                .setAttribute(SpanAttributes.OPERATION_TYPE, operationType)
                .setAttribute(SpanAttributes.OPERATION_NAME, operationName)
                .setAttribute(SpanAttributes.MESSAGE_ID, event.id())
                .setAttribute(SpanAttributes.BODY_SIZE, (long) event.payload().length);
    }

    private static void failed(Span span, Throwable error) {
        span.recordException(error);
        span.setAttribute(SpanAttributes.ERROR_TYPE, error.getClass().getName());
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }
}
