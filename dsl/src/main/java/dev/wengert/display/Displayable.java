package dev.wengert.display;

import java.util.Map;

/**
 * A value that knows how to show itself in a notebook.
 *
 * <p>The DSL never depends on a kernel: a plot, a fit summary or a tape offers its
 * representations as MIME type → content, and whoever displays it (our Jupyter kernel, a
 * renderer registered in stock IJava, or {@code toString()} in plain JShell) picks the richest
 * one it supports.
 *
 * <p>Text types ({@code text/plain}, {@code text/html}, {@code image/svg+xml}) map to their
 * text; binary types ({@code image/png}) map to their base64 encoding, as Jupyter's wire
 * protocol carries them. The map's iteration order is the order of preference.
 *
 * <pre>{@code
 * Displayable d = () -> Map.of("text/plain", "hello", "text/html", "<b>hello</b>");
 * d.mimeBundle().get("text/html");   // "<b>hello</b>"
 * }</pre>
 */
@FunctionalInterface
public interface Displayable {

    /** MIME type → content, most preferred first; always contains {@code text/plain}. */
    Map<String, String> mimeBundle();
}
