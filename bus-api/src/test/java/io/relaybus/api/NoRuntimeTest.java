package io.relaybus.api;

import io.relaybus.api.bootstrap.EventBusFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** bus-api's own test class path has no runtime: this is what an application missing bus-spi sees. */
@DisplayName("bus-api alone")
class NoRuntimeTest {

    private static final String NO_RUNTIME = "No event-bus runtime found on the class path: add io.relaybus:bus-spi "
            + "(or a transport such as io.relaybus:transport-kafka, which brings it)";

    @Test
    @DisplayName("opening a bus without a runtime says to add io.relaybus:bus-spi")
    void noRuntime() {
        assertEquals(NO_RUNTIME, assertThrows(BusException.class,
                () -> EventBusFactory.find(NoRuntimeTest.class.getClassLoader())).getMessage());
        assertEquals(NO_RUNTIME, assertThrows(BusException.class,
                () -> EventBus.open(Map.of("bus.transport", "memory"))).getMessage());
    }

    @Test
    @DisplayName("configuration problems read \"Invalid value X for configuration Y: reason\"")
    void configProblemMessages() {
        assertEquals("Invalid value 0 for configuration bus.x: must be at least 1",
                new BusConfigException("bus.x", "0", "must be at least 1").getMessage());
        assertEquals("2 configuration problems:\n  - Missing value for configuration bus.a: required"
                        + "\n  - Invalid value z for configuration bus.b: expected a number",
                new BusConfigException(List.of(new BusConfigException.Problem("bus.a", null, "required"),
                        new BusConfigException.Problem("bus.b", "z", "expected a number"))).getMessage());
    }

    @Test
    @DisplayName("retry backoff grows by the multiplier and is capped")
    void retryBackoff() {
        RetryPolicy p = RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofMillis(350), 2.0);
        assertEquals(List.of(100L, 200L, 350L, 350L), List.of(p.backoffAfter(1).toMillis(), p.backoffAfter(2).toMillis(),
                p.backoffAfter(3).toMillis(), p.backoffAfter(4).toMillis()));
        assertEquals(1, RetryPolicy.none().maxAttempts());
    }
}
