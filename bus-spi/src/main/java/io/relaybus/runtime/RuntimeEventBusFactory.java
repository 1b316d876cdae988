package io.relaybus.runtime;

import com.google.auto.service.AutoService;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.EventBus;
import io.relaybus.api.bootstrap.EventBusFactory;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.EventInterceptorProvider;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.runtime.TransportRegistry;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.runtime.InterceptorChain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Opens a bus: validates the {@code bus.*} keys and the chosen transport's keys together (so every problem is reported
 * at once), selects the transport by name, creates it and wraps it with the runtime.
 */
@AutoService(EventBusFactory.class)
public final class RuntimeEventBusFactory implements EventBusFactory {

    @Override
    public EventBus open(Map<String, Object> config, List<EventInterceptor> interceptors, ClassLoader loader) {
        List<BusConfigException.Problem> problems = new ArrayList<>();
        ConfigValues core = BusConfig.DEFINITION.parse(config, problems);
        List<EventInterceptorProvider> named = core.has(BusConfig.INTERCEPTORS_CONFIG)
                ? InterceptorRegistry.load(loader).select(BusConfig.INTERCEPTORS_CONFIG,
                        core.getList(BusConfig.INTERCEPTORS_CONFIG), problems)
                : List.of();
        TransportRegistry registry = TransportRegistry.load(loader);
        TransportProvider provider;
        try {
            provider = registry.select(core.getString(BusConfig.TRANSPORT_CONFIG));
        } catch (BusConfigException e) {
            problems.addAll(e.problems());
            throw new BusConfigException(problems);
        }
        List<BusConfigException.Problem> keyProblems = new ArrayList<>();
        ConfigValues transportConfig = provider.configDef().parse(config, keyProblems);
        // Cross-key checks run even when a key failed to parse (its default stands in), so every problem is
        // reported at once; a check must not repeat a problem already reported for one of its keys.
        provider.validate(transportConfig, keyProblems);
        keyProblems.stream().distinct().forEach(problems::add);   // a cross-key check may repeat a key's problem
        if (!problems.isEmpty()) {
            throw new BusConfigException(problems);
        }
        List<EventInterceptor> all = new ArrayList<>(interceptors);
        for (EventInterceptorProvider p : named) {
            all.add(InterceptorRegistry.create(p, config));
        }
        String clientId = core.has(BusConfig.CLIENT_ID_CONFIG) ? core.getString(BusConfig.CLIENT_ID_CONFIG)
                : "relaybus-" + UUID.randomUUID().toString().substring(0, 8);
        Transport transport;
        try {
            transport = provider.create(new TransportContext(clientId, transportConfig));
        } catch (BusException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BusException("Transport " + provider.name() + " failed to start: " + e.getMessage(), e);
        }
        InterceptorChain chain = InterceptorChain.of(provider.name(), all);
        RuntimeEventBus bus = new RuntimeEventBus(provider.name(), transport, core.getInt(BusConfig.QUEUE_CAPACITY_CONFIG),
                core.getDuration(BusConfig.CLOSE_TIMEOUT_CONFIG), chain);
        if (chain != null) {
            chain.busOpened(bus);
        }
        return bus;
    }
}
