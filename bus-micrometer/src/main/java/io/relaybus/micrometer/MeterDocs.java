package io.relaybus.micrometer;

import java.util.List;

/**
 * The meters {@link EventBusMetrics} registers: their names, types, units and tags, in one place, from which the
 * README's table is generated ({@code ReadmeTablesTest}) and checked against a Prometheus scrape. Names follow
 * Micrometer's conventions: dot-separated lowercase, base units (timers in seconds), no unit in the name.
 */
public final class MeterDocs {

    public static final String PUBLISH = "relaybus.publish";
    public static final String HANDLE = "relaybus.handle";
    public static final String END_TO_END = "relaybus.end.to.end.latency";
    public static final String RETRIES = "relaybus.retries";
    public static final String DEAD_LETTERS = "relaybus.dead.letters";
    public static final String QUEUED = "relaybus.dispatch.queued";
    public static final String LAG = "relaybus.consumer.lag";

    public static final String TAG_TRANSPORT = "transport";
    public static final String TAG_TOPIC = "topic";
    public static final String TAG_GROUP = "group";
    public static final String TAG_OUTCOME = "outcome";

    /** The group tag's value for a subscription without a group. */
    public static final String NO_GROUP = "none";

    /** One documented meter. */
    public record Meter(String name, String type, String unit, String tags, String prometheus, String description) {
    }

    /** Every meter, in the README's order. */
    public static final List<Meter> METERS = List.of(
            new Meter(PUBLISH, "timer", "seconds", "transport, topic, outcome (success, failure)",
                    "relaybus_publish_seconds_count, _sum, _max",
                    "From publish to the broker's acknowledgement (or failure); dead letters included, under their "
                            + "dead-letter topic."),
            new Meter(HANDLE, "timer", "seconds", "transport, topic, group, outcome (success, retry, dead_letter)",
                    "relaybus_handle_seconds_count, _sum, _max",
                    "One handling attempt: the handler plus settling (the acknowledgement, or storing the dead letter "
                            + "for dead_letter). retry: the attempt failed and the event will be handled again."),
            new Meter(END_TO_END, "timer", "seconds", "transport, topic, group",
                    "relaybus_end_to_end_latency_seconds_count, _sum, _max",
                    "From the event's timestamp (set when it was built for publishing) to the start of its first "
                            + "handling attempt. Across hosts it includes their clock difference."),
            new Meter(RETRIES, "counter", "", "transport, topic, group", "relaybus_retries_total",
                    "Handling attempts that failed and will be retried."),
            new Meter(DEAD_LETTERS, "counter", "", "transport, topic, group", "relaybus_dead_letters_total",
                    "Events whose dead letter was stored (the retry policy was used up)."),
            new Meter(QUEUED, "gauge", "events", "transport, topic, group", "relaybus_dispatch_queued_events",
                    "Events taken in from the broker and not yet settled (queued for a worker or being handled), "
                            + "summed over the bus's subscriptions of that topic and group. Near concurrency x "
                            + "bus.dispatch.queue.capacity means the handlers are the bottleneck."),
            new Meter(LAG, "gauge", "events", "transport, topic, group", "relaybus_consumer_lag_events",
                    "Events the broker holds for the subscription and has not delivered yet: Kafka's records-lag "
                            + "summed over the assigned partitions, JetStream's num_pending, the memory transport's "
                            + "backlog; NaN where the broker does not know (core NATS). With several subscriptions "
                            + "of one group on one bus, the largest."));

    private MeterDocs() {
    }
}
