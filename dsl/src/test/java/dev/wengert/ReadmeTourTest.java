package dev.wengert;

import dev.wengert.core.*;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's tour, evaluated in a real JShell (the jdk.jshell API, a separate JVM as the
 * {@code jshell} tool uses) with the same startup script as {@code ./wengert}: every snippet
 * must be accepted and run without an exception, and the values its comments state
 * (∂z/∂x = −0.4292627983322971, the Taylor coefficients of exp, the nested derivative 1, 6k = 12,
 * the cube rule's 12, stopGradient's 3, …) must be what it prints. The snippet at the top of the
 * README is evaluated too.
 */
class ReadmeTourTest {

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("kernel-config/startup.jsh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (kernel-config/startup.jsh) above "
                    + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The ```java blocks of the README's "## Tour" section. */
    static List<String> tourBlocks() throws Exception {
        String readme = Files.readString(repoRoot().resolve("README.md"));
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

    /** Evaluates source snippet by snippet; returns the first problem, or null. */
    static String evalAll(JShell js, String source) {
        SourceCodeAnalysis sca = js.sourceCodeAnalysis();
        String rest = source;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
            if (!ci.completeness().isComplete()) {
                return "incomplete snippet: " + rest;
            }
            for (SnippetEvent e : js.eval(ci.source())) {
                if (e.status() == Snippet.Status.REJECTED) {
                    StringBuilder sb = new StringBuilder("rejected: " + ci.source().strip());
                    js.diagnostics(e.snippet()).forEach(d -> sb.append("\n  ").append(d.getMessage(null)));
                    return sb.toString();
                }
                if (e.exception() != null) {
                    return "threw " + e.exception() + " in: " + ci.source().strip();
                }
            }
            rest = ci.remaining();
        }
        return null;
    }

    static JShell newShell(ByteArrayOutputStream out) throws Exception {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        JShell js = JShell.builder().out(ps).err(ps).build();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            js.addToClasspath(entry);
        }
        // the JShell tool's DEFAULT startup, then ours (as ./wengert does)
        for (String imp : List.of("java.io.*", "java.math.*", "java.net.*", "java.nio.file.*", "java.util.*",
                "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*", "java.util.regex.*",
                "java.util.stream.*")) {
            assertNull(evalAll(js, "import " + imp + ";"));
        }
        String startup = Files.readString(repoRoot().resolve("kernel-config/startup.jsh"));
        assertNull(evalAll(js, startup), "the startup script evaluates cleanly");
        return js;
    }

    /** The first ```java block of the README, above "## Set up". */
    static String introBlock() throws Exception {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find() && m.start() < readme.indexOf("\n## Set up"), "README opens with a java snippet");
        return m.group(1);
    }

    @Test
    void theSnippetAtTheTopGivesTheGradientItsCommentStates() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JShell js = newShell(out)) {
            assertNull(evalAll(js, introBlock()));
            assertEquals("-0.4292627983322971", js.eval("x.grad()").get(0).value(), "∂z/∂x = y + cos x");
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
    void theTourRunsInARealJShell() throws Exception {
        List<String> blocks = tourBlocks();
        assertFalse(blocks.isEmpty(), "the tour has code");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JShell js = newShell(out)) {
            for (String block : blocks) {
                String problem = evalAll(js, block);
                assertNull(problem, problem + "\n--- output so far:\n" + out);
            }
            // spot-check that it computed, not only compiled
            String grad = js.eval("gradient(rosenbrock, -1.2, 1.0)[0]").get(0).value();
            assertEquals(-2 * 2.2 - 400 * -1.2 * (1 - 1.44), Double.parseDouble(grad), 1e-12);
            assertEquals("true", js.eval("quasiNewton.converged()").get(0).value());
        } finally {
            // the tour saves its pictures in the working directory; check them, then tidy up
            for (String f : List.of("cost.png", "loss.png", "chain-rule.svg", "fit.svg")) {
                Path p = Path.of(f);
                assertTrue(Files.size(p) > 1000, f + " was written");
                Files.delete(p);
            }
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("the implicit tape"), printed);
        List<String> lines = printed.lines().map(String::strip).toList();
        int from = 0;
        for (String want : STATED) {
            int at = lines.subList(from, lines.size()).indexOf(want);
            assertTrue(at >= 0, "the tour prints \"" + want + "\" (after line " + from + "):\n" + printed);
            from += at + 1;
        }
    }
}
