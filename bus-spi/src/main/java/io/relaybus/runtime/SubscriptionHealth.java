package io.relaybus.runtime;

import io.relaybus.api.BusException;
import io.relaybus.api.BusHealth;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The health of one subscription, fed by the parts that can get into trouble: the dead-letter path and the
 * transport's intake. Each part degrades and recovers under a name of its own, so one recovering does not hide the
 * other. A failure is final: the first one wins, is reported once to the listener given at construction (which stops
 * the subscription), and keeps the health DOWN.
 *
 * <p>Thread safe: parts report from worker and intake threads concurrently.
 */
final class SubscriptionHealth {

    private final String subscription;
    private final Consumer<BusException> onFailure;
    private final Map<String, String> degraded = new TreeMap<>();
    private volatile BusException failure;
    private boolean closed;

    /**
     * @param subscription the subscription's name in health details ({@code topic[group]})
     * @param onFailure    called once, on the thread that reported the first failure
     */
    public SubscriptionHealth(String subscription, Consumer<BusException> onFailure) {
        this.subscription = subscription;
        this.onFailure = onFailure;
    }

    /** The subscription's name, {@code topic[group]}. */
    public String name() {
        return subscription;
    }

    /** {@code part} is retrying something it expects to get past; {@code reason} must not contain secrets. */
    public synchronized void degrade(String part, String reason) {
        degraded.put(part, reason);
    }

    /** {@code part} is back to normal. */
    public synchronized void recover(String part) {
        degraded.remove(part);
    }

    /** The subscription cannot go on; the first call wins and reaches the listener, later ones are ignored. */
    public void fail(BusException cause) {
        synchronized (this) {
            if (failure != null || closed) {
                return;
            }
            failure = cause;
        }
        onFailure.accept(cause);
    }

    /** The subscription was closed by the application; without an earlier failure the health becomes DOWN "closed". */
    public synchronized void closed() {
        closed = true;
    }

    /** Whether {@link #fail} was called. Cheap: checked before every delivery. */
    public boolean failed() {
        return failure != null;
    }

    /** The failure, or null. */
    public BusException failure() {
        return failure;
    }

    public synchronized BusHealth health() {
        if (failure != null) {
            return BusHealth.down(failure.getMessage());
        }
        if (closed) {
            return BusHealth.down("subscription " + subscription + " closed");
        }
        if (!degraded.isEmpty()) {
            StringBuilder detail = new StringBuilder("subscription ").append(subscription).append(": ");
            String sep = "";
            for (Map.Entry<String, String> e : degraded.entrySet()) {
                detail.append(sep).append(e.getKey()).append(": ").append(e.getValue());
                sep = "; ";
            }
            return BusHealth.degraded(detail.toString());
        }
        return BusHealth.up("subscription " + subscription);
    }
}
