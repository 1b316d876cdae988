package io.relaybus.nats;

import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * Pull requests kept outstanding on one jnats pull subscription of a JetStream consumer, so that the next events are
 * already in the client when they are wanted.
 *
 * <p><b>Pulling.</b> While pulling, at most {@code batch} events are asked for and not yet taken; once a quarter of
 * them was taken (or none is asked for) another request tops it up, sized by the room {@code room} reports beyond
 * what is already asked for (at least one event when nothing is). Every request ends on the server when it got its
 * count or after {@code expires}; one that expired is replaced at once, so a request is always open.
 *
 * <p><b>Order.</b> All requests share the subscription, whose queue receives events in the order the server sent
 * them. (The server hands a consumer's events to its open requests in turn, one event each, so reading requests of
 * different subscriptions one after the other would not keep stream order.)
 *
 * <p><b>Ending.</b> {@link #stopPulling()} asks for nothing more; {@link #ended()} tells when no request can bring an
 * event any more, so that the caller has taken everything (read until then). Nothing is dropped before
 * {@link #close()}: jnats never closes this subscription on its own, and events arriving late stay queued. The server
 * answers a request that ends by expiry with a status jnats reads without telling which request it ended, so this
 * class keeps its own account: events taken are credited to the oldest request first, which over-states (never
 * under-states) what the younger requests may still bring; a request that expired counts as able to bring events for
 * {@link #GRACE} more (they may still be on their way), and so does one credited in full meanwhile (it may have been
 * credited with late events of the expired one).
 *
 * <p>Taking an event that is already in the client allocates nothing and normally reads no clock. Used by one thread
 * only.
 */
final class PullPipeline {

    /** How long after expiring a request may still bring events that were on their way. */
    static final Duration GRACE = Duration.ofMillis(500);

    private final JetStreamSubscription sub;
    private final int batch;
    private final int quarter;
    private final long expiresMs;
    private final long expiresNanos;
    private final long graceNanos = GRACE.toNanos();
    private final IntSupplier room;
    private final ArrayDeque<Request> requests = new ArrayDeque<>();
    /** Events asked for by {@link #requests} and not yet taken. */
    private int asked;
    /** Events taken since the last top-up, while some were asked for. */
    private int takenSinceTopUp;
    /** nanoTime until which a request that ended may still bring events; meaningful while {@link #lingering}. */
    private long lingerUntil;
    private boolean lingering;
    private boolean pulling = true;

    private static final class Request {
        final int count;
        final long expiresAt;
        int taken;

        Request(int count, long expiresAt) {
            this.count = count;
            this.expiresAt = expiresAt;
        }
    }

    /**
     * @param sub     a pull subscription bound to the consumer; closed by {@link #close()}
     * @param batch   most events asked for and not yet taken
     * @param expires how long a request stays open on the server
     * @param room    how many more events the caller could take now
     */
    PullPipeline(JetStreamSubscription sub, int batch, Duration expires, IntSupplier room) {
        this.sub = sub;
        this.batch = batch;
        this.quarter = Math.max(1, batch / 4);
        this.expiresMs = expires.toMillis();
        this.expiresNanos = expires.toNanos();
        this.room = room;
        topUp();
    }

    /**
     * The next event, waiting up to {@code wait} for one (null: not at all); null when none came. While pulling,
     * tops the requests up first. Throws what jnats throws: {@link io.nats.client.JetStreamStatusException} when the
     * server ended a request with an error (the consumer deleted, ...), {@link IllegalStateException} when the
     * subscription or connection is closed.
     */
    Message next(Duration wait) throws InterruptedException {
        if (pulling && asked <= batch - quarter && (asked == 0 || takenSinceTopUp >= quarter)) {
            topUp();
        }
        Message msg = sub.nextMessage(wait == null ? null : bounded(wait));
        while (msg == null && wait == null && sub.getPendingMessageCount() > 0) {
            msg = sub.nextMessage((Duration) null);     // it read a status that ended a request; events may follow
        }
        if (msg != null) {
            taken();
        } else {
            expire(System.nanoTime());
        }
        return msg;
    }

    /** Asks for nothing more; requests already open still bring events until they end. */
    void stopPulling() {
        pulling = false;
    }

    /** Pulls again after {@link #stopPulling()}; the next {@link #next} asks for events. */
    void startPulling() {
        pulling = true;
    }

    /** Whether no request can bring an event any more; those it brought are all taken or waiting for {@link #next}. */
    boolean ended() {
        expire(System.nanoTime());
        return !pulling && requests.isEmpty() && !lingering;
    }

    boolean isActive() {
        return sub.isActive();
    }

    /** Unsubscribes: events still queued or on their way are dropped (the server redelivers them after the ack wait). */
    void close() {
        sub.unsubscribe();
    }

    private void topUp() {
        int n = Math.min(batch - asked, room.getAsInt() - asked);
        if (asked == 0) {
            n = Math.max(1, n);
        }
        takenSinceTopUp = 0;
        if (n <= 0) {
            return;
        }
        sub.pull(PullRequestOptions.builder(n).expiresIn(expiresMs).build());
        requests.add(new Request(n, System.nanoTime() + expiresNanos));
        asked += n;
    }

    /** Credits a taken event to the oldest open request. */
    private void taken() {
        Request oldest = requests.peek();
        if (oldest == null) {
            return;     // a late event of an expired request
        }
        asked--;
        takenSinceTopUp++;
        if (++oldest.taken == oldest.count) {
            requests.poll();
            if (lingering) {
                // It may have been credited with late events of an expired request, and may still bring some itself.
                long now = System.nanoTime();
                if (now - lingerUntil >= 0) {
                    lingering = false;
                } else {
                    lingerUntil = later(lingerUntil, oldest.expiresAt + graceNanos);
                }
            }
        }
    }

    /** Forgets requests that expired; events on their way may still come within {@link #GRACE}. */
    private void expire(long now) {
        for (Request r = requests.peek(); r != null && now - r.expiresAt >= 0; r = requests.peek()) {
            requests.poll();
            asked -= r.count - r.taken;
            lingerUntil = lingering ? later(lingerUntil, r.expiresAt + graceNanos) : r.expiresAt + graceNanos;
            lingering = true;
        }
        if (lingering && now - lingerUntil >= 0) {
            lingering = false;
        }
    }

    private static long later(long nanoTimeA, long nanoTimeB) {
        return nanoTimeA - nanoTimeB >= 0 ? nanoTimeA : nanoTimeB;
    }

    /** {@code wait}, but no longer than until the oldest request expires (to replace it at once). */
    private Duration bounded(Duration wait) {
        Request oldest = requests.peek();
        if (oldest == null || !pulling) {
            return wait;
        }
        long left = oldest.expiresAt - System.nanoTime();
        if (left <= 0) {
            return Duration.ofNanos(1);
        }
        return left < wait.toNanos() ? Duration.ofNanos(left) : wait;
    }
}
