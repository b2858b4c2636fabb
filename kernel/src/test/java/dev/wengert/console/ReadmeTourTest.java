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
 * to its end without an error, and the values its comments state (∂z/∂x = −0.4292627983322971,
 * the Taylor coefficients of exp, the nested derivative 1, 6k = 12, the cube rule's 12,
 * stopGradient's 3, …) must be what it prints. The snippet at the top of the README is
 * evaluated too.
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

    /** The first ```java block of the README, above "## Set up". */
    static String introBlock() throws Exception {
        String readme = Files.readString(RepoFiles.root().resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find() && m.start() < readme.indexOf("\n## Set up"), "README opens with a java snippet");
        return m.group(1);
    }

    @Test
    void theSnippetAtTheTopGivesTheGradientItsCommentStates() throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Evaluator.Options options = Evaluator.Options.defaults(Path.of("").toAbsolutePath())
                .withStartup(List.of(RepoFiles.startup()));
        try (ConsoleSession session = new ConsoleSession(options, System.out)) {
            assertEquals(ConsoleSession.Outcome.GO_ON, session.runScript("README intro", introBlock(),
                    new PrintStream(errors, true, StandardCharsets.UTF_8)), errors.toString(StandardCharsets.UTF_8));
            List<Object> values = new ArrayList<>();
            session.evaluator().eval("x.grad()", Evaluator.Source.CELL, r -> values.add(r.value()));
            assertEquals(-0.4292627983322971, (double) values.get(0), 0.0, "∂z/∂x = y + cos x");
            assertEquals(-0.5 + Math.cos(1.5), -0.4292627983322971, 0.0);
        }
    }

    /** The lines the tour prints, in order, must include these (each the value a comment in the tour states). */
    static final List<String> STATED = List.of(
            "-0.4292627983322971 1.5 1.5",                       // ∂z/∂x = y + cos x, ∂z/∂y = x, z.d(y)
            "[1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333]",   // 1, 1, 1/2, 1/6, …
            "1.0",                                               // the nested derivative is 1, not 2
            "Num(12.0) (grad 1.0)  ∂g/∂k = 6.0",                 // g = 6k at k = 2, ∂g/∂k = 6
            "[6.0] [-1.0] recordings: 2",                        // a flipped branch records again
            "a0 = 3.0 (grad 0.0)",                               // J(a) = (a − 3)² moved a0 to 3
            "12.0",                                              // the cube rule's derivative at 2
            "3.0",                                               // d/ds [s · stopGradient(s)] = s
            "gradient check: PASSED (tolerance 1e-06)");

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
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("the implicit tape"), text);
        assertEquals("", errors.toString(StandardCharsets.UTF_8));
        List<String> lines = text.lines().map(String::strip).toList();
        int from = 0;
        for (String want : STATED) {
            int at = lines.subList(from, lines.size()).indexOf(want);
            assertTrue(at >= 0, "the tour prints \"" + want + "\" (after line " + from + "):\n" + text);
            from += at + 1;
        }
    }
}
