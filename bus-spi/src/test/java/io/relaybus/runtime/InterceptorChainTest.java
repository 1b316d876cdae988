package io.relaybus.runtime;

import io.relaybus.api.Event;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.PublishContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the chain contains and reports an interceptor's failures. */
class InterceptorChainTest {

    private static final Event EVENT = Event.builder("orders").id("e1").build();

    private final List<String> logged = new CopyOnWriteArrayList<>();

    private InterceptorChain chain(EventInterceptor... interceptors) {
        return new InterceptorChain("memory", List.of(interceptors),
                (first, message, error) -> logged.add((first ? "WARN " : "DEBUG ") + message + " / " + error.getMessage()));
    }

    private static final class FailsBeforeHandle implements EventInterceptor {
        @Override
        public void beforeHandle(HandlingContext context) {
            throw new IllegalStateException("broken");
        }

        @Override
        public void beforePublish(PublishContext context) {
            throw new IllegalStateException("broken too");
        }
    }

    @Test
    @DisplayName("no interceptor: no chain, so the bus skips every hook")
    void noInterceptorsNoChain() {
        assertNull(InterceptorChain.of("memory", List.of()));
    }

    @Test
    @DisplayName("a failing hook is logged at WARN once per interceptor and hook (saying what to do), then at DEBUG")
    void failureIsWarnedOncePerHook() {
        InterceptorChain chain = chain(new FailsBeforeHandle());
        InterceptorChain.Handling handling = chain.forSubscription("orders[g]", "g");

        handling.beforeHandle(EVENT, 1).handled();
        handling.beforeHandle(EVENT, 2).handled();
        chain.beforePublish(EVENT);

        String name = FailsBeforeHandle.class.getName();
        assertEquals(List.of(
                "WARN Interceptor " + name + " failed in beforeHandle for event e1 of topic orders; ignored, the event "
                        + "goes on unaffected. Fix or remove the interceptor (further failures of this interceptor in "
                        + "beforeHandle are logged at DEBUG) / broken",
                "DEBUG Interceptor " + name + " failed in beforeHandle for event e1 of topic orders; ignored, the "
                        + "event goes on unaffected. Fix or remove the interceptor / broken",
                "WARN Interceptor " + name + " failed in beforePublish for event e1 of topic orders; ignored, the "
                        + "event goes on unaffected. Fix or remove the interceptor (further failures of this "
                        + "interceptor in beforePublish are logged at DEBUG) / broken too"), logged);
    }

    @Test
    @DisplayName("headers can be added only in beforePublish; the event sent carries them")
    void headersOnlyBeforePublish() {
        PublishContext[] kept = new PublishContext[1];
        InterceptorChain chain = chain(new EventInterceptor() {
            @Override
            public void beforePublish(PublishContext context) {
                context.header("traceparent", "00-abc");
                kept[0] = context;
            }
        });
        InterceptorChain.Publish p = chain.beforePublish(EVENT);

        assertEquals("00-abc", p.event().headers().get("traceparent"));
        assertEquals("e1", p.event().id());
        assertThrows(IllegalStateException.class, () -> kept[0].header("late", "x"));
        assertTrue(logged.isEmpty());
    }

    @Test
    @DisplayName("the future returned by track completes only after the after-hooks ran")
    void trackCompletesAfterHooks() {
        List<String> order = new CopyOnWriteArrayList<>();
        InterceptorChain chain = chain(new EventInterceptor() {
            @Override
            public void afterPublish(PublishContext context, io.relaybus.api.PublishReceipt receipt) {
                order.add("hook");
            }
        });
        CompletableFuture<io.relaybus.api.PublishReceipt> sent = new CompletableFuture<>();
        CompletableFuture<io.relaybus.api.PublishReceipt> tracked = chain.beforePublish(EVENT).track(sent);
        tracked.thenRun(() -> order.add("application"));
        sent.complete(new io.relaybus.api.PublishReceipt("e1", "orders", "0", false));

        assertEquals(List.of("hook", "application"), order);
    }
}
