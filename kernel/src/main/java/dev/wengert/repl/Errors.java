package dev.wengert.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.wengert.repl.CellError.CompilationError;
import dev.wengert.repl.CellError.ExceptionInCell;
import dev.wengert.repl.CellError.ExceptionInCell.Frame;
import dev.wengert.repl.CellError.ExceptionInCell.Origin;
import dev.wengert.repl.CellError.ExceptionInCell.Thrown;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Builds the errors a cell shows: compiler diagnostics at the line and column the user typed,
 * and exceptions with the user's frames only.
 */
final class Errors {

    // frames from here down are JShell, reflection and the front end calling the user's code
    private static final List<String> MACHINERY = List.of(
            "jdk.internal.reflect.", "java.lang.reflect.", "jdk.jshell.", "dev.wengert.repl.",
            "dev.wengert.kernel.", "dev.wengert.console.", "java.util.concurrent.");

    private static final String OUT_OF_MEMORY_NOTE = "the cell ran out of memory; its allocations were released"
            + " and the session goes on. Give it more with -Xmx (the kernel's kernel.json, or JAVA_OPTS for ./wengert)";

    private Errors() {
    }

    /**
     * A compilation error for the diagnostics of one snippet of {@code cell}, whose first line
     * is line {@code firstLine} of {@code sourceName}.
     */
    static CompilationError compilation(Cell cell, Cell.Piece piece, List<Diag> diagnostics, String sourceName,
            int firstLine) {
        String java = cell.java();
        List<CompilationError.Problem> problems = new ArrayList<>();
        for (Diag diag : diagnostics) {
            if (!diag.isError()) {
                continue;
            }
            long position = diag.getPosition() >= 0 ? diag.getPosition() : Math.max(0, diag.getStartPosition());
            int offset = Math.min(java.length(), piece.offset() + (int) position);
            int lineStart = lineStart(java, offset);
            int lineEnd = lineEnd(java, lineStart);
            int start = diag.getStartPosition() >= 0
                    ? Math.min(offset, piece.offset() + (int) diag.getStartPosition()) : offset;
            start = Math.max(start, lineStart);
            int end = diag.getEndPosition() >= 0 ? piece.offset() + (int) diag.getEndPosition() : offset + 1;
            end = Math.min(Math.max(end, start + 1), Math.max(lineEnd, start + 1));
            problems.add(new CompilationError.Problem(firstLine + lineOf(java, offset) - 1, offset - lineStart + 1,
                    start - lineStart + 1, end - lineStart + 1, withoutWrapperNames(diag.getMessage(Locale.ROOT)),
                    cell.typed().substring(lineStart, Math.min(lineEnd, cell.typed().length()))));
        }
        return new CompilationError(sourceName, problems,
                "the snippet was rejected without a diagnostic: " + piece.source().strip());
    }

    /**
     * The error for an exception thrown by user code; {@code origins} says where every user
     * snippet came from, {@code thisCell} which snippets belong to the cell that failed, and
     * {@code line} is where the snippet that threw starts.
     */
    static ExceptionInCell exception(JShellException exception, Map<String, Origin> origins, Set<String> thisCell,
            int line) {
        List<Thrown> chain = new ArrayList<>();
        Throwable current = exception;
        // JShell hands causes over as EvalExceptions too, when the JDK passes them on
        for (int depth = 0; current instanceof JShellException && depth < 10; depth++) {
            String type = current instanceof EvalException
                    ? ((EvalException) current).getExceptionClassName()
                    : current.getClass().getName();
            String message = current.getMessage() == null ? null : withoutWrapperNames(current.getMessage());
            chain.add(new Thrown(type, message, userFrames(current, origins, thisCell)));
            current = current.getCause();
        }
        String note = chain.get(0).type().equals("java.lang.OutOfMemoryError") ? OUT_OF_MEMORY_NOTE : null;
        return new ExceptionInCell(chain, note, line);
    }

    private static List<Frame> userFrames(Throwable exception, Map<String, Origin> origins, Set<String> thisCell) {
        List<Frame> frames = new ArrayList<>();
        for (StackTraceElement frame : exception.getStackTrace()) {
            if (isMachinery(frame)) {
                break;
            }
            frames.add(frame(frame, origins, thisCell));
        }
        return frames;
    }

    private static Frame frame(StackTraceElement frame, Map<String, Origin> origins, Set<String> thisCell) {
        String file = frame.getFileName();
        if (file != null && file.startsWith("#")) {
            // JShell names a snippet's frames "#id" with lines counted within the snippet
            String id = file.substring(1);
            String method = frame.getMethodName();
            method = method.isEmpty() || method.equals("do_it$") ? null : method;
            return new Frame(method, id, frame.getLineNumber(), origins.get(id), thisCell.contains(id), null);
        }
        return new Frame(frame.getMethodName(), null, frame.getLineNumber(), null, false, frame.toString());
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

    /**
     * The error for a throwable caught by the front end itself, e.g. from a value's
     * mimeBundle(); frames of classes starting with {@code userPrefix} count as the user's.
     */
    static ExceptionInCell thrown(String what, Throwable thrown, String userPrefix) {
        List<Frame> frames = new ArrayList<>();
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (isMachinery(frame) && (userPrefix == null || !frame.getClassName().startsWith(userPrefix))) {
                break;
            }
            frames.add(new Frame(frame.getMethodName(), null, frame.getLineNumber(), null, false, frame.toString()));
        }
        return new ExceptionInCell(List.of(new Thrown(what, String.valueOf(thrown), frames)), null, 0);
    }

    /** The error for calling {@code name}, whose body uses names not declared yet. */
    static CellError.Unresolved unresolved(UnresolvedReferenceException exception, List<String> missing, int line) {
        String name = exception.getSnippet().name();
        String message = name + " cannot be used until " + String.join(", ", missing) + " "
                + (missing.size() == 1 ? "is" : "are") + " declared";
        return new CellError.Unresolved(message, line);
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

    private static int lineEnd(String text, int lineStart) {
        int end = text.indexOf('\n', lineStart);
        return end < 0 ? text.length() : end;
    }
}
