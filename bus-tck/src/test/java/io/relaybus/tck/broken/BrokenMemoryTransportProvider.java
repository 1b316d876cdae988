package io.relaybus.tck.broken;

import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigType;
import io.relaybus.spi.config.Importance;
import io.relaybus.spi.config.Validator;
import io.relaybus.memory.MemoryTransportProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately broken transport for the kit's own tests: the in-memory transport with one bug put into the path
 * from its intake to the runtime's {@link DeliverySink}. Registered in {@code META-INF/services} of the test class
 * path only; {@code <name>.broker} names the in-memory broker.
 */
abstract class BrokenMemoryTransportProvider implements TransportProvider {

    /** What the bug does to one offer: {@code sink} is the runtime's, {@code delivery} the memory transport's. */
    interface Bug {
        boolean offer(DeliverySink sink, Delivery delivery);
    }

    private final MemoryTransportProvider memory = new MemoryTransportProvider();
    private final String name;
    private final Bug bug;

    /** @param name the transport's name ({@code bus.transport}) */
    BrokenMemoryTransportProvider(String name, Bug bug) {
        this.name = name;
        this.bug = bug;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef(name() + ".").define(name() + ".broker", ConfigType.STRING, "default",
                Validator.nonEmpty(), Importance.HIGH, "The name of the in-memory broker underneath.");
    }

    @Override
    public Transport create(TransportContext context) {
        Transport inner = memory.create(new TransportContext(context.clientId(), memory.configDef().parse(
                Map.of(MemoryTransportProvider.BROKER_CONFIG, context.config().getString(name() + ".broker")))));
        return new Transport() {
            @Override
            public CompletableFuture<PublishReceipt> publish(Event event) {
                return inner.publish(event);
            }

            @Override
            public CompletableFuture<List<PublishReceipt>> publishAll(List<Event> events) {
                return inner.publishAll(events);
            }

            @Override
            public TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink) {
                return inner.subscribe(spec, new DeliverySink() {
                    @Override
                    public boolean offer(Delivery delivery) {
                        return bug.offer(sink, delivery);
                    }

                    @Override
                    public int remainingCapacity() {
                        return sink.remainingCapacity();
                    }

                    @Override
                    public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
                        return sink.awaitCapacity(timeout, unit);
                    }

                    // The intake's health reports pass through: only offer carries the bug.
                    @Override
                    public void intakeDegraded(String reason) {
                        sink.intakeDegraded(reason);
                    }

                    @Override
                    public void intakeRecovered() {
                        sink.intakeRecovered();
                    }

                    @Override
                    public void intakeFailed(Throwable cause) {
                        sink.intakeFailed(cause);
                    }
                });
            }

            @Override
            public void validateTopic(String topic) {
                inner.validateTopic(topic);
            }

            @Override
            public BusHealth health() {
                return inner.health();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
