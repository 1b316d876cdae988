package io.relaybus.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.api.interceptor.PublishContext;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for one {@link EventBus}: an {@link EventInterceptor} that times publishing and handling, and a
 * {@link MeterBinder} that registers them, with per-subscription gauges (dispatcher queue depth, consumer lag) and,
 * on the Kafka transport, kafka-clients' own metrics (Micrometer's {@code KafkaClientMetrics} for the producer and
 * each subscription's consumer). The meters are listed in {@link MeterDocs}.
 *
 * <pre>{@code
 * EventBusMetrics metrics = new EventBusMetrics();
 * EventBus bus = EventBus.builder().transport("kafka").interceptor(metrics)...build();
 * metrics.bindTo(registry);                  // before or after the bus opened
 * }</pre>
 * Or by name: {@code bus.interceptors=micrometer} binds to {@link io.micrometer.core.instrument.Metrics#globalRegistry}
 * (where Spring Boot also adds its registry).
 *
 * <p>One instance serves one bus and one registry (bind a {@code CompositeMeterRegistry} to export to several). Events
 * seen before {@link #bindTo} are not counted. Thread safe; the hooks do a map look-up and a timer record, nothing
 * that blocks.
 */
public final class EventBusMetrics implements EventInterceptor, MeterBinder {

    private static final Object START = new Object();
    private static final String SUCCESS = "success";

    private final Tags commonTags;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Live subscriptions by topic and group, for the gauges. */
    private final Map<List<String>, SubscriptionGauges> gauges = new ConcurrentHashMap<>();
    /** The producer's KafkaClientMetrics, and each subscription's consumer's. */
    private final List<AutoCloseable> clientMetrics = new ArrayList<>();
    private final Map<Subscription, AutoCloseable> consumerMetrics = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private EventBus bus;
    private final List<Subscription> subscriptions = new ArrayList<>();

    /** Meters with only the documented tags. */
    public EventBusMetrics() {
        this(Tags.empty());
    }

    /** Meters that also carry {@code tags}, for example to tell several buses in one application apart. */
    public EventBusMetrics(Iterable<Tag> tags) {
        this.commonTags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        List<Subscription> existing;
        EventBus openBus;
        synchronized (this) {
            if (this.registry != null) {
                if (this.registry == registry) {
                    return;
                }
                throw new IllegalStateException("This EventBusMetrics is already bound to a registry; bind a "
                        + "CompositeMeterRegistry to export to several");
            }
            this.registry = registry;
            existing = List.copyOf(subscriptions);
            openBus = bus;
        }
        if (openBus != null) {
            bindClient(openBus);
        }
        existing.forEach(this::bindSubscription);
    }

    @Override
    public void busOpened(EventBus bus) {
        synchronized (this) {
            this.bus = bus;
        }
        if (registry != null) {
            bindClient(bus);
        }
    }

    @Override
    public void busClosed(EventBus bus) {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(clientMetrics);
            clientMetrics.clear();
        }
        toClose.addAll(consumerMetrics.values());
        consumerMetrics.clear();
        for (AutoCloseable c : toClose) {
            closeQuietly(c);
        }
    }

    @Override
    public void subscribed(Subscription subscription) {
        synchronized (this) {
            subscriptions.add(subscription);
        }
        if (registry != null) {
            bindSubscription(subscription);
        }
    }

    @Override
    public void unsubscribed(Subscription subscription) {
        synchronized (this) {
            subscriptions.remove(subscription);
        }
        MeterRegistry r = registry;
        SubscriptionGauges g = gauges.get(key(subscription));
        if (r != null && g != null) {
            g.remove(subscription, r);
        }
        AutoCloseable c = consumerMetrics.remove(subscription);
        if (c != null) {
            closeQuietly(c);
        }
    }

    private void bindClient(EventBus bus) {
        AutoCloseable c = KafkaClients.AVAILABLE ? KafkaClients.bindProducer(bus, registry, commonTags) : null;
        if (c != null) {
            synchronized (this) {
                clientMetrics.add(c);
            }
        }
    }

    private void bindSubscription(Subscription subscription) {
        MeterRegistry r = registry;
        String transport = transportOf();
        gauges.computeIfAbsent(key(subscription), k -> new SubscriptionGauges())
                .add(subscription, r, tags(transport).and(MeterDocs.TAG_TOPIC, subscription.options().topic(),
                        MeterDocs.TAG_GROUP, groupOf(subscription)));
        if (KafkaClients.AVAILABLE) {
            // The consumer exists once the subscription is ready; bind off the transport's thread that completes it.
            subscription.ready().thenRunAsync(() -> bindConsumer(subscription, r));
        }
    }

    private void bindConsumer(Subscription subscription, MeterRegistry r) {
        if (!isLive(subscription) || consumerMetrics.containsKey(subscription)) {
            return;
        }
        AutoCloseable c = KafkaClients.bindConsumer(subscription, r, commonTags);
        if (c != null && consumerMetrics.putIfAbsent(subscription, c) != null) {
            closeQuietly(c);
        } else if (c != null && !isLive(subscription) && consumerMetrics.remove(subscription, c)) {
            closeQuietly(c);   // unsubscribed meanwhile
        }
    }

    private synchronized boolean isLive(Subscription subscription) {
        return subscriptions.contains(subscription);
    }

    private synchronized String transportOf() {
        return bus == null ? "unknown" : bus.transport();
    }

    private static List<String> key(Subscription s) {
        return List.of(s.options().topic(), groupOf(s));
    }

    private static String groupOf(Subscription s) {
        return s.options().group().orElse(MeterDocs.NO_GROUP);
    }

    private Tags tags(String transport) {
        return commonTags.and(MeterDocs.TAG_TRANSPORT, transport);
    }

    @Override
    public void beforePublish(PublishContext context) {
        if (registry != null) {
            context.put(START, System.nanoTime());
        }
    }

    @Override
    public void afterPublish(PublishContext context, PublishReceipt receipt) {
        recordPublish(context, SUCCESS);
    }

    @Override
    public void publishFailed(PublishContext context, Throwable error) {
        recordPublish(context, "failure");
    }

    private void recordPublish(PublishContext context, String outcome) {
        Object start = context.get(START);
        MeterRegistry r = registry;
        if (start == null || r == null) {
            return;
        }
        String topic = context.event().topic();
        timers.computeIfAbsent(MeterDocs.PUBLISH + '\0' + context.transport() + '\0' + topic + '\0' + outcome,
                k -> Timer.builder(MeterDocs.PUBLISH).description("Publish to broker acknowledgement")
                        .tags(tags(context.transport())).tag(MeterDocs.TAG_TOPIC, topic)
                        .tag(MeterDocs.TAG_OUTCOME, outcome).register(r))
                .record(System.nanoTime() - (Long) start, TimeUnit.NANOSECONDS);
    }

    @Override
    public void beforeHandle(HandlingContext context) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        context.put(START, System.nanoTime());
        if (context.attempt() == 1) {
            Duration sincePublish = Duration.between(context.event().timestamp(), Instant.now());
            if (!sincePublish.isNegative()) {
                handlingTimer(MeterDocs.END_TO_END, "Event timestamp to the start of its first handling attempt",
                        context, null).record(sincePublish);
            }
        }
    }

    @Override
    public void afterHandle(HandlingContext context) {
        recordHandling(context, SUCCESS);
    }

    @Override
    public void handleFailed(HandlingContext context, Throwable error, HandlingOutcome outcome) {
        if (recordHandling(context, outcome == HandlingOutcome.RETRY ? "retry" : "dead_letter")) {
            String name = outcome == HandlingOutcome.RETRY ? MeterDocs.RETRIES : MeterDocs.DEAD_LETTERS;
            String group = context.group().orElse(MeterDocs.NO_GROUP);
            String topic = context.event().topic();
            counters.computeIfAbsent(name + '\0' + context.transport() + '\0' + topic + '\0' + group,
                    k -> Counter.builder(name).tags(tags(context.transport())).tag(MeterDocs.TAG_TOPIC, topic)
                            .tag(MeterDocs.TAG_GROUP, group).register(registry))
                    .increment();
        }
    }

    private boolean recordHandling(HandlingContext context, String outcome) {
        Object start = context.get(START);
        if (start == null || registry == null) {
            return false;
        }
        handlingTimer(MeterDocs.HANDLE, "One handling attempt: handler plus settling", context, outcome)
                .record(System.nanoTime() - (Long) start, TimeUnit.NANOSECONDS);
        return true;
    }

    private Timer handlingTimer(String name, String description, HandlingContext context, String outcome) {
        String group = context.group().orElse(MeterDocs.NO_GROUP);
        String topic = context.event().topic();
        return timers.computeIfAbsent(name + '\0' + context.transport() + '\0' + topic + '\0' + group + '\0'
                + outcome, k -> {
                    Timer.Builder b = Timer.builder(name).description(description).tags(tags(context.transport()))
                            .tag(MeterDocs.TAG_TOPIC, topic).tag(MeterDocs.TAG_GROUP, group);
                    return (outcome == null ? b : b.tag(MeterDocs.TAG_OUTCOME, outcome)).register(registry);
                });
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // a binder that fails to unregister leaves stale meters; nothing else to do
        }
    }

    /**
     * The gauges of one topic and group: they read the live subscriptions, and are removed with the last one. Lag is
     * the largest reported (members of one group in one bus may report the same shared backlog, as JetStream does).
     */
    private static final class SubscriptionGauges {
        private final List<Subscription> members = new ArrayList<>();
        private Gauge queued;
        private Gauge lag;

        synchronized void add(Subscription s, MeterRegistry registry, Tags tags) {
            if (members.contains(s)) {
                return;   // bound from bindTo and subscribed at once
            }
            members.add(s);
            if (queued == null) {
                queued = Gauge.builder(MeterDocs.QUEUED, this, SubscriptionGauges::queued).tags(tags)
                        .baseUnit("events").description("Events taken in and not yet settled").strongReference(true)
                        .register(registry);
                lag = Gauge.builder(MeterDocs.LAG, this, SubscriptionGauges::lag).tags(tags).baseUnit("events")
                        .description("Events the broker holds for the subscription, not delivered yet")
                        .strongReference(true).register(registry);
            }
        }

        synchronized void remove(Subscription s, MeterRegistry registry) {
            members.remove(s);
            if (members.isEmpty() && queued != null) {
                registry.remove(queued);
                registry.remove(lag);
                queued = null;
                lag = null;
            }
        }

        private synchronized List<Subscription> snapshot() {
            return List.copyOf(members);
        }

        private double queued() {
            double sum = 0;
            for (Subscription s : snapshot()) {
                sum += s.queuedEvents();
            }
            return sum;
        }

        private double lag() {
            double max = Double.NaN;
            for (Subscription s : snapshot()) {
                OptionalLong l = s.lag();
                if (l.isPresent() && (Double.isNaN(max) || l.getAsLong() > max)) {
                    max = l.getAsLong();
                }
            }
            return max;
        }
    }
}
