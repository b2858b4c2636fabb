package dev.wengert.console;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;

import dev.wengert.repl.CellError;
import dev.wengert.repl.Evaluator;

/**
 * Tells JLine where an input ends and what Tab completes, by asking the session's JShell.
 *
 * <p>Enter on an unfinished input (an open brace, {@code x +}) continues it on a new line,
 * as jshell does: JShell's completeness analysis decides, after magics and {@code let} are
 * handled as in a notebook cell. For Tab, the word JLine replaces is exactly the text JShell's
 * completion replaces (from its anchor to the cursor), so candidates need no adjusting; with
 * nothing typed inside a call's parentheses there are no candidates, and the console shows
 * the call's signatures instead.
 */
final class InputParser implements Parser {

    private static final List<String> COMMANDS = List.of("/exit", "/help", "/vars", "/methods", "/types",
            "/imports", "/list", "/save", "/open", "/reset", "/history", "/set");

    /** A parsed input: the word under completion and, when completing, its candidates. */
    record Line(String line, int cursor, int wordStart, List<String> candidates) implements CompletingParsedLine {
        @Override
        public String word() {
            return line.substring(wordStart, cursor);
        }

        @Override
        public int wordCursor() {
            return cursor - wordStart;
        }

        @Override
        public int wordIndex() {
            return 0;
        }

        @Override
        public List<String> words() {
            return List.of(word());
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return candidate; // Java needs no shell quoting
        }

        @Override
        public int rawWordCursor() {
            return wordCursor();
        }

        @Override
        public int rawWordLength() {
            return word().length();
        }
    }

    private final Supplier<Evaluator> evaluator;
    private final Path workingDirectory;

    InputParser(Supplier<Evaluator> evaluator, Path workingDirectory) {
        this.evaluator = evaluator;
        this.workingDirectory = workingDirectory;
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws EOFError {
        boolean command = ConsoleSession.isCommand(line);
        if (context == ParseContext.ACCEPT_LINE && !command && isIncomplete(line)) {
            throw new EOFError(-1, -1, "the input continues on the next line", "");
        }
        if (context != ParseContext.COMPLETE) {
            return new Line(line, cursor, cursor, List.of());
        }
        return command ? completeCommand(line, cursor) : completeJava(line, cursor);
    }

    private boolean isIncomplete(String line) {
        try {
            return evaluator.get().completeness(line) == Evaluator.Completeness.INCOMPLETE;
        } catch (CellError | RuntimeException e) {
            return false; // running it shows what is wrong
        }
    }

    private Line completeJava(String line, int cursor) {
        try {
            Evaluator.Completions completions = evaluator.get().complete(line, cursor);
            int anchor = Math.min(Math.max(0, completions.anchor()), cursor);
            if (anchor == cursor && !evaluator.get().documentation(line, cursor).isEmpty()) {
                // nothing typed yet inside a call's parentheses: its signatures help more than
                // every expression that could go there, as in jshell (the completer shows them)
                return new Line(line, cursor, cursor, List.of());
            }
            return new Line(line, cursor, anchor, completions.continuations());
        } catch (CellError | RuntimeException e) {
            return new Line(line, cursor, cursor, List.of());
        }
    }

    /** Command names after the slash; file names after /open and /save. */
    private Line completeCommand(String line, int cursor) {
        String head = line.substring(0, cursor);
        int space = head.indexOf(' ');
        if (space < 0) {
            List<String> names = new ArrayList<>();
            COMMANDS.stream().filter(c -> c.startsWith(head)).forEach(names::add);
            return new Line(line, cursor, 0, names);
        }
        String name = head.substring(0, space);
        if (!name.equals("/open") && !name.equals("/save")) {
            return new Line(line, cursor, cursor, List.of());
        }
        int wordStart = space + 1;
        while (wordStart < cursor && head.charAt(wordStart) == ' ') {
            wordStart++;
        }
        return new Line(line, cursor, wordStart, files(head.substring(wordStart)));
    }

    private List<String> files(String typed) {
        int slash = typed.lastIndexOf('/');
        String folder = slash < 0 ? "" : typed.substring(0, slash + 1);
        String prefix = typed.substring(slash + 1);
        Path dir = workingDirectory.resolve(folder.isEmpty() ? "." : folder);
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.startsWith(prefix) && (!file.startsWith(".") || prefix.startsWith("."))) {
                    found.add(folder + file + (Files.isDirectory(entry) ? "/" : ""));
                }
            }
        } catch (IOException e) {
            return List.of(); // an unreadable folder completes to nothing
        }
        found.sort(null);
        return found;
    }
}
