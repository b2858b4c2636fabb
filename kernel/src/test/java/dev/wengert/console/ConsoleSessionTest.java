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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wengert.repl.Evaluator;
import dev.wengert.repl.RepoFiles;

/**
 * A console session without the terminal: what typed input prints (jshell's feedback, whole
 * DSL values), what scripts do on errors, and the commands.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // safety net only
class ConsoleSessionTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream feedback = new ByteArrayOutputStream();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream systemOut;
    private ConsoleSession session;

    @BeforeEach
    void start() {
        systemOut = System.out;
        // user code prints on System.out, in this JVM
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        session = newSession();
    }

    private ConsoleSession newSession() {
        Evaluator.Options options = Evaluator.Options.defaults(dir).withStartup(List.of(RepoFiles.startup()));
        return new ConsoleSession(options, new PrintStream(feedback, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        session.close();
        System.setOut(systemOut);
    }

    /** What typing {@code input} printed as feedback. */
    private String typed(String input) {
        feedback.reset();
        session.evalTyped(input);
        return feedback.toString(StandardCharsets.UTF_8);
    }

    private String command(String line) {
        feedback.reset();
        ConsoleSession.Outcome outcome = session.command(line);
        assertFalse(outcome.exit(), line);
        return feedback.toString(StandardCharsets.UTF_8);
    }

    // ---- typed input ---------------------------------------------------------------------------

    @Test
    void typedInputGetsJShellsFeedback() {
        assertEquals("x ==> 6\n", typed("let x = 6;"));
        assertTrue(typed("x * 7").matches("\\$\\d+ ==> 42\n"), feedback.toString());
        assertEquals("", typed("System.out.println(x);"));
        assertEquals("6\n", printed.toString(StandardCharsets.UTF_8));
        assertEquals("|  created method twice(int)\n", typed("int twice(int v) { return 2 * v; }"));
        assertEquals("|  modified method twice(int)\n", typed("int twice(int v) { return v + v; }"));
        assertEquals("|  created record Point\n", typed("record Point(int a, int b) {}"));
        assertEquals("x ==> 8\n", typed("x = 8"));
        assertEquals("", typed("import java.time.*;"));
    }

    @Test
    void typedErrorsShowTheLineAndACaretUnderTheProblem() {
        assertEquals(String.join("\n", "|  Error:", "|  cannot find symbol", "|    symbol:   variable nope",
                "|  let b = nope;", "|          ^--^", ""), typed("let b = nope;"));
        typed("int divide(int a, int b) {\n    return a / b;\n}");
        String exception = typed("divide(1, 0)");
        Matcher ids = Pattern.compile("\\|        at divide \\(#(\\d+):2\\)\n\\|        at \\(#(\\d+):1\\)\n").matcher(exception);
        assertTrue(exception.startsWith("|  Exception java.lang.ArithmeticException: / by zero\n") && ids.find(),
                exception);
        assertEquals("stillHere ==> 1\n", typed("int stillHere = 1;"), "the session goes on");
    }

    @Test
    void dslValuesPrintWholeAndPlainValuesAreShortenedAsSet() throws Exception {
        String fit = typed("Table decay = Table.create(\"decay\", DoubleColumn.create(\"t\", 0, 1, 2, 3, 4, 5),"
                + " DoubleColumn.create(\"y\", 10.2, 6.1, 3.6, 2.3, 1.3, 0.85));\n"
                + "let r = fit1((p, t) -> p[0].times(exp(p[1].times(-t)))).start(8, 0.3).names(\"a\", \"k\").to(decay, \"y\", \"t\");");
        List<Object> summary = new ArrayList<>();
        session.evaluator().eval("r.toString()", Evaluator.Source.CELL, result -> summary.add(result.value()));
        String whole = (String) summary.get(0);
        assertTrue(whole.lines().count() > 10 && whole.length() > 500, whole);
        assertTrue(fit.endsWith("r ==> " + whole + "\n"), fit);

        String shortened = typed("\"a\".repeat(5000)");
        String value = shortened.substring(shortened.indexOf("==> ") + 4, shortened.length() - 1);
        assertEquals(ConsoleSession.DEFAULT_TRUNCATION, value.length());
        assertTrue(value.contains(" ... "), value);
        command("/set truncation 40");
        assertEquals(40, valueOf(typed("\"a\".repeat(5000)")).length());
        command("/set truncation 0");
        assertEquals(5002, valueOf(typed("\"a\".repeat(5000)")).length());
        assertEquals("|  /set truncation takes a length in characters (0: never shorten), not 'many'\n",
                command("/set truncation many"));
    }

    private static String valueOf(String feedbackLine) {
        return feedbackLine.substring(feedbackLine.indexOf("==> ") + 4, feedbackLine.length() - 1);
    }

    @Test
    void lambdasReadWithoutJShellsWrapperNames() {
        String line = typed("Fn square = p -> p[0].square();");
        assertTrue(line.matches("square ==> \\$Lambda\\$\\d+/0x\\p{XDigit}+@\\p{XDigit}+\n"), line);
    }

    // ---- scripts --------------------------------------------------------------------------------

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    private ConsoleSession.Outcome script(String name, String text) {
        return session.runScript(name, text, new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @Test
    void aScriptStopsAtItsFirstCompileErrorWithFileLineAndColumn() {
        ConsoleSession.Outcome outcome = script("calc.jsh",
                "let a = 1;\nSystem.out.println(\"one\");\nint b = nope;\nSystem.out.println(\"never\");\n");
        assertEquals(ConsoleSession.Outcome.FAILED, outcome);
        assertEquals("one\n", printed.toString(StandardCharsets.UTF_8));
        assertEquals(String.join("\n", "calc.jsh:3:9: error: cannot find symbol", "  symbol:   variable nope",
                "    int b = nope;", "            ^--^", ""), errors.toString(StandardCharsets.UTF_8));
        assertEquals("", feedback.toString(StandardCharsets.UTF_8), "scripts echo no values");
    }

    @Test
    void aScriptStopsAtItsFirstExceptionWithFileAndLine() {
        ConsoleSession.Outcome outcome = script("calc.jsh",
                "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0);\nSystem.out.println(\"never\");\n");
        assertEquals(ConsoleSession.Outcome.FAILED, outcome);
        assertEquals(String.join("\n", "calc.jsh:5: java.lang.ArithmeticException: / by zero",
                "    at divide (calc.jsh:2)", "    at (calc.jsh:5)", ""), errors.toString(StandardCharsets.UTF_8));
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMagicAfterACommentRunsBeforeTheCodeBelowIt() throws Exception {
        dev.wengert.repl.RepoFiles.jarOf(Files.createDirectories(dir.resolve("lib")).resolve("greet.jar"), "greet.Hello",
                "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
        ConsoleSession.Outcome outcome = script("greet.jsh", String.join("\n", "int before = 1;", "// the library",
                "%jars lib/*.jar", "System.out.println(greet.Hello.hi());", ""));
        assertEquals(ConsoleSession.Outcome.GO_ON, outcome, errors.toString(StandardCharsets.UTF_8));
        assertEquals("hi\n", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linesOfAnExceptionCountCommentsAndBlankLines() {
        ConsoleSession.Outcome outcome = script("lines.jsh", String.join("\n", "int[] empty = new int[0];",
                "// a comment", "/* and another", "   over two lines */", "int first() {", "    int i = 0;",
                "    return empty[i];", "}", "System.out.println(", "    first());", ""));
        assertEquals(ConsoleSession.Outcome.FAILED, outcome);
        assertEquals(String.join("\n", "lines.jsh:9: java.lang.ArrayIndexOutOfBoundsException: "
                + "Index 0 out of bounds for length 0", "    at first (lines.jsh:7)", "    at (lines.jsh:10)", ""),
                errors.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aScriptStatementMayContinueOverLinesAsInANotebook() {
        ConsoleSession.Outcome outcome = script("shout.jsh",
                "let shout = \"wengert\"\n    .toUpperCase();\nSystem.out.println(shout);");
        assertEquals(ConsoleSession.Outcome.GO_ON, outcome, errors.toString(StandardCharsets.UTF_8));
        assertEquals("WENGERT\n", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void commandsRunWhereTheyStandInAScript() {
        ConsoleSession.Outcome outcome = script("exit.jsh", String.join("\n", "int a = 1;",
                "for (int i = 0; i < 2; i++) {", "/not-a-command-inside-a-block", "}", "System.out.println(a);",
                "/exit 3", "System.out.println(\"never\");"));
        // inside an unfinished block a slash line is Java, not a command: a compile error on line 3
        assertEquals(ConsoleSession.Outcome.FAILED, outcome);
        assertTrue(errors.toString(StandardCharsets.UTF_8).startsWith("exit.jsh:3:"), errors.toString());

        errors.reset();
        printed.reset();
        outcome = script("exit.jsh", String.join("\n", "int a = 1;", "System.out.println(a);", "/exit 3",
                "System.out.println(\"never\");"));
        assertEquals(ConsoleSession.Outcome.exit(3), outcome);
        assertEquals("1\n", printed.toString(StandardCharsets.UTF_8));
        assertEquals(ConsoleSession.Outcome.FAILED, script("bad.jsh", "int a = 1;\n/nope"));
        assertTrue(errors.toString(StandardCharsets.UTF_8)
                .endsWith("bad.jsh:2: no such command: /nope (/help lists the commands)\n"), errors.toString());
    }

    // ---- commands -------------------------------------------------------------------------------

    @Test
    void saveWritesWhatIsInForceAndOpenRunsItInANewSession() throws Exception {
        Files.createDirectories(dir.resolve("classes"));
        typed("let k = 2;");
        typed("%classpath classes");
        typed("int times(int v) { return k * v; }");
        typed("let k = 3;");
        assertEquals("", command("/save saved.jsh"));
        assertEquals("%classpath classes\nint times(int v) { return k * v; }\nlet k = 3;\n",
                Files.readString(dir.resolve("saved.jsh")));
        session.close();
        session = newSession();
        assertEquals("", command("/open saved.jsh"));
        assertTrue(typed("times(5)").endsWith(" ==> 15\n"), feedback.toString());
    }

    @Test
    void listShowsTheTypedTextWithIdsAndVarsTheValues() {
        typed("let x = 6;");
        typed("String name = \"wengert\";");
        typed("let x = 7;");
        String list = command("/list");
        assertTrue(list.matches("\\s+\\d+ : String name = \"wengert\";\n\\s+\\d+ : let x = 7;\n"), list);
        assertEquals("|    String name = \"wengert\"\n|    int x = 7\n", command("/vars"));
        typed("int twice(int v) { return 2 * v; }");
        assertEquals("|    int twice(int)\n", command("/methods"));
        assertTrue(command("/imports").contains("|    import static dev.wengert.Wengert.*\n"), feedback.toString());
    }

    @Test
    void typesAndSettings() {
        typed("record Point(int a, int b) {}");
        typed("interface Shape {}");
        assertEquals("|    record Point\n|    interface Shape\n", command("/types"));
        String before = System.getProperty(dev.wengert.optim.OptimizerEvents.PROGRESS_PROPERTY);
        try {
            command("/set truncation 200");
            command("/set progress lines");
            assertEquals("|  /set truncation 200\n|  /set progress lines\n", command("/set"));
            assertEquals("|  /set knows: truncation <characters> (0: never shorten plain values), progress live|lines|off\n",
                    command("/set progress sometimes"));
        } finally {
            if (before == null) {
                System.clearProperty(dev.wengert.optim.OptimizerEvents.PROGRESS_PROPERTY);
            } else {
                System.setProperty(dev.wengert.optim.OptimizerEvents.PROGRESS_PROPERTY, before);
            }
        }
    }

    @Test
    void resetStartsAFreshSession() {
        typed("let gone = 1;");
        assertTrue(command("/reset").startsWith("|  Resetting state"));
        assertTrue(typed("gone").contains("cannot find symbol"), feedback.toString());
        assertTrue(typed("square(3.0)").endsWith(" ==> 9.0\n"), "the startup script ran again: " + feedback);
    }

    @Test
    void unknownCommandsAndHelp() {
        assertEquals("|  no such command: /nope (/help lists the commands)\n", command("/nope"));
        String help = command("/help");
        for (String entry : List.of("/vars", "/methods", "/imports", "/list", "/save", "/open", "/reset",
                "/exit", "/set truncation", "%jars", "%classpath", ".wengert_history")) {
            assertTrue(help.contains(entry), entry + " in\n" + help);
        }
    }
}
