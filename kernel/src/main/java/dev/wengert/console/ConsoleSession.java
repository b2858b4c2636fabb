package dev.wengert.console;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wengert.optim.OptimizerEvents;
import dev.wengert.repl.Cell;
import dev.wengert.repl.CellError;
import dev.wengert.repl.Display;
import dev.wengert.repl.Evaluator;
import dev.wengert.repl.Magics;
import dev.wengert.repl.ValueText;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

/**
 * One console session: the shared {@link Evaluator}, the console's settings, the record of
 * what ran (for {@code /list} and {@code /save}) and the slash commands. The interactive
 * console and scripts both drive it, so a command works the same typed or in a file.
 */
final class ConsoleSession implements AutoCloseable {

    /** Characters of a plain value shown before it is shortened, unless /set truncation says otherwise. */
    static final int DEFAULT_TRUNCATION = 1000;

    /** A line that is a command: a slash and a letter at its start (not "//" or "/*"). */
    private static final Pattern COMMAND = Pattern.compile("/[A-Za-z?!].*", Pattern.DOTALL);

    /** What ran, in order: a magic's text or a snippet. */
    private record Entry(String magic, Snippet snippet) {
    }

    /** The result of a command or a script: go on, or leave with a status (after an error, or /exit). */
    record Outcome(boolean exit, int status, boolean error) {
        static final Outcome GO_ON = new Outcome(false, 0, false);
        static final Outcome FAILED = new Outcome(true, 1, true);

        static Outcome exit(int status) {
            return new Outcome(true, status, false);
        }
    }

    private final Evaluator.Options options;
    private final PrintStream out;
    private final List<Entry> entries = new ArrayList<>();
    private Evaluator evaluator;
    private int truncation = DEFAULT_TRUNCATION;
    private int displays;
    private Supplier<List<String>> history = List::of;

    /**
     * Starts a session (JShell warms up in the background).
     *
     * @param out where feedback and commands print: the terminal, or standard output for scripts
     */
    ConsoleSession(Evaluator.Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.evaluator = new Evaluator(options);
        // display(x) in the console prints x, whole if it is a DSL value
        Display.attach(new Display.Target() {
            @Override
            public String show(Object value) {
                System.out.println(ValueText.of(value, truncation));
                return "display-" + (++displays);
            }

            @Override
            public void update(String id, Object value) {
                System.out.println(ValueText.of(value, truncation));
            }
        });
    }

    Evaluator evaluator() {
        return evaluator;
    }

    /** Where /history reads the input history (the interactive console's). */
    void historySource(Supplier<List<String>> source) {
        this.history = source;
    }

    int truncation() {
        return truncation;
    }

    /** Whether {@code line} is a console command rather than Java. */
    static boolean isCommand(String input) {
        return COMMAND.matcher(input.strip()).matches() && !input.strip().startsWith("//")
                && !input.strip().startsWith("/*");
    }

    // ---- evaluating -------------------------------------------------------------------------

    /**
     * Evaluates one input typed at the prompt and prints jshell's feedback for it.
     *
     * @return whether it ran without an error
     */
    boolean evalTyped(String input) {
        try {
            evaluator.eval(input, Evaluator.Source.CELL, new Recorder() {
                @Override
                public void snippet(Evaluator.Result result) {
                    super.snippet(result);
                    String line = Feedback.typed(result, valueText(result));
                    System.out.flush();
                    if (line != null) {
                        out.println(line);
                        out.flush();
                    }
                }
            });
            return true;
        } catch (CellError e) {
            System.out.flush();
            if (e instanceof CellError.Interrupted) {
                out.println(); // the terminal echoed ^C without a line break
            }
            Feedback.typed(e, input.strip().contains("\n")).forEach(out::println);
            out.flush();
            return false;
        }
    }

    /** The value's text, rendered on the evaluation thread (it runs the user's toString). */
    private String valueText(Evaluator.Result result) {
        Object value = result.value();
        try {
            return evaluator.onEvaluationThread(() -> ValueText.of(value, truncation), null);
        } catch (CellError e) {
            return "(cannot show the value: " + e.getMessage() + ")";
        }
    }

    /** Records every magic and snippet that ran, for /list and /save. */
    private class Recorder implements Evaluator.Listener {
        @Override
        public void snippet(Evaluator.Result result) {
            entries.add(new Entry(null, result.snippet()));
        }

        @Override
        public void magic(Cell.MagicCall call) {
            String text = call.spelled() + (call.arguments().isEmpty() ? "" : " " + call.arguments());
            entries.add(new Entry(call.body() == null ? text : text + "\n" + call.body(), null));
        }
    }

