package io.relaybus.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes {@link EventBusTracing} sets, after the OpenTelemetry messaging semantic conventions (v1.27 and
 * later), plus a few of Relaybus's own under {@code relaybus.*}.
 */
public final class SpanAttributes {

    /** The transport's name: {@code kafka}, {@code nats}, {@code memory}, or a third-party one. */
    public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    /** The topic (Kafka topic, NATS subject below the configured prefix). */
    public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    /** {@code send} on publish spans, {@code process} on handling spans. */
    public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    /** {@code publish} or {@code process}; the span name is this and the topic. */
    public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    /** The event's id. */
    public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    /** The payload's size in bytes. */
    public static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    /** The subscription's group, on process spans of grouped subscriptions. */
    public static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    /** The exception's class name, on failed spans. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** The handling attempt, 1 for the first. */
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("relaybus.attempt");
    /** {@code retry} or {@code dead_letter}, on a failed handling attempt. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("relaybus.outcome");
    /** True when the broker recognised the published event as already stored (JetStream's duplicate window). */
    public static final AttributeKey<Boolean> DUPLICATE = AttributeKey.booleanKey("relaybus.duplicate");

    static final String SEND = "send";
    static final String PROCESS = "process";

    private SpanAttributes() {
    }
}
