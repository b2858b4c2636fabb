package dev.wengert.repl;

/**
 * A magic: a line {@code %name arguments} (or a cell starting {@code %%name arguments}) that
 * the front ends carry out themselves instead of handing it to JShell.
 *
 * <p>The notebook kernel, the console and scripts all run cells through {@link Evaluator},
 * which looks magics up in {@link Magics#BUILT_IN}: a new magic is one class implementing this
 * interface and one entry in that list, and every front end has it, in its help too.
 *
 * <pre>{@code
 * final class EchoMagic implements Magic {
 *     public String name() { return "echo"; }
 *     public String usage() { return "%echo <text>: prints the text"; }
 *     public void run(Cell.MagicCall call, MagicContext context) { context.out().println(call.arguments()); }
 * }
 * }</pre>
 */
public interface Magic {

    /** The name after {@code %} (or {@code %%}), e.g. {@code jars}. */
    String name();

    /** One line of help: the syntax and what it does, e.g. {@code "%jars <jar, folder or glob>...: ..."}. */
    String usage();

    /**
     * Whether the magic takes a cell body ({@code %%name} on the first line, the rest of the
     * cell its input). Line magics ({@code %name}) keep the default.
     */
    default boolean takesBody() {
        return false;
    }

    /**
     * Carries the magic out. Bad arguments throw an {@link IllegalArgumentException} whose
     * message says what is wrong and how to write it; the front end shows it with the magic's
     * line, and the rest of the cell does not run.
     */
    void run(Cell.MagicCall call, MagicContext context) throws Exception;
}
