package dev.wengert.kernel;

import java.util.List;

/**
 * Why a cell failed, ready for Jupyter: the exception's simple class name becomes the error
 * name, its message the error value, and {@link #traceback()} the lines shown under the cell.
 */
abstract class CellError extends Exception {

    private final List<String> traceback;

    CellError(String message, List<String> traceback) {
        // no stack trace: basekernel would send the kernel's own frames in execute_reply
        super(message, null, false, false);
        this.traceback = List.copyOf(traceback);
    }

    /** The lines Jupyter prints for this error. */
    List<String> traceback() {
        return traceback;
    }

    /** The cell did not compile; the message starts with the line and column in the cell. */
    static final class CompilationError extends CellError {
        CompilationError(String message, List<String> traceback) {
            super(message, traceback);
        }
    }

    /** User code threw; the message is the exception's class and message. */
    static final class ExceptionInCell extends CellError {
        ExceptionInCell(String message, List<String> traceback) {
            super(message, traceback);
        }
    }

    /** The user interrupted the cell (or it exceeded IJAVA_TIMEOUT). */
    static final class Interrupted extends CellError {
        Interrupted(String message) {
            super(message, List.of(message));
        }
    }

    /** A magic ({@code %jars}, {@code %classpath}) could not be carried out. */
    static final class MagicError extends CellError {
        MagicError(String message) {
            super(message, List.of(message));
        }
    }
}
