package io.relaybus.bench;

import io.relaybus.api.BatchOptions;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The bus over any transport, opened with {@link EventBus#open(Map)}: what an application does. The subscription
 * uses a fresh consumer group and starts from the earliest event of a fresh topic, so "ready, then publish" never
 * depends on how fast the group positions itself; {@code ready()} is still awaited before anything is published.
 */
final class BusTarget implements Target {

    private final Map<String, Object> config;
    private final String topic;
    private final String group;
    private final int concurrency;
    private final Map<String, String> extraSettings;
    private int batch;
    private EventBus bus;
    private Subscription subscription;

    /**
     * @param config        everything passed to {@link EventBus#open(Map)}
     * @param extraSettings settings that are not bus keys but matter for reading the result (printed too)
     */
    BusTarget(Map<String, Object> config, String topic, String group, int concurrency,
              Map<String, String> extraSettings) {
        this.config = new LinkedHashMap<>(config);
        this.topic = topic;
        this.group = group;
        this.concurrency = concurrency;
        this.extraSettings = extraSettings;
    }

    /** Subscribes a batch handler of up to {@code maxEvents} events (no linger) instead; 0 keeps single events. */
    BusTarget batch(int maxEvents) {
        this.batch = maxEvents;
        return this;
    }

    @Override
    public String kind() {
        return "bus";
    }

    @Override
    public String description() {
        return "EventBus(" + config.get(EventBus.TRANSPORT_CONFIG) + ")";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new TreeMap<>();
        config.forEach((k, v) -> s.put(k, Redact.value(k, v)));
        s.put("subscribe.topic", topic);
        s.put("subscribe.group", group);
        s.put("subscribe.concurrency", String.valueOf(concurrency));
        s.put("subscribe.startFrom", "EARLIEST");
        if (batch > 0) {
            s.put("subscribe.batch", "subscribeBatch, up to " + batch + " events, maxWait 0 (natural batches)");
        }
        s.putAll(extraSettings);
        return s;
    }

    @Override
    public void open() {
        bus = EventBus.open(config);
    }

    @Override
    public void subscribe(Receiver receiver) throws Exception {
        SubscribeOptions options = SubscribeOptions.builder(topic).group(group).concurrency(concurrency)
                .startFrom(StartPosition.EARLIEST).build();
        if (batch > 0) {
            subscription = bus.subscribeBatch(options, BatchOptions.of(batch).withMaxWait(Duration.ZERO), events -> {
                for (Event e : events) {
                    receiver.onEvent(e.payload());
                }
            });
        } else {
            subscription = bus.subscribe(options, event -> receiver.onEvent(event.payload()));
        }
        subscription.ready().toCompletableFuture().get(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(byte[] payload, String key, AckCallback callback) {
        Event event = Event.builder(topic).key(key).payload(payload).build();
        bus.publish(event).whenComplete((receipt, error) -> callback.done(error));
    }

    @Override
    public void close() {
        try {
            if (subscription != null) {
                subscription.close();
            }
        } finally {
            if (bus != null) {
                bus.close();
            }
        }
    }

    @Override
    public String destination() {
        return topic;
    }
}
