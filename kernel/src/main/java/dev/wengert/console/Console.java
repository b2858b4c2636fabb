package dev.wengert.console;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;

import dev.wengert.repl.CellError;
import dev.wengert.repl.Evaluator;

/**
 * The interactive console: JLine reads and edits the input (history, completion, multi-line
 * input), the {@link ConsoleSession} evaluates it through the same pipeline as the notebook
 * kernel, and Ctrl-C interrupts the running snippet.
 */
final class Console {

    static final String PROMPT = "wengert> ";
    static final String CONTINUATION = "   ...> ";

    private final ConsoleSession session;
    private final Terminal terminal;
    private final LineReader reader;
    // the input and cursor of the last Tab that found nothing: a second Tab there shows the javadoc
    private String lastDocumented;

    Console(ConsoleSession session, Terminal terminal, Path historyFile, Path workingDirectory) {
        this.session = session;
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("wengert")
                .parser(new InputParser(session::evaluator, workingDirectory))
                .completer(this::complete)
                .history(new DefaultHistory())
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                // Java has "!=" and "!done": no bash-style history expansion
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                // Tab at the start of a line lists what can be typed, as in jshell
                .option(LineReader.Option.INSERT_TAB, false)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .build();
        session.historySource(() -> {
            List<String> lines = new ArrayList<>();
            for (History.Entry entry : reader.getHistory()) {
                lines.add(entry.line());
            }
            return lines;
        });
    }

    /** Reads and evaluates until Ctrl-D or /exit; returns the exit status. */
    int run() {
        // Ctrl-C while a snippet runs stops it; JLine handles it itself while reading a line
        terminal.handle(Terminal.Signal.INT, signal -> session.evaluator().interrupt());
        System.out.println("|  Welcome to the Wengert console (JShell on Java " + Runtime.version() + ").");
        System.out.println("|  The DSL is imported; let x = ...; works. /help lists the commands; Tab completes; Ctrl-D leaves.");
        System.out.println();
        try {
            while (true) {
                String input;
                try {
                    System.out.flush();
                    input = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line, as in jshell
                } catch (EndOfFileException e) {
                    return 0;
                }
                if (input.isBlank()) {
                    continue;
                }
                if (ConsoleSession.isCommand(input)) {
                    ConsoleSession.Outcome outcome = session.command(input.strip());
                    if (outcome.exit()) {
                        return outcome.status();
                    }
                    continue;
                }
                session.evalTyped(input);
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                System.err.println("|  could not save the history: " + e.getMessage());
            }
        }
    }

    /** Tab: JShell's candidates; where there are none, the signatures (and on a second Tab the javadoc). */
    private void complete(LineReader lineReader, ParsedLine line, List<Candidate> candidates) {
        InputParser.Line parsed = (InputParser.Line) line;
        for (String continuation : parsed.candidates()) {
            // not "complete": no space after a name, as in jshell
            candidates.add(new Candidate(continuation, continuation, null, null, null, null, false));
        }
        if (!candidates.isEmpty() || ConsoleSession.isCommand(parsed.line())) {
            lastDocumented = null;
            return;
        }
        String here = parsed.cursor() + ":" + parsed.line();
        boolean again = here.equals(lastDocumented);
        lastDocumented = here;
        String documentation = documentation(parsed.line(), parsed.cursor(), again);
        if (!documentation.isEmpty()) {
            lineReader.printAbove(documentation);
        }
    }

    private String documentation(String code, int cursor, boolean withJavadoc) {
        List<Evaluator.Documentation> docs;
        try {
            docs = session.evaluator().documentation(code, cursor);
        } catch (CellError | RuntimeException e) {
            return "";
        }
        if (docs.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(withJavadoc ? "" : "Signatures:\n");
        for (Evaluator.Documentation doc : docs) {
            text.append(doc.signature()).append('\n');
            if (withJavadoc && !doc.javadoc().isBlank()) {
                text.append(doc.javadoc().strip()).append("\n\n");
            }
        }
        if (!withJavadoc) {
            text.append("<press Tab again to see the documentation>");
        } else if (docs.stream().allMatch(d -> d.javadoc().isBlank())) {
            // JShell reads javadoc from the sources: the JDK's lib/src.zip, a library's sources jar
            text.append("(no documentation found: JShell reads it from the sources, e.g. the JDK's lib/src.zip)");
        }
        return text.toString().stripTrailing();
    }
}
