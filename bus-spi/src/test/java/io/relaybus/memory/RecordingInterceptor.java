package io.relaybus.memory;

import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.api.interceptor.PublishContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every hook call as one line ({@code name:hook:topic:detail}) into a list shared by several interceptors,
 * so a test sees the order across them. Checks the pairing contract itself: the after-hook of a handling attempt runs
 * on the thread of its before-hook.
 */
class RecordingInterceptor implements EventInterceptor {

    private final String name;
    final List<String> calls;
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final Object threadKey = new Object();

    RecordingInterceptor(String name, List<String> calls) {
        this.name = name;
        this.calls = calls;
    }

    private void record(String hook, String topic, String detail) {
        calls.add(name + ":" + hook + ":" + topic + ":" + detail);
    }

    @Override
    public void busOpened(EventBus bus) {
        record("busOpened", "-", bus.transport());
    }

    @Override
    public void subscribed(Subscription subscription) {
        record("subscribed", subscription.options().topic(), subscription.options().group().orElse("-"));
    }

    @Override
    public void unsubscribed(Subscription subscription) {
        record("unsubscribed", subscription.options().topic(), subscription.options().group().orElse("-"));
    }

    @Override
    public void busClosed(EventBus bus) {
        record("busClosed", "-", bus.transport());
    }

    @Override
    public void beforePublish(PublishContext context) {
        context.put(threadKey, System.nanoTime());
        record("beforePublish", context.event().topic(), context.event().id());
    }

    @Override
    public void afterPublish(PublishContext context, PublishReceipt receipt) {
        if (context.get(threadKey) == null) {
            violations.add("afterPublish without the value put in beforePublish");
        }
        record("afterPublish", context.event().topic(), receipt.eventId());
    }

    @Override
    public void publishFailed(PublishContext context, Throwable error) {
        record("publishFailed", context.event().topic(), error.getClass().getSimpleName());
    }

    @Override
    public void beforeHandle(HandlingContext context) {
        context.put(threadKey, Thread.currentThread());
        record("beforeHandle", context.event().topic(), context.event().id() + "#" + context.attempt());
    }

    @Override
    public void afterHandle(HandlingContext context) {
        checkThread(context);
        record("afterHandle", context.event().topic(), context.event().id() + "#" + context.attempt());
    }

    @Override
    public void handleFailed(HandlingContext context, Throwable error, HandlingOutcome outcome) {
        checkThread(context);
        record("handleFailed", context.event().topic(), context.event().id() + "#" + context.attempt() + ":"
                + outcome + ":" + error.getMessage());
    }

    private void checkThread(HandlingContext context) {
        if (context.get(threadKey) != Thread.currentThread()) {
            violations.add("after-hook of " + context.event().id() + " ran on " + Thread.currentThread().getName()
                    + ", not on the thread of beforeHandle");
        }
    }
}
