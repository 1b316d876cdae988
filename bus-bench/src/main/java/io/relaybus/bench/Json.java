package io.relaybus.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The result file's JSON, with Jackson: records by their components, maps in their order, pretty-printed with two
 * spaces. Non-finite numbers are written as {@code null}, so no reader ever sees "Infinity" or "NaN". Reading back
 * ({@link #readReport}) ignores fields it does not know and leaves missing ones null or 0, so reports of other
 * versions of the bench can be compared. Thread-safe.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("finite-doubles").addSerializer(Double.class, new FiniteDouble())
                    .addSerializer(double.class, new FiniteDouble()))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE))
            .build();

    private Json() {
    }

    /** {@code value} as pretty-printed JSON, ending in a newline. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A report this bench wrote earlier. */
    static BenchReport readReport(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), BenchReport.class);
    }

    static BenchReport readReport(String json) throws IOException {
        return MAPPER.readValue(json, BenchReport.class);
    }

    /** Finite doubles as numbers, NaN and infinities as null. */
    private static final class FiniteDouble extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        FiniteDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                gen.writeNumber(value);
            } else {
                gen.writeNull();
            }
        }
    }
}
