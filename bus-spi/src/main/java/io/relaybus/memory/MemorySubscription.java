package io.relaybus.memory;

import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.support.IntakeQueue;
import io.relaybus.spi.support.SwitchedSubscription;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull thread per subscription: takes deliveries for its group from the topic (as many as the sink has room
 * for) and offers them in order; a refused delivery is held and offered again, before anything newer, once the sink
 * made room. Deliveries never settled by the time of {@link #close()} go back to the group.
 */
final class MemorySubscription extends SwitchedSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(MemorySubscription.class);

    private final MemoryBroker broker;
    private final MemoryTopic topic;
    private final MemoryTopic.Group group;
    private final DeliverySink sink;
    private final int fetchMax;
    private final Set<MemoryDelivery> outstanding = ConcurrentHashMap.newKeySet();
    private final IntakeQueue<MemoryDelivery> intake;   // pull thread only
    private final Thread puller;
    private final String describe;
    private long droppedUnreported;     // pull thread only
    private long droppedInAll;          // pull thread only
    private final LongConsumer dropped = n -> droppedUnreported += n;   // called by take(), on the pull thread
    private boolean behindRetention;    // pull thread only
    private final AtomicBoolean left = new AtomicBoolean();

    MemorySubscription(MemoryBroker broker, SubscriptionSpec spec, DeliverySink sink, int fetchMax) {
        this.broker = broker;
        this.topic = broker.topic(spec.topic());
        this.sink = sink;
        this.intake = new IntakeQueue<>(sink);
        this.fetchMax = fetchMax;
        // The group (and for LATEST its cursor) is fixed here, before ready completes.
        this.group = spec.group() == null
                ? topic.joinPrivate(spec.startFrom())
                : topic.join(spec.group(), spec.startFrom());
        this.describe = spec.describe();
        this.puller = new Thread(this::pull, "relaybus-memory-" + spec.describe());
        this.puller.setDaemon(true);
        broker.attach(this);
        this.puller.start();
    }

    @Override
    public OptionalLong lag() {
        return OptionalLong.of(topic.lag(group));
    }

    private void pull() {
        ready().complete(null);
        try {
            while (!stopped()) {
                if (paused()) {
                    // Checked before offering anything: a take that was waiting when pause() ran keeps its events.
                    Thread.sleep(5);
                    continue;
                }
                if (intake.isHolding()) {
                    if (!intake.offerHeld()) {
                        intake.awaitRoom(50, TimeUnit.MILLISECONDS);
                    }
                    continue;
                }
                int room = Math.min(fetchMax, sink.remainingCapacity());
                if (room == 0) {
                    intake.awaitRoom(50, TimeUnit.MILLISECONDS);
                    continue;
                }
                List<MemoryDelivery> batch = topic.take(group, room, 100, outstanding, dropped);
                for (MemoryDelivery d : batch) {
                    intake.hold(d);   // offered on the next turn, once paused was checked again
                }
                reportRetention();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            intake.handBack(MemoryDelivery::abandon);
        }
    }

    /**
     * Reports what retention dropped before the group read it, once, by the member whose take skipped it: a WARN per
     * drop and DEGRADED health until the group is back within half the retention. Pull thread only.
     */
    private void reportRetention() {
        if (droppedUnreported > 0) {
            droppedInAll += droppedUnreported;
            String reason = "fell behind the retention of topic " + topic.name() + " (" + topic.retention() + "); "
                    + droppedUnreported + " events were dropped before it read them (" + droppedInAll
                    + " seen by this member in all)";
            droppedUnreported = 0;
            LOG.warn("Memory subscription {} {}. Keep a subscription of the group open while events are published, "
                    + "or raise the retention", describe, reason);
            sink.intakeDegraded(reason);
            behindRetention = true;
        } else if (behindRetention && topic.lag(group) <= topic.retained() / 2) {
            behindRetention = false;
            sink.intakeRecovered();
        }
    }

    @Override
    public void resume() {
        super.resume();
        topic.wakeReaders();
    }

    /** Stops taking and leaves the group, so publishers no longer wait for this member. */
    @Override
    public void stopIntake() {
        super.stopIntake();
        topic.wakeReaders();
        try {
            puller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (left.compareAndSet(false, true)) {
                topic.leave(group);
            }
        }
    }

    /** The broker restarted: every delivery not settled yet goes back to the group (see {@link MemoryBroker#restart}). */
    void forgetUnsettled() {
        for (MemoryDelivery d : List.copyOf(outstanding)) {
            d.abandon();
        }
    }

    /** How many deliveries of {@code g} this member holds unsettled. */
    long unsettledOf(MemoryTopic.Group g) {
        long n = 0;
        for (MemoryDelivery d : outstanding) {
            if (d.group() == g) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        stopIntake();
        forgetUnsettled();
        broker.detach(this);
    }
}
