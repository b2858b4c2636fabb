package dev.wengert.console;

import java.util.ArrayList;
import java.util.List;

import dev.wengert.repl.CellError;
import dev.wengert.repl.CellError.CompilationError;
import dev.wengert.repl.CellError.ExceptionInCell;
import dev.wengert.repl.CellError.ExceptionInCell.Frame;
import dev.wengert.repl.Evaluator;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

/**
 * What the console writes about snippets and errors, in two layouts: jshell's for typed input
 * ({@code x ==> 3}, {@code |  created method f(int)}, errors under {@code |  }), and the
 * compiler's for scripts ({@code demo.jsh:12:9: error: ...}), so editors and CI logs link
 * the line.
 */
final class Feedback {

    private static final String BAR = "|  ";

    private Feedback() {
    }

    /**
     * The feedback line for a snippet typed at the prompt, as jshell's normal mode writes it,
     * or null when jshell is silent (statements, imports, void calls).
     *
     * @param valueText the text of the snippet's value (used for variables and expressions)
     */
    static String typed(Evaluator.Result result, String valueText) {
        Snippet snippet = result.snippet();
        boolean created = result.event().previousStatus() == Snippet.Status.NONEXISTENT;
        if (snippet instanceof VarSnippet) {
            VarSnippet var = (VarSnippet) snippet;
            if (var.typeName().equals("void")) {
                return null;
            }
            return var.name() + " ==> " + valueText;
        }
        if (snippet instanceof ExpressionSnippet) {
            ExpressionSnippet expression = (ExpressionSnippet) snippet;
            if (expression.typeName().equals("void")) {
                return null;
            }
            return expression.name() + " ==> " + valueText;
        }
        if (snippet instanceof MethodSnippet) {
            MethodSnippet method = (MethodSnippet) snippet;
            return BAR + (created ? "created" : "modified") + " method " + method.name() + "("
                    + method.parameterTypes() + ")";
        }
        if (snippet instanceof TypeDeclSnippet) {
            TypeDeclSnippet type = (TypeDeclSnippet) snippet;
            return BAR + (created ? "created " : "modified ") + kind(type) + " " + type.name();
        }
        return null;
    }

    static String kind(TypeDeclSnippet type) {
        switch (type.subKind()) {
            case INTERFACE_SUBKIND:
                return "interface";
            case ENUM_SUBKIND:
                return "enum";
            case ANNOTATION_TYPE_SUBKIND:
                return "annotation interface";
            case RECORD_SUBKIND:
                return "record";
            default:
                return "class";
        }
    }

    /** An error of typed input, in jshell's layout. */
    static List<String> typed(CellError error, boolean severalLines) {
        List<String> lines = new ArrayList<>();
        if (error instanceof CompilationError) {
            CompilationError compilation = (CompilationError) error;
            if (compilation.problems().isEmpty()) {
                lines.add(BAR + "Error: " + error.getMessage());
            }
            for (CompilationError.Problem problem : compilation.problems()) {
                lines.add(BAR + "Error:" + (severalLines ? " line " + problem.line() + ", column " + problem.column() : ""));
                problem.message().lines().forEach(l -> lines.add(BAR + l));
                lines.add(BAR + problem.sourceLine());
                lines.add(BAR + problem.caret());
            }
        } else if (error instanceof ExceptionInCell) {
            List<String> traceback = ((ExceptionInCell) error).traceback(Feedback::typedFrame);
            lines.add(BAR + "Exception " + traceback.get(0));
            for (String line : traceback.subList(1, traceback.size())) {
                // jshell indents frames deeper than the header
                lines.add(BAR + (line.startsWith("    ") ? "      " + line.substring(4) : line));
            }
        } else if (error instanceof CellError.Interrupted) {
            lines.add(BAR + capitalized(error.getMessage()) + "; the session and its variables are kept");
        } else {
            lines.add(BAR + error.getMessage());
        }
        return lines;
    }

    /** A frame of typed input as jshell writes it: {@code divide (#1:2)}, {@code (#2:1)}; a script's as {@code f (demo.jsh:3)}. */
    private static String typedFrame(Frame frame) {
        if (frame.snippetId() == null) {
            return frame.javaFrame();
        }
        String where = frame.origin() != null && frame.origin().sourceName() != null
                ? frame.origin().sourceName() + ":" + frame.line()
                : "#" + frame.snippetId() + ":" + frame.lineInSnippet();
        return (frame.method() == null ? "" : frame.method() + " ") + "(" + where + ")";
    }

    /** An error of a script, in the compiler's layout: every line starts with the file and line. */
    static List<String> script(CellError error, String file) {
        List<String> lines = new ArrayList<>();
        if (error instanceof CompilationError) {
            CompilationError compilation = (CompilationError) error;
            if (compilation.problems().isEmpty()) {
                lines.add(file + ": error: " + error.getMessage());
            }
            for (CompilationError.Problem problem : compilation.problems()) {
                List<String> message = problem.message().lines().toList();
                lines.add(file + ":" + problem.line() + ":" + problem.column() + ": error: "
                        + (message.isEmpty() ? "" : message.get(0)));
                message.stream().skip(1).forEach(lines::add);
                lines.add("    " + problem.sourceLine());
                lines.add("    " + problem.caret());
            }
        } else if (error instanceof ExceptionInCell) {
            ExceptionInCell exception = (ExceptionInCell) error;
            List<String> traceback = exception.traceback(Feedback::typedFrame);
            lines.add(file + ":" + exception.line() + ": " + traceback.get(0));
            lines.addAll(traceback.subList(1, traceback.size()));
        } else if (error instanceof CellError.MagicError) {
            lines.add(file + ":" + ((CellError.MagicError) error).line() + ": " + error.getMessage());
        } else if (error instanceof CellError.Unresolved) {
            lines.add(file + ":" + ((CellError.Unresolved) error).line() + ": " + error.getMessage());
        } else {
            lines.add(file + ": " + error.getMessage());
        }
        return lines;
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
