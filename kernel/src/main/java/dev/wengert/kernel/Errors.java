package dev.wengert.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Builds the errors a cell shows: compiler diagnostics at the cell's line and column, and
 * exceptions with the user's frames only.
 */
final class Errors {

    // frames from here down are JShell, reflection and the kernel calling the user's code
    private static final List<String> MACHINERY = List.of(
            "jdk.internal.reflect.", "java.lang.reflect.", "jdk.jshell.", "dev.wengert.kernel.",
            "java.util.concurrent.");

    private Errors() {
    }

    /** A compilation error for the diagnostics of one snippet of {@code cell}. */
    static CellError.CompilationError compilation(String cell, Cell.Piece piece, List<Diag> diagnostics) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag diag : diagnostics) {
            if (!diag.isError()) {
                continue;
            }
            long position = diag.getPosition() >= 0 ? diag.getPosition() : Math.max(0, diag.getStartPosition());
            int offset = Math.min(cell.length(), piece.offset() + (int) position);
            int line = lineOf(cell, offset);
            int column = offset - lineStart(cell, offset) + 1;
            String message = withoutWrapperNames(diag.getMessage(Locale.ROOT));
            String located = "line " + line + ", column " + column + ": " + message;
            if (first == null) {
                first = located;
            }
            lines.add(located);
            String sourceLine = lineText(cell, offset);
            lines.add("    " + sourceLine);
            lines.add("    " + " ".repeat(Math.max(0, column - 1)) + "^");
        }
        if (first == null) {
            first = "the snippet was rejected without a diagnostic: " + piece.source().strip();
            lines.add(first);
        }
        return new CellError.CompilationError(first, lines);
    }

    /**
     * The error for an exception thrown by user code; {@code snippetOffsets} maps the ids of
     * this cell's snippets to their first line in the cell, so frames read "line 3".
     */
    static CellError exception(JShellException exception, Map<String, int[]> snippetLines) {
        String type = exception instanceof EvalException
                ? ((EvalException) exception).getExceptionClassName()
                : exception.getClass().getName();
        String message = exception.getMessage() == null
                ? type
                : type + ": " + withoutWrapperNames(exception.getMessage());
        List<String> lines = new ArrayList<>();
        lines.add(message);
        if (type.equals("java.lang.OutOfMemoryError")) {
            lines.add("    (the cell ran out of memory; its allocations were released and the kernel goes on."
                    + " Give the kernel more with -Xmx in its kernel.json.)");
        }
        lines.addAll(userFrames(exception, snippetLines));
        // JShell hands causes over as EvalExceptions too, when the JDK passes them on
        Throwable cause = exception.getCause();
        for (int depth = 0; cause instanceof JShellException && depth < 10; depth++) {
            String causeType = cause instanceof EvalException
                    ? ((EvalException) cause).getExceptionClassName()
                    : cause.getClass().getName();
            lines.add("Caused by: " + causeType
                    + (cause.getMessage() == null ? "" : ": " + withoutWrapperNames(cause.getMessage())));
            lines.addAll(userFrames(cause, snippetLines));
            cause = cause.getCause();
        }
        return new CellError.ExceptionInCell(message, lines);
    }

    private static List<String> userFrames(Throwable exception, Map<String, int[]> snippetLines) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement frame : exception.getStackTrace()) {
            if (isMachinery(frame)) {
                break;
            }
            frames.add("    at " + describe(frame, snippetLines));
        }
        return collapseRepeats(frames);
    }

    /** A stack overflow repeats one frame a thousand times; show it a few times and a count. */
    static List<String> collapseRepeats(List<String> frames) {
        final int shown = 3;
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < frames.size()) {
            int run = 1;
            while (i + run < frames.size() && frames.get(i + run).equals(frames.get(i))) {
                run++;
            }
            for (int k = 0; k < Math.min(run, shown); k++) {
                out.add(frames.get(i));
            }
            if (run > shown) {
                out.add("    ... the same frame " + (run - shown) + " more times");
            }
            i += run;
        }
        return out;
    }

    /** The error for a throwable caught by the kernel itself, e.g. from a value's mimeBundle(). */
    static CellError thrown(String what, Throwable thrown) {
        String message = what + ": " + thrown;
        List<String> lines = new ArrayList<>();
        lines.add(message);
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (isMachinery(frame) && !frame.getClassName().startsWith(Displays.class.getName())) {
                break;
            }
            lines.add("    at " + frame);
        }
        return new CellError.ExceptionInCell(message, lines);
    }

    /** The error for calling {@code name}, whose body uses names not declared yet. */
    static CellError unresolved(UnresolvedReferenceException exception, List<String> missing) {
        String name = exception.getSnippet().name();
        String message = name + " cannot be used until " + String.join(", ", missing) + " "
                + (missing.size() == 1 ? "is" : "are") + " declared";
        return new CellError.ExceptionInCell(message, List.of(message));
    }

    /**
     * Removes the names of JShell's generated wrapper classes ("REPL.$JShell$14.a" reads "a",
     * "location: class " disappears): they are not in the user's code.
     */
    static String withoutWrapperNames(String message) {
        return message.replaceAll("REPL\\.\\$JShell\\$\\d+[A-Za-z]?\\.", "")
                .replaceAll("\\n\\s*location: class\\s*(?=\\n|$)", "");
    }

    private static boolean isMachinery(StackTraceElement frame) {
        for (String prefix : MACHINERY) {
            if (frame.getClassName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(StackTraceElement frame, Map<String, int[]> snippetLines) {
        String file = frame.getFileName();
        if (file != null && file.startsWith("#")) {
            // JShell names a snippet's frames "#id" with lines counted within the snippet
            String id = file.substring(1);
            String method = frame.getMethodName();
            method = method.isEmpty() || method.equals("do_it$") ? "cell" : method;
            int[] lines = snippetLines.get(id);
            if (lines == null) {
                return method + " (an earlier cell, snippet " + id + " line " + frame.getLineNumber() + ")";
            }
            // an expression's wrapper may report a line past the snippet's end: clamp to it
            int within = Math.min(Math.max(frame.getLineNumber(), 1), lines[1]);
            return method + " (line " + (lines[0] + within - 1) + ")";
        }
        return frame.toString();
    }

    /** 1-based line of {@code offset} in {@code text}. */
    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int lineStart(String text, int offset) {
        int newline = text.lastIndexOf('\n', Math.max(0, offset - 1));
        return offset == 0 ? 0 : newline + 1;
    }

    private static String lineText(String text, int offset) {
        int start = lineStart(text, offset);
        int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
