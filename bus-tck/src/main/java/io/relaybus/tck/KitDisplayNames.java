package io.relaybus.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DisplayNameGenerator;

import java.util.List;

/**
 * Names each composed contract after the contract and the transport's test class it runs in, for example
 * {@code Round trip [KafkaTransportCompatibilityTest]}, so a console, an IDE or a report that shows display names
 * tells the same contract on two transports apart. The contract's name is the {@link DisplayName} of its
 * {@link KitContract} subclass. Stateless.
 */
final class KitDisplayNames extends DisplayNameGenerator.Standard {

    @Override
    public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
        String contract = contractName(nestedClass);
        if (contract == null) {
            return super.generateDisplayNameForNestedClass(enclosingInstanceTypes, nestedClass);
        }
        Class<?> transportTest = enclosingInstanceTypes.isEmpty() ? nestedClass.getEnclosingClass()
                : enclosingInstanceTypes.get(enclosingInstanceTypes.size() - 1);
        return contract + " [" + transportTest.getSimpleName() + "]";
    }

    /** The display name declared by the nearest {@link KitContract} subclass above {@code type}, or null. */
    static String contractName(Class<?> type) {
        for (Class<?> c = type; c != null && c != KitContract.class; c = c.getSuperclass()) {
            DisplayName name = c.getAnnotation(DisplayName.class);
            if (name != null && KitContract.class.isAssignableFrom(c)) {
                return name.value();
            }
        }
        return null;
    }
}
