package dev.wengert.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Why a cell failed, with what each front end needs to show it: the notebook's error name
 * (the simple class name), its value ({@link #getMessage()}) and traceback ({@link #traceback()}),
 * and the structured parts (problems with line, column and the user's source line; frames with
 * the snippet they ran in) from which the console and scripts write their own layout.
 */
public abstract class CellError extends Exception {

    CellError(String message) {
        // no stack trace: basekernel would send the kernel's own frames in execute_reply
        super(message, null, false, false);
    }

    /** The lines a notebook prints for this error. */
    public abstract List<String> traceback();

    /**
     * A compiler error in the cell. Lines count in the cell's source: a script's lines are the
     * file's, a notebook cell's start at 1.
     */
    public static final class CompilationError extends CellError {

        /**
         * One error diagnostic.
         *
         * @param line 1-based line in the source
         * @param column 1-based column of the compiler's position
         * @param start 1-based column where the marked span starts (on {@code line})
         * @param end 1-based column after the marked span (on {@code line}, at least start + 1)
         * @param sourceLine the user's text of that line, as typed ({@code let}, not {@code var})
         */
        public record Problem(int line, int column, int start, int end, String message, String sourceLine) {

            /** The caret line under {@link #sourceLine}: {@code ^} or {@code ^--^}, tabs kept so it aligns. */
            public String caret() {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < start - 1 && i < sourceLine.length(); i++) {
                    out.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
                }
                out.append(" ".repeat(Math.max(0, start - 1 - sourceLine.length())));
                int width = Math.max(1, end - start);
                out.append('^');
                if (width > 1) {
                    out.append("-".repeat(width - 2)).append('^');
                }
                return out.toString();
            }

            /** "line 2, column 9: cannot find symbol ..." */
            String located() {
                return "line " + line + ", column " + column + ": " + message;
            }
        }

        private final String sourceName;
        private final List<Problem> problems;

        CompilationError(String sourceName, List<Problem> problems, String fallback) {
            super(problems.isEmpty() ? fallback : problems.get(0).located());
            this.sourceName = sourceName;
            this.problems = List.copyOf(problems);
        }

        /** The script the cell came from, or null for a notebook cell or typed input. */
        public String sourceName() {
            return sourceName;
        }

        /** The error diagnostics, in the compiler's order (empty if JShell gave none). */
        public List<Problem> problems() {
            return problems;
        }

        @Override
        public List<String> traceback() {
            if (problems.isEmpty()) {
                return List.of(getMessage());
            }
            List<String> lines = new ArrayList<>();
            for (Problem problem : problems) {
                lines.add(problem.located());
                lines.add("    " + problem.sourceLine());
                lines.add("    " + problem.caret());
            }
            return lines;
        }
    }

    /** User code threw; the message is the exception's class and message. */
    public static final class ExceptionInCell extends CellError {

        /**
         * Where a user snippet was typed.
         *
         * @param sourceName the script, or null for a notebook cell or typed input
         * @param firstLine the line of the snippet's first non-blank character in its source
         * @param lines how many lines the snippet spans
         */
        public record Origin(String sourceName, int firstLine, int lines) {
        }

        /**
         * One frame of the user's code.
         *
         * @param method the method's name, or null for a snippet's top level
         * @param snippetId JShell's snippet id, or null for a frame outside the user's snippets
         * @param lineInSnippet JShell's line number within the snippet
         * @param origin where the snippet came from, or null if unknown (a startup snippet)
         * @param thisCell whether the snippet belongs to the cell that failed
         * @param javaFrame the frame as Java prints it, for frames outside the snippets
         */
        public record Frame(String method, String snippetId, int lineInSnippet, Origin origin, boolean thisCell,
                String javaFrame) {

            /** The line in the snippet's source (file or cell); an expression's wrapper may overshoot, so clamp. */
            public int line() {
                int within = Math.min(Math.max(lineInSnippet, 1), Math.max(1, origin.lines()));
                return origin.firstLine() + within - 1;
            }

            /** As a notebook shows it: "divide (line 2)", "cell (line 5)", "f (an earlier cell, line 3)". */
            public String forNotebook() {
                if (snippetId == null) {
                    return javaFrame;
                }
                String name = method == null ? "cell" : method;
                if (origin == null) {
                    return name + " (snippet " + snippetId + ", line " + lineInSnippet + ")";
                }
                if (origin.sourceName() != null) {
                    return name + " (" + origin.sourceName() + ":" + line() + ")";
                }
                return name + (thisCell ? " (line " : " (an earlier cell, line ") + line() + ")";
            }
        }

        /** The exception or one of its causes. */
        public record Thrown(String type, String message, List<Frame> frames) {

            /** "java.lang.ArithmeticException: / by zero" */
            public String header() {
                return message == null ? type : type + ": " + message;
            }
        }

        private final List<Thrown> chain;
        private final String note;
        private final int line;

        ExceptionInCell(List<Thrown> chain, String note, int line) {
            super(chain.get(0).header());
            this.chain = List.copyOf(chain);
            this.note = note;
            this.line = line;
        }

        /** The line (in the source) where the snippet that threw starts; 0 if no snippet threw. */
        public int line() {
            return line;
        }

        /** The exception first, then its causes. */
        public List<Thrown> chain() {
            return chain;
        }

        /** Advice that goes with the error (running out of memory), or null. */
        public String note() {
            return note;
        }

        @Override
        public List<String> traceback() {
            return traceback(Frame::forNotebook);
        }

        /** The traceback with frames described by {@code where} ("    at " is added). */
        public List<String> traceback(Function<Frame, String> where) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                Thrown thrown = chain.get(i);
                lines.add(i == 0 ? thrown.header() : "Caused by: " + thrown.header());
                if (i == 0 && note != null) {
                    lines.add("    (" + note + ")");
                }
                for (String frame : Errors.collapseRepeats(thrown.frames().stream().map(where).toList())) {
                    lines.add(frame.startsWith("    ...") ? frame : "    at " + frame);
                }
            }
            return lines;
        }
    }

    /** A method or class was called whose body uses names not declared yet. */
    public static final class Unresolved extends CellError {
        private final int line;

        Unresolved(String message, int line) {
            super(message);
            this.line = line;
        }

        /** The line (in the source) where the snippet that made the call starts. */
        public int line() {
            return line;
        }

        @Override
        public List<String> traceback() {
            return List.of(getMessage());
        }
    }

    /** The user interrupted the cell (or it exceeded its time limit). */
    public static final class Interrupted extends CellError {
        public Interrupted(String message) {
            super(message);
        }

        @Override
        public List<String> traceback() {
            return List.of(getMessage());
        }
    }

    /** A magic ({@code %jars}, {@code %classpath}, ...) could not be carried out. */
    public static final class MagicError extends CellError {
        private final int line;

        MagicError(String message, int line) {
            super(message);
            this.line = line;
        }

        /** The magic's line in the source. */
        public int line() {
            return line;
        }

        @Override
        public List<String> traceback() {
            return List.of(getMessage());
        }
    }
}
