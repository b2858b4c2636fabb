package dev.wengert.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * A cell's source as JShell will see it: magic lines set aside, {@code let} rewritten, and
 * split into snippets that remember where in the cell they start.
 *
 * <p>Every transformation keeps offsets (a magic line becomes an empty line, {@code let}
 * becomes {@code var}), so a compiler position inside a snippet maps back to the line and
 * column the user sees.
 */
final class Cell {

    /** One snippet of the cell and the offset of its first character in the cell. */
    record Piece(String source, int offset) {
    }

    /** A line magic such as {@code %jars lib/*.jar}: its name and its argument text. */
    record Magic(String name, String arguments) {
    }

    private static final Pattern MAGIC_LINE = Pattern.compile("%[A-Za-z][\\w-]*(\\s.*)?");

    private final String java;
    private final List<Magic> magics;

    private Cell(String java, List<Magic> magics) {
        this.java = java;
        this.magics = magics;
    }

    /** Parses a cell as the user typed it. */
    static Cell of(String code) {
        List<Magic> magics = new ArrayList<>();
        StringBuilder java = new StringBuilder(code.length());
        for (String line : code.split("\n", -1)) {
            // no Java statement starts with '%'; requiring column 0 and a name right after it
            // keeps a continued "a\n  % b" expression Java
            if (MAGIC_LINE.matcher(line).matches()) {
                String[] parts = line.strip().substring(1).split("\\s+", 2);
                magics.add(new Magic(parts[0], parts.length > 1 ? parts[1] : ""));
                java.append(" ".repeat(line.length()));
            } else {
                java.append(line);
            }
            java.append('\n');
        }
        java.setLength(java.length() - 1);
        return new Cell(LetRewriter.rewrite(java.toString()), magics);
    }

    /** The Java source, same length and line structure as the cell. */
    String java() {
        return java;
    }

    /** The magic lines, in order. */
    List<Magic> magics() {
        return magics;
    }

    /**
     * The snippets of the cell. A trailing incomplete snippet is included as it stands, so
     * that JShell reports what is missing at the right place.
     */
    List<Piece> pieces(SourceCodeAnalysis analysis) {
        return split(analysis, java);
    }

    /** The snippet that ends at {@code cursor}, for completion and inspection. */
    Piece pieceBefore(SourceCodeAnalysis analysis, int cursor) {
        String head = java.substring(0, Math.min(cursor, java.length()));
        List<Piece> pieces = split(analysis, head);
        if (pieces.isEmpty()) {
            return new Piece("", cursor);
        }
        Piece last = pieces.get(pieces.size() - 1);
        return new Piece(head.substring(last.offset()), last.offset());
    }

    private static List<Piece> split(SourceCodeAnalysis analysis, String code) {
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        int consumed = 0;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                break;
            }
            if (!completeness.isComplete() || info.source() == null) {
                pieces.add(new Piece(rest.stripLeading(), consumed + leadingSpace(rest)));
                break;
            }
            String source = info.source();
            pieces.add(new Piece(source, consumed + locate(rest, source, completeness)));
            String remaining = info.remaining();
            consumed += rest.length() - remaining.length();
            rest = remaining;
        }
        return pieces;
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
