package io.relaybus.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

/**
 * Kit results can be found and counted: every contract is a {@link KitContract} in a file of its own, with a name and
 * a tag, and a run names the contract together with the transport's test class.
 */
class KitReportNamesTest {

    @Test
    @DisplayName("every contract the kit composes is a named, tagged KitContract of its own")
    void everyContractIsNamedAndTagged() {
        Set<String> names = new TreeSet<>();
        Set<String> tags = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Class<?> nested : TransportCompatibilityKit.class.getDeclaredClasses()) {
            if (!nested.isAnnotationPresent(Nested.class)) {
                continue;
            }
            Class<?> contract = nested.getSuperclass();
            if (!KitContract.class.isAssignableFrom(contract) || contract.getEnclosingClass() != null) {
                problems.add(nested.getSimpleName() + " is not a KitContract in a file of its own");
                continue;
            }
            DisplayName name = contract.getAnnotation(DisplayName.class);
            Tag tag = contract.getAnnotation(Tag.class);
            if (name == null || tag == null || !tag.value().startsWith("tck-")) {
                problems.add(contract.getSimpleName() + " lacks a @DisplayName or a tck-* @Tag");
                continue;
            }
            names.add(name.value());
            tags.add(tag.value());
        }
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(15, names.size(), "contracts: " + names);
        assertEquals(names.size(), tags.size(), "one tag per contract: " + tags);
    }

    @Test
    @DisplayName("a contract's run is named after the contract and the transport's test class")
    void runNamesContractAndTransport() {
        List<Event> containers = EngineTestKit.engine("junit-jupiter")
                .selectors(selectNestedClass(List.of(MemoryTransportCompatibilityTest.class),
                        TransportCompatibilityKit.Configuration.class))
                .execute().containerEvents().started().list();
        List<String> names = containers.stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
        assertTrue(names.contains("Configuration [MemoryTransportCompatibilityTest]"), names.toString());
        Event contract = containers.stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith("Configuration")).findFirst()
                .orElse(null);
        assertNotNull(contract);
        assertTrue(contract.getTestDescriptor().getTags().stream().anyMatch(t -> t.getName().equals(
                "tck-configuration")), "the contract's tag is on its run");
    }
}
