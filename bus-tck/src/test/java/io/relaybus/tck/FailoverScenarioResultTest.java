package io.relaybus.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("FailoverScenario.Result: the guarantees every transport's failover test checks")
class FailoverScenarioResultTest {

    private static FailoverScenario.FaultOutcome fault(Duration recovery) {
        return new FailoverScenario.FaultOutcome("leader", "node 1", "0", 100, Duration.ofMillis(5),
                Duration.ofMillis(6), recovery, Duration.ofSeconds(3));
    }

    private static FailoverScenario.Result result(long hung, long lost, FailoverScenario.FaultOutcome fault) {
        return new FailoverScenario.Result(1000, 1000, 990, 10, Map.of("BusRetriableException: timed out", 10), hung,
                990 - lost, lost, List.of(), 0, List.of(fault), Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("nothing hung, nothing lost and a recovery after every kill pass, failed publishes or not")
    void safeResultPasses() {
        assertDoesNotThrow(() -> result(0, 0, fault(Duration.ofSeconds(4))).assertNothingLostOrHung());
    }

    @Test
    @DisplayName("a hung publish, a lost event or a group that never resumed fail, naming what broke, with the report")
    void eachBrokenGuaranteeFails() {
        AssertionError hung = assertThrows(AssertionError.class,
                () -> result(2, 0, fault(Duration.ofSeconds(4))).assertNothingLostOrHung());
        assertTrue(hung.getMessage().startsWith("2 publishes neither completed nor failed"), hung.getMessage());
        assertTrue(hung.getMessage().contains("[failover]"), "the report follows: " + hung.getMessage());
        AssertionError lost = assertThrows(AssertionError.class,
                () -> result(0, 3, fault(Duration.ofSeconds(4))).assertNothingLostOrHung());
        assertTrue(lost.getMessage().startsWith("3 acknowledged events were never handled"), lost.getMessage());
        AssertionError stuck = assertThrows(AssertionError.class,
                () -> result(0, 0, fault(null)).assertNothingLostOrHung());
        assertTrue(stuck.getMessage().startsWith("the group handled no event acknowledged after the kill: leader"),
                stuck.getMessage());
    }
}
