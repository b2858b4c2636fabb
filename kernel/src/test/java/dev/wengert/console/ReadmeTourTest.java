package dev.wengert.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wengert.repl.Evaluator;
import dev.wengert.repl.RepoFiles;

/**
 * The README's tour, evaluated as {@code ./wengert} evaluates a script: a real JShell, the
 * startup script, {@code let} and magics through the shared cell pipeline. Every block must run
 * to its end without an error.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // safety net only
class ReadmeTourTest {

    /** The ```java blocks of the README's "## Tour" section. */
    static List<String> tourBlocks() throws Exception {
        String readme = Files.readString(RepoFiles.root().resolve("README.md"));
        int start = readme.indexOf("\n## Tour");
        assertTrue(start >= 0, "README has a Tour section");
        int end = readme.indexOf("\n## ", start + 5);
        String tour = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(tour);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void theTourRunsAsAScriptOfTheConsole() throws Exception {
        List<String> blocks = tourBlocks();
        assertFalse(blocks.isEmpty(), "the tour has code");
        assertTrue(blocks.get(0).contains("let x = param("), "the tour shows the let form");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream systemOut = System.out;
        // the tour prints through System.out in this JVM, as ./wengert's scripts do
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Evaluator.Options options = Evaluator.Options.defaults(Path.of("").toAbsolutePath())
                .withStartup(List.of(RepoFiles.startup()));
        try (ConsoleSession session = new ConsoleSession(options, System.out)) {
            for (int i = 0; i < blocks.size(); i++) {
                ConsoleSession.Outcome outcome = session.runScript("README tour block " + (i + 1), blocks.get(i),
                        new PrintStream(errors, true, StandardCharsets.UTF_8));
                assertEquals(ConsoleSession.Outcome.GO_ON, outcome, errors.toString(StandardCharsets.UTF_8)
                        + "\n--- output so far:\n" + printed.toString(StandardCharsets.UTF_8));
            }
            // spot-check that it computed, not only compiled
            List<Object> values = new ArrayList<>();
            session.evaluator().eval("gradient(rosenbrock, -1.2, 1.0)[0]", Evaluator.Source.CELL,
                    r -> values.add(r.value()));
            session.evaluator().eval("quasiNewton.converged()", Evaluator.Source.CELL, r -> values.add(r.value()));
            assertEquals(-2 * 2.2 - 400 * -1.2 * (1 - 1.44), (double) values.get(0), 1e-12);
            assertEquals(true, values.get(1));
        } finally {
            System.setOut(systemOut);
            // the tour saves its pictures in the working directory; check them, then tidy up
            for (String f : List.of("cost.png", "loss.png", "chain-rule.svg", "fit.svg")) {
                Path p = Path.of(f);
                assertTrue(Files.size(p) > 1000, f + " was written");
                Files.delete(p);
            }
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("the implicit tape"), printed.toString());
        assertEquals("", errors.toString(StandardCharsets.UTF_8));
    }
}
