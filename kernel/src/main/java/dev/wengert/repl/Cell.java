package dev.wengert.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * A cell's source as JShell will see it: magic lines set aside, {@code let} rewritten, and
 * split into snippets that remember where in the cell they start.
 *
 * <p>A cell is what one front end hands over at once: a notebook cell, one input of the
 * console, a script (or the part of it between two console commands). Every transformation
 * keeps offsets (a magic line becomes blanks, {@code let} becomes {@code var}), so a compiler
 * position inside a snippet maps back to the line and column the user sees.
 *
 * <pre>{@code
 * Cell cell = Cell.of("%jars lib/*.jar\nlet x = 1;");
 * cell.java();     // "               \nvar x = 1;"
 * cell.magics();   // [MagicCall[name=jars, arguments=lib/*.jar, body=null, offset=0, line=1]]
 * }</pre>
 */
public final class Cell {

    /** One snippet of the cell and the offset of its first character in the cell. */
    public record Piece(String source, int offset) {

        /** Offset in the cell of the snippet's first non-blank character. */
        public int start() {
            int blank = 0;
            while (blank < source.length() && Character.isWhitespace(source.charAt(blank))) {
                blank++;
            }
            return offset + blank;
        }

        /**
         * Offset in the cell of the snippet's code: after blanks and comments (JShell hands a
         * comment over with the snippet that follows it). A magic line between the comment and
         * the code comes before the snippet.
         */
        public int codeStart() {
            int i = 0;
            while (i < source.length()) {
                if (Character.isWhitespace(source.charAt(i))) {
                    i++;
                } else if (source.startsWith("//", i)) {
                    int end = source.indexOf('\n', i);
                    i = end < 0 ? source.length() : end + 1;
                } else if (source.startsWith("/*", i)) {
                    int end = source.indexOf("*/", i + 2);
                    i = end < 0 ? source.length() : end + 2;
                } else {
                    break;
                }
            }
            return offset + i;
        }
    }

    /**
     * A magic: {@code %name arguments} on a line of its own, or {@code %%name arguments} on the
     * cell's first line, whose {@code body} is then the rest of the cell (null for a line magic).
     *
     * @param offset where the magic's line starts in the cell
     * @param line the 1-based line of the magic in the cell
     */
    public record MagicCall(String name, String arguments, String body, int offset, int line) {

        /** How the user wrote it, for messages: {@code %jars} or {@code %%loadFromPOM}. */
        public String spelled() {
            return (body == null ? "%" : "%%") + name;
        }
    }

    private static final Pattern MAGIC_LINE = Pattern.compile("%[A-Za-z][\\w-]*(\\s.*)?");
    private static final Pattern CELL_MAGIC_LINE = Pattern.compile("%%[A-Za-z][\\w-]*(\\s.*)?");

    private final String typed;
    private final String java;
    private final List<MagicCall> magics;

    private Cell(String typed, String java, List<MagicCall> magics) {
        this.typed = typed;
        this.java = java;
        this.magics = List.copyOf(magics);
    }

    /** Parses a cell as the user typed it. */
    public static Cell of(String code) {
        List<MagicCall> magics = new ArrayList<>();
        int firstNewline = code.indexOf('\n');
        String firstLine = firstNewline < 0 ? code : code.substring(0, firstNewline);
        if (CELL_MAGIC_LINE.matcher(firstLine).matches()) {
            // the whole cell belongs to the magic: nothing of it is Java
            String[] parts = firstLine.strip().substring(2).split("\\s+", 2);
            String body = firstNewline < 0 ? "" : code.substring(firstNewline + 1);
            magics.add(new MagicCall(parts[0], parts.length > 1 ? parts[1] : "", body, 0, 1));
            return new Cell(code, code.replaceAll("[^\\n]", " "), magics);
        }
        StringBuilder java = new StringBuilder(code.length());
        int offset = 0;
        int lineNumber = 1;
        for (String line : code.split("\n", -1)) {
            // no Java statement starts with '%'; requiring column 0 and a name right after it
            // keeps a continued "a\n  % b" expression Java
            if (MAGIC_LINE.matcher(line).matches()) {
                String[] parts = line.strip().substring(1).split("\\s+", 2);
                magics.add(new MagicCall(parts[0], parts.length > 1 ? parts[1] : "", null, offset, lineNumber));
                java.append(" ".repeat(line.length()));
            } else {
                java.append(line);
            }
            java.append('\n');
            offset += line.length() + 1;
            lineNumber++;
        }
        java.setLength(java.length() - 1);
        return new Cell(code, LetRewriter.rewrite(java.toString()), magics);
    }

    /** The cell as the user typed it ({@code let} and magics included). */
    public String typed() {
        return typed;
    }

    /** The Java source, same length and line structure as the cell. */
    public String java() {
        return java;
    }

    /** The magics, in order. */
    public List<MagicCall> magics() {
        return magics;
    }

    /**
     * The snippets of the cell. A trailing incomplete snippet is included as it stands, so
     * that JShell reports what is missing at the right place.
     */
    public List<Piece> pieces(SourceCodeAnalysis analysis) {
        return split(analysis, java);
    }