    /**
     * Runs a script: the Java between two commands is one cell (so a statement may continue
     * over lines as in a notebook), commands run where they stand, and the first error stops it.
     *
     * @param name the script's name as the user gave it, for error locations
     * @param errors where its errors are written, with the file and line
     * @return {@link Outcome#GO_ON} if it ran to the end, else the status to leave with
     *     (1 after an error, n after {@code /exit n})
     */
    Outcome runScript(String name, String text, PrintStream errors) {
        String[] lines = text.split("\n", -1);
        StringBuilder cell = new StringBuilder();
        int cellFirstLine = 1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (isCommand(line) && !line.startsWith(" ") && closed(cell)) {
                if (!runCell(name, cell.toString(), cellFirstLine, errors)) {
                    return Outcome.FAILED;
                }
                Outcome outcome = command(line.strip(), errors, name + ":" + (i + 1));
                if (outcome.exit()) {
                    return outcome;
                }
                cell.setLength(0);
                cellFirstLine = i + 2;
            } else {
                cell.append(line).append('\n');
            }
        }
        return runCell(name, cell.toString(), cellFirstLine, errors) ? Outcome.GO_ON : Outcome.FAILED;
    }

    /** Whether a command may stand here: nothing is pending, or what is pending is complete. */
    private boolean closed(StringBuilder cell) {
        if (cell.toString().isBlank()) {
            return true;
        }
        try {
            return evaluator.completeness(cell.toString()) != Evaluator.Completeness.INCOMPLETE;
        } catch (CellError e) {
            return true;
        }
    }

    private boolean runCell(String name, String code, int firstLine, PrintStream errors) {
        if (code.isBlank()) {
            return true;
        }
        try {
            evaluator.eval(code, new Evaluator.Source(name, firstLine), new Recorder());
            return true;
        } catch (CellError e) {
            System.out.flush();
            Feedback.script(e, name).forEach(errors::println);
            errors.flush();
            return false;
        }
    }

    // ---- commands ---------------------------------------------------------------------------

    /** Runs a command typed at the prompt; its errors are shown like any other. */
    Outcome command(String line) {
        return command(line, out, null);
    }

    /**
     * Runs a command.
     *
     * @param errors where a failing command reports
     * @param location the script and line it came from, or null when typed
     */
    private Outcome command(String line, PrintStream errors, String location) {
        String[] parts = line.split("\\s+", 2);
        String name = parts[0];
        String argument = parts.length > 1 ? parts[1].strip() : "";
        try {
            switch (name) {
                case "/exit":
                    return Outcome.exit(argument.isEmpty() ? 0 : status(argument));
                case "/help":
                case "/?":
                    out.println(Help.text(truncation));
                    return Outcome.GO_ON;
                case "/vars":
                    vars();
                    return Outcome.GO_ON;
                case "/methods":
                    methods();
                    return Outcome.GO_ON;
                case "/types":
                    types();
                    return Outcome.GO_ON;
                case "/imports":
                    evaluator.jshell().imports().forEach(i -> out.println("|    " + stripSemicolon(i.source().strip())));
                    return Outcome.GO_ON;
                case "/list":
                    list(argument);
                    return Outcome.GO_ON;
                case "/save":
                    save(argument);
                    return Outcome.GO_ON;
                case "/open": {
                    Outcome outcome = open(argument, errors);
                    // typed, an error inside the file has been shown and the session goes on
                    return location == null && outcome.error() ? Outcome.GO_ON : outcome;
                }
                case "/reset":
                    reset();
                    return Outcome.GO_ON;
                case "/history":
                    history.get().forEach(out::println);
                    return Outcome.GO_ON;
                case "/set":
                    set(argument);
                    return Outcome.GO_ON;
                default:
                    throw new IllegalArgumentException("no such command: " + name + " (/help lists the commands)");
            }
        } catch (IllegalArgumentException | IOException | CellError e) {
            String message = e instanceof IOException ? name + ": " + e : e.getMessage();
            errors.println(location == null ? "|  " + message : location + ": " + message);
            errors.flush();
            return location == null ? Outcome.GO_ON : Outcome.FAILED;
        } finally {
            out.flush();
        }
    }

    private static int status(String argument) {
        try {
            return Integer.parseInt(argument);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/exit takes a whole number (the exit status), not '" + argument + "'");
        }
    }

    private static String stripSemicolon(String text) {
        return text.endsWith(";") ? text.substring(0, text.length() - 1) : text;
    }

    private void vars() throws CellError {
        JShell jshell = evaluator.jshell();
        for (VarSnippet var : jshell.variables().collect(Collectors.toList())) {
            if (!isUser(var)) {
                continue;
            }
            Object value = evaluator.valueOf(var);
            String text = evaluator.onEvaluationThread(() -> ValueText.of(value, truncation), null);
            // an overview: a summary that spans many lines shows its first
            List<String> lines = text.lines().toList();
            String shown = lines.size() > 1 ? lines.get(0) + " …" : text;
            out.println("|    " + var.typeName() + " " + var.name() + " = " + shown);
        }
    }

    private void methods() throws CellError {
        for (MethodSnippet method : evaluator.jshell().methods().collect(Collectors.toList())) {
            if (!isUser(method)) {
                continue;
            }
            // signature() reads "(int,int)int"
            String signature = method.signature();
            int close = signature.lastIndexOf(')');
            out.println("|    " + signature.substring(close + 1) + " " + method.name() + signature.substring(0, close + 1));
        }
    }

    private void types() throws CellError {
        for (TypeDeclSnippet type : evaluator.jshell().types().collect(Collectors.toList())) {
            if (isUser(type)) {
                out.println("|    " + Feedback.kind(type) + " " + type.name());
            }
        }
    }

    /** The user's snippets (not the startup's: their ids start with "s"), still in force. */
    private boolean isUser(Snippet snippet) throws CellError {
        return !snippet.id().startsWith("s") && evaluator.jshell().status(snippet).isActive();
    }

    /** jshell's /list: the snippets in force, with their ids; magics where they ran. */
    private void list(String argument) throws CellError {
        for (Entry entry : entries) {
            if (entry.snippet() == null) {
                if (argument.isEmpty()) {
                    printListed("", entry.magic());
                }
                continue;
            }
            Snippet snippet = entry.snippet();
            if (!evaluator.jshell().status(snippet).isActive()) {
                continue;
            }
            if (argument.isEmpty() || argument.equals(snippet.id()) || argument.equals(nameOf(snippet))) {
                printListed(snippet.id(), evaluator.typedSource(snippet));
            }
        }
    }

    private void printListed(String id, String text) {
        List<String> lines = text.strip().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            out.println(i == 0 ? String.format("%4s : %s", id, lines.get(i)) : "       " + lines.get(i));
        }
    }

    private static String nameOf(Snippet snippet) {
        return snippet instanceof jdk.jshell.PersistentSnippet ? ((jdk.jshell.PersistentSnippet) snippet).name() : null;
    }

    /** Writes what is in force (snippets as typed, magics) to a script that ./wengert FILE runs again. */
    private void save(String argument) throws IOException, CellError {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("/save needs a file name, e.g. /save session.jsh");
        }
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            if (entry.snippet() == null) {
                text.append(entry.magic()).append('\n');
            } else if (evaluator.jshell().status(entry.snippet()).isActive()) {
                text.append(evaluator.typedSource(entry.snippet())).append('\n');
            }
        }
        Files.writeString(resolve(argument), text.toString());
    }

    private Outcome open(String argument, PrintStream errors) throws IOException {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("/open needs a file name, e.g. /open setup.jsh");
        }
        Path file = resolve(argument);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("/open: no such file: " + file);
        }
        return runScript(argument, Files.readString(file), errors);
    }

    private Path resolve(String name) {
        return options.workingDirectory().resolve(name);
    }

    private void reset() {
        evaluator.close();
        evaluator = new Evaluator(options);
        entries.clear();
        out.println("|  Resetting state: a new session with the startup scripts (the DSL's tape is new too).");
    }

    private void set(String argument) {
        String[] parts = argument.split("\\s+");
        if (argument.isEmpty()) {
            out.println("|  /set truncation " + truncation);
            out.println("|  /set progress " + progressStyle());
            return;
        }
        if (parts[0].equals("truncation") && parts.length == 2) {
            try {
                truncation = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                truncation = -2;
            }
            if (truncation < 0) {
                truncation = DEFAULT_TRUNCATION;
                throw new IllegalArgumentException("/set truncation takes a length in characters (0: never shorten), not '"
                        + parts[1] + "'");
            }
            return;
        }
        if (parts[0].equals("progress") && parts.length == 2
                && List.of("live", "lines", "off").contains(parts[1])) {
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, parts[1]);
            return;
        }
        throw new IllegalArgumentException("/set knows: truncation <characters> (0: never shorten plain values),"
                + " progress live|lines|off");
    }

    private static String progressStyle() {
        String style = System.getProperty(OptimizerEvents.PROGRESS_PROPERTY);
        return style == null ? "(automatic)" : style;
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
