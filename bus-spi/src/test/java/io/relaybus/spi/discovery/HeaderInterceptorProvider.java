package io.relaybus.spi.discovery;

import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.EventInterceptorProvider;
import io.relaybus.api.interceptor.PublishContext;

import java.util.Map;

/**
 * A test interceptor named "stamp": adds the header {@code stamp} with the value of {@code <name>.value} (default: the name) from the bus's
 * configuration, appending to what an earlier interceptor set. Listed only in the services files the tests write.
 */
public class HeaderInterceptorProvider implements EventInterceptorProvider {

    @Override
    public String name() {
        return "stamp";
    }

    @Override
    public EventInterceptor create(Map<String, Object> config) {
        String value = String.valueOf(config.getOrDefault(name() + ".value", name()));
        return new EventInterceptor() {
            @Override
            public void beforePublish(PublishContext context) {
                String before = context.event().headers().get("stamp");
                context.header("stamp", before == null ? value : before + "," + value);
            }
        };
    }
}