    /** The snippet that ends at {@code cursor}, for completion and inspection. */
    public Piece pieceBefore(SourceCodeAnalysis analysis, int cursor) {
        String head = java.substring(0, Math.min(cursor, java.length()));
        List<Piece> pieces = split(analysis, head);
        if (pieces.isEmpty()) {
            return new Piece("", cursor);
        }
        Piece last = pieces.get(pieces.size() - 1);
        return new Piece(head.substring(last.offset()), last.offset());
    }

    /** What the user typed for {@code piece} (with {@code let}, without JShell's added ';'). */
    public String typedText(Piece piece) {
        int start = piece.start();
        int end = piece.offset() + piece.source().length();
        if (piece.source().endsWith(";") && (end > java.length() || java.charAt(end - 1) != ';')) {
            end--; // the ';' JShell added is not in the cell
        }
        end = Math.min(end, typed.length());
        String text = start < end ? typed.substring(start, end) : "";
        return text.stripTrailing();
    }

    private static List<Piece> split(SourceCodeAnalysis analysis, String code) {
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        int consumed = 0;
        while (!rest.isBlank()) {
            String line = statementEndingAtALineEnd(analysis, rest);
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(line != null ? line : rest);
            if (line != null) {
                // the snippet is that line (or those lines) and nothing more
                info = new LineEnded(info, rest.substring(line.length()));
            }
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                break;
            }
            if (!completeness.isComplete() || info.source() == null) {
                pieces.add(new Piece(rest.stripLeading(), consumed + leadingSpace(rest)));
                break;
            }
            String source = info.source();
            int at = consumed + locate(rest, source, completeness);
            // JShell numbers the lines of a snippet that starts with a line break wrongly (a
            // method's frames all read line 1): hand it the snippet from its first character
            String stripped = source.stripLeading();
            pieces.add(new Piece(stripped, at + source.length() - stripped.length()));
            String remaining = info.remaining();
            consumed += rest.length() - remaining.length();
            rest = remaining;
        }
        return pieces;
    }

    /**
     * The text up to the first line end where a statement ends without its semicolon, as a line
     * typed into jshell does ({@code best} on the last line of a notebook cell, followed by more
     * code in a script), unless the next line visibly continues it ({@code .toUpperCase()},
     * {@code + b}); null when JShell's own split applies. JShell alone would read
     * {@code best\nint y = 2;} as one broken statement.
     */
    private static String statementEndingAtALineEnd(SourceCodeAnalysis analysis, String rest) {
        int from = 0;
        while (true) {
            int newline = rest.indexOf('\n', from);
            if (newline < 0) {
                return null;
            }
            String head = rest.substring(0, newline);
            from = newline + 1;
            if (head.isBlank()) {
                continue;
            }
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(head);
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                case EMPTY:
                    continue; // the statement goes on, or only comments so far
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    // an expression is complete without ';', and so is an if without its else
                    if (info.remaining().isBlank() && !continues(rest.substring(newline + 1))) {
                        return head;
                    }
                    return null;
                default:
                    return null;
            }
        }
    }

    // what a line starts with when it continues the statement above it
    private static final Pattern CONTINUATION = Pattern.compile(
            "(\\.[^.]|[,)\\]?:+*%&|^<>=!]|-[^-]|/[^/*]|(instanceof|else|catch|finally)\\b).*", Pattern.DOTALL);

    /** Whether the code after a line end (blanks and comments skipped) continues a statement. */
    private static boolean continues(String next) {
        int i = 0;
        while (i < next.length()) {
            if (Character.isWhitespace(next.charAt(i))) {
                i++;
            } else if (next.startsWith("//", i)) {
                int end = next.indexOf('\n', i);
                i = end < 0 ? next.length() : end + 1;
            } else if (next.startsWith("/*", i)) {
                int end = next.indexOf("*/", i + 2);
                i = end < 0 ? next.length() : end + 2;
            } else {
                break;
            }
        }
        return CONTINUATION.matcher(next.substring(i)).matches();
    }

    /** JShell's analysis of a line-ended statement, with the rest of the cell as what remains. */
    private record LineEnded(SourceCodeAnalysis.CompletionInfo head, String remaining)
            implements SourceCodeAnalysis.CompletionInfo {
        @Override
        public Completeness completeness() {
            return head.completeness();
        }

        @Override
        public String source() {
            return head.source();
        }
    }

    /** Where {@code source} (possibly with a ';' JShell added) starts within {@code text}. */
    private static int locate(String text, String source, Completeness completeness) {
        String typed = completeness == Completeness.COMPLETE_WITH_SEMI && source.endsWith(";")
                ? source.substring(0, source.length() - 1)
                : source;
        int at = text.indexOf(typed.strip());
        // diagnostics count from the source's first character, blank or not
        return at >= 0 ? Math.max(0, at - leadingSpace(typed)) : leadingSpace(text);
    }

    private static int leadingSpace(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
