package io.relaybus.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

/**
 * Proves the kit bites: runs its contracts, through the JUnit Platform's {@link EngineTestKit}, against transports
 * that each carry one deliberate bug (see {@code io.relaybus.tck.broken}) and asserts that the contracts meant to
 * catch that bug fail, while the in-memory transport passes the same contracts.
 *
 * <p>The kits for the broken transports are nested here (surefire runs top-level test classes only) and are disabled
 * unless the configuration parameter {@value #SELF_TEST} is set, which only this class's engine runs do.
 */
class KitCatchesBrokenTransportsTest {

    static final String SELF_TEST = "relaybus.tck.selftest";

    /** A test of a contract that must fail against a broken kit, and what its failure message must contain. */
    private record Caught(Class<?> contract, String test, String because) {
    }

    private static final Caught CHAOS = new Caught(TransportCompatibilityKit.Chaos.class, "survivesChaos",
            "neither handled nor dead-lettered");

    /** Each broken kit, named by what the test shows, with the contract tests that must catch its bug. */
    static final List<Arguments> BROKEN_KITS = List.of(
            arguments(named("a transport that drops refused deliveries fails 'Refusal and hold', 'Pause and "
                    + "resume' and 'Chaos'", DropRefusedKit.class), List.of(
                    new Caught(TransportCompatibilityKit.RefusalAndHold.class,
                            "refusedDeliveriesAreHeldAndOfferedAgain", "every event was handled"),
                    new Caught(TransportCompatibilityKit.PauseResume.class,
                            "pauseStopsIntakeAndResumeLosesNothing", "every event arrived after resume()"),
                    CHAOS)),
            arguments(named("a transport that acknowledges before the handler ran fails 'Hand-off on close' and "
                    + "'Chaos'", EarlyAckKit.class), List.of(
                    new Caught(TransportCompatibilityKit.CloseHandoff.class,
                            "unsettledEventsGoToTheNextMember", "the next member handled every event"),
                    CHAOS)));

    @ParameterizedTest(name = "{0}")
    @FieldSource("BROKEN_KITS")
    void brokenTransportIsCaught(Class<? extends TransportCompatibilityKit> kit, List<Caught> expected) {
        Map<String, TestExecutionResult> results = run(kit,
                expected.stream().map(Caught::contract).toArray(Class<?>[]::new));
        for (Caught caught : expected) {
            assertFailed(results, caught.test(), caught.because());
        }
    }

    @Test
    @DisplayName("the in-memory transport passes the same contracts")
    void memoryPassesThem() {
        Map<String, TestExecutionResult> results = run(MemoryTransportCompatibilityTest.class,
                TransportCompatibilityKit.RefusalAndHold.class, TransportCompatibilityKit.PauseResume.class,
                TransportCompatibilityKit.CloseHandoff.class, TransportCompatibilityKit.Chaos.class);
        assertEquals(4, results.size(), results.keySet().toString());
        results.forEach((test, result) -> assertEquals(TestExecutionResult.Status.SUCCESSFUL, result.getStatus(),
                test + ": " + result.getThrowable().map(Throwable::toString).orElse("")));
    }

    /** Runs the given contracts of {@code kit}; returns each test method's result by method name. */
    private static Map<String, TestExecutionResult> run(Class<? extends TransportCompatibilityKit> kit,
                                                        Class<?>... contracts) {
        DiscoverySelector[] selectors = Arrays.stream(contracts).map(c -> selectNestedClass(List.of(kit), c))
                .toArray(DiscoverySelector[]::new);
        Events tests = EngineTestKit.engine("junit-jupiter").configurationParameter(SELF_TEST, "true")
                .selectors(selectors).execute().testEvents();
        Map<String, TestExecutionResult> results = new LinkedHashMap<>();
        for (Event finished : tests.finished().list()) {
            String method = finished.getTestDescriptor().getSource()
                    .filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                    .orElse(finished.getTestDescriptor().getDisplayName());
            results.put(method, finished.getRequiredPayload(TestExecutionResult.class));
        }
        return results;
    }

    private static void assertFailed(Map<String, TestExecutionResult> results, String test, String because) {
        TestExecutionResult result = results.get(test);
        assertNotNull(result, test + " did not run; ran: " + results.keySet());
        assertEquals(TestExecutionResult.Status.FAILED, result.getStatus(), test + " should have caught the bug");
        String message = result.getThrowable().map(Throwable::getMessage).orElse("");
        assertTrue(message.contains(because), test + " failed for another reason: " + message);
    }

    /** Enables the broken kits only inside this class's engine runs. */
    static final class OnlyInSelfTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SELF_TEST).isPresent()
                    ? ConditionEvaluationResult.enabled("run by " + KitCatchesBrokenTransportsTest.class.getSimpleName())
                    : ConditionEvaluationResult.disabled("a deliberately broken transport; run only by "
                    + KitCatchesBrokenTransportsTest.class.getSimpleName());
        }
    }

    /** Shared by the broken kits: short waits, since their failures are waits that run out. */
    abstract static class BrokenKit extends TransportCompatibilityKit {
        private final String broker = "tck-broken-" + UUID.randomUUID();

        abstract String transport();

        @Override
        protected Map<String, Object> busConfig() {
            return Map.of("bus.transport", transport(), transport() + ".broker", broker);
        }

        @Override
        protected Features features() {
            return Features.all().withBrokerRestart(false);
        }

        @Override
        protected Duration timeout() {
            return Duration.ofSeconds(10);
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class DropRefusedKit extends BrokenKit {
        @Override
        String transport() {
            return "broken-drop-refused";
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class EarlyAckKit extends BrokenKit {
        @Override
        String transport() {
            return "broken-early-ack";
        }
    }
}
