package io.relaybus.bench;

import io.relaybus.spi.support.GeneratedSections;
import io.relaybus.spi.support.MarkdownTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Map;

/** The README's option table is generated from the picocli options that {@code --help} prints too. */
class ReadmeTablesTest {

    @Test
    @DisplayName("the README's option table matches BenchOptions.Cli")
    void optionTableIsCurrent() throws Exception {
        MarkdownTable table = new MarkdownTable("flag", "what it does");
        for (CommandLine.Model.OptionSpec o : BenchOptions.commandLine(new BenchOptions.Cli()).getCommandSpec()
                .options()) {
            String flag = String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
            table.row(MarkdownTable.code(flag), String.join(" ", o.description()));
        }
        GeneratedSections.check(Path.of("README.md"), Map.of("options", table.toString()));
    }
}
