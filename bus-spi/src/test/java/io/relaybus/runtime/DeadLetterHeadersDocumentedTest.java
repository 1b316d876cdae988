package io.relaybus.runtime;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The headers a dead letter carries are named the same wherever a user reads about them: the
 * {@code SubscribeOptions} Javadoc and the README list every header {@link DeadLetters} writes, and neither names a
 * header it does not write.
 */
class DeadLetterHeadersDocumentedTest {

    private static final Path SUBSCRIBE_OPTIONS =
            Path.of("..", "bus-api", "src", "main", "java", "io", "relaybus", "api", "SubscribeOptions.java");
    private static final Path README = Path.of("..", "README.md");

    @Test
    @DisplayName("SubscribeOptions' Javadoc and the README name every relaybus.dlq.* header a dead letter carries")
    void everyHeaderIsDocumented() throws Exception {
        List<String> headers = headers();
        assertFalse(headers.isEmpty());
        for (Path doc : List.of(SUBSCRIBE_OPTIONS, README)) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            for (String header : headers) {
                assertTrue(text.contains(header), doc + " does not name the dead-letter header " + header);
            }
            assertFalse(text.contains("relaybus.error."), doc + " names relaybus.error.* headers, which dead "
                    + "letters do not carry (they carry relaybus.dlq.*)");
        }
    }

    /** Every {@code relaybus.dlq.*} header name {@link DeadLetters} defines. */
    private static List<String> headers() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : DeadLetters.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                f.setAccessible(true);
                String value = (String) f.get(null);
                if (value.startsWith("relaybus.dlq.")) {
                    names.add(value);
                }
            }
        }
        return names;
    }
}
