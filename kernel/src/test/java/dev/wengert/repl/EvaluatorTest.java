package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wengert.repl.CellError.CompilationError;
import dev.wengert.repl.CellError.ExceptionInCell;

/** The shared cell pipeline, driven directly: let, magics, errors at the typed text, completion. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // safety net only
class EvaluatorTest {

    @TempDir
    static Path dir;

    private static Evaluator evaluator;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator(Evaluator.Options.defaults(dir).withStartup(List.of(RepoFiles.startup())));
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static List<Evaluator.Result> eval(String code) throws CellError {
        return eval(code, Evaluator.Source.CELL);
    }

    private static List<Evaluator.Result> eval(String code, Evaluator.Source source) throws CellError {
        List<Evaluator.Result> results = new ArrayList<>();
        evaluator.eval(code, source, results::add);
        return results;
    }

    private static Object last(String code) throws CellError {
        List<Evaluator.Result> results = eval(code);
        return results.get(results.size() - 1).value();
    }

    @Test
    void letDeclaresAndTheLastExpressionIsTheValue() throws Exception {
        List<Evaluator.Result> results = eval("let six = 6;\nsix * 7");
        assertEquals(2, results.size());
        assertEquals(6, results.get(0).value());
        assertTrue(!results.get(0).isExpressionValue() && results.get(1).isExpressionValue());
        assertEquals(42, results.get(1).value());
        assertEquals("let six = 6;", evaluator.typedSource(results.get(0).snippet()), "the text as typed");
    }

    @Test
    void theDslIsImportedByTheStartupScript() throws Exception {
        // d/dx (x² + sin x) at 2 = 4 + cos 2
        Object grad = last("let x = param(\"x\", 2.0);\nNum y = x.times(x).plus(sin(x));\ny.backward();\nx.grad()");
        assertEquals(4 + Math.cos(2), (double) grad, 1e-15);
    }

    @Test
    void magicsRunWhereTheyStandInTheCell() throws Exception {
        Path jar = RepoFiles.jarOf(dir.resolve("greet.jar"), "greet.Hello",
                "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
        // used before the %jars line: not yet on the class path
        CompilationError early = assertThrows(CompilationError.class,
                () -> eval("String early = greet.Hello.hi();\n%jars " + jar));
        assertEquals(1, early.problems().get(0).line());
        assertEquals("hi", last("int before = 1;\n%jars greet.jar\ngreet.Hello.hi()"));
    }

    @Test
    void anUnknownMagicListsTheMagicsAtItsLine() {
        CellError.MagicError error = assertThrows(CellError.MagicError.class,
                () -> eval("int fine = 1;\n%nope x", new Evaluator.Source("setup.jsh", 7)));
        assertEquals(8, error.line());
        assertTrue(error.getMessage().startsWith("unknown magic %nope; the magics are:\n%jars "), error.getMessage());
        CellError.MagicError missing = assertThrows(CellError.MagicError.class, () -> eval("%jars missing/*.jar"));
        assertTrue(missing.getMessage().startsWith("%jars: no jars match missing/*.jar"), missing.getMessage());
    }

    @Test
    void compileErrorsPointAtTheTextAsTyped() {
        CompilationError error = assertThrows(CompilationError.class,
                () -> eval("let a = 1;\nlet b = nope + a;", new Evaluator.Source("calc.jsh", 10)));
        CompilationError.Problem problem = error.problems().get(0);
        assertEquals(11, problem.line());
        assertEquals(9, problem.column());
        assertEquals("let b = nope + a;", problem.sourceLine(), "the user's let, not JShell's var");
        assertEquals("        ^--^", problem.caret());
        assertTrue(problem.message().startsWith("cannot find symbol\n  symbol:   variable nope"), problem.message());
        assertEquals("calc.jsh", error.sourceName());
    }

    @Test
    void exceptionsNameTheLinesOfTheirSnippetsAcrossCells() throws Exception {
        ExceptionInCell error = assertThrows(ExceptionInCell.class, () -> eval(
                "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)", new Evaluator.Source("calc.jsh", 20)));
        assertEquals(24, error.line());
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (calc.jsh:21)",
                "    at cell (calc.jsh:24)"), error.traceback());
        // a later notebook cell calling the script's method: each frame where its code was typed
        ExceptionInCell later = assertThrows(ExceptionInCell.class, () -> eval("int unused = 0;\ndivide(2, 0)"));
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (calc.jsh:21)",
                "    at cell (line 2)"), later.traceback());
    }

    @Test
    void completenessSeesLetAndMagics() throws Exception {
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("let x = 1;"));
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("1 + 1"));
        assertEquals(Evaluator.Completeness.INCOMPLETE, evaluator.completeness("for (int i = 0; i < 3; i++) {"));
        assertEquals(Evaluator.Completeness.INCOMPLETE, evaluator.completeness("let total = 1 +"));
        assertEquals(Evaluator.Completeness.COMPLETE, evaluator.completeness("%jars lib/*.jar"));
        assertEquals(Evaluator.Completeness.EMPTY, evaluator.completeness("  // nothing\n"));
        assertEquals(Evaluator.Completeness.INVALID, evaluator.completeness(")"));
    }

    @Test
    void completesDslMethodsAndMagicNames() throws Exception {
        Evaluator.Completions dsl = evaluator.complete("var r = minim", 13);
        assertEquals(8, dsl.anchor());
        assertTrue(dsl.continuations().contains("minimize("), dsl.continuations().toString());
        Evaluator.Completions magic = evaluator.complete("int a = 1;\n%ja", 14);
        assertEquals(new Evaluator.Completions(12, List.of("jars ")), magic);
    }

    @Test
    void documentsTheMethodWhoseArgumentsTheCursorIsIn() throws Exception {
        List<Evaluator.Documentation> docs = evaluator.documentation("Math.abs(", 9);
        assertTrue(docs.stream().anyMatch(d -> d.signature().contains("abs(int")), docs.toString());
    }

    @Test
    void startupProblemsAreReportedAndTheRestOfTheScriptRuns() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluator.Options options = Evaluator.Options.defaults(dir);
        options = new Evaluator.Options(List.of(), List.of(), List.of(new Evaluator.Script("bad.jsh",
                "int ok1 = 1;\nint bad = nope;\nint ok2 = 2;")), -1, "the time limit", 200, dir,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        try (Evaluator other = new Evaluator(options)) {
            List<Evaluator.Result> results = new ArrayList<>();
            other.eval("ok1 + ok2", Evaluator.Source.CELL, results::add);
            assertEquals(3, results.get(0).value());
        }
        assertEquals("wengert: startup script bad.jsh: line 2, column 11: cannot find symbol\n"
                + "  symbol:   variable nope\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void displayGoesToTheFrontEnd() throws Exception {
        List<Object> shown = new ArrayList<>();
        Display.attach(new Display.Target() {
            @Override
            public String show(Object value) {
                shown.add(value);
                return "id-" + shown.size();
            }

            @Override
            public void update(String id, Object value) {
                shown.add(id + "=" + value);
            }
        });
        try {
            assertEquals("id-1", last("String line = updatableDisplay(\"step 0\");\nupdateDisplay(line, \"step 1\");\nline"));
            assertEquals(List.of("step 0", "id-1=step 1"), shown);
        } finally {
            Display.attach(null);
        }
    }

    @Test
    void anInterruptedOptimizerBindsItsBestPointAndTheRestOfTheCellDoesNotRun() throws Exception {
        System.clearProperty("wengert.test.running");
        List<Evaluator.Result> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                evaluator.eval("let slow = minimize(x -> { System.setProperty(\"wengert.test.running\", \"yes\"); "
                        + "return square(x[0].minus(3)); }, new double[] {0}, "
                        + "gradientDescent(1e-9).maxIterations(Integer.MAX_VALUE).progress(false));\nint after = 1;",
                        Evaluator.Source.CELL, reported::add);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        // interrupt once the run is under way, until the cell has ended
        while (System.getProperty("wengert.test.running") == null) {
            Thread.sleep(10);
        }
        while (!outcome.isDone()) {
            evaluator.interrupt();
            Thread.sleep(50);
        }
        assertTrue(outcome.get() instanceof CellError.Interrupted, String.valueOf(outcome.get()));
        assertEquals(1, reported.size(), "the optimizer's snippet finished and was reported; the next did not run");
        assertTrue(String.valueOf(reported.get(0).value()).contains("; interrupted after "), reported.toString());
        assertTrue(((String) last("slow.reason()")).startsWith("interrupted after "));
        CompilationError after = assertThrows(CompilationError.class, () -> eval("after"));
        assertTrue(after.getMessage().contains("cannot find symbol"), after.getMessage());
    }

    @Test
    void aRunawaySnippetIsInterruptedAndTheSessionStays() throws Exception {
        eval("int keep = 42;");
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                eval("while (true) {}");
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        // interrupt until the cell has ended; an interrupt that comes early does no harm
        while (!outcome.isDone()) {
            evaluator.interrupt();
            Thread.sleep(50);
        }
        assertTrue(outcome.get() instanceof CellError.Interrupted, String.valueOf(outcome.get()));
        assertEquals(42, last("keep"));
    }
}
