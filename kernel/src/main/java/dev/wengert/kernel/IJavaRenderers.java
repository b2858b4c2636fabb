package dev.wengert.kernel;

import java.util.Map;

import dev.wengert.display.Displayable;
import dev.wengert.display.TableView;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;

/**
 * Teaches a stock IJava kernel to show DSL values (plots as SVG, fits and tapes as HTML) and
 * tablesaw tables (as HTML tables of their first and last rows, with the row count).
 *
 * <p>IJava is built on the same basekernel, so its renderer takes the same registrations. The
 * {@code kernel-config/ijava} startup script calls this once:
 *
 * <pre>{@code
 * dev.wengert.kernel.IJavaRenderers.register(io.github.spencerpark.ijava.IJava.getKernelInstance().getRenderer());
 * }</pre>
 */
public final class IJavaRenderers {

    // what a Displayable may offer; the renderer wants the set up front
    private static final String[] TYPES = {
        "text/plain", "text/html", "image/svg+xml", "image/png", "text/markdown", "text/latex", "application/json",
    };

    private IJavaRenderers() {
    }

    /** Registers renderers for every {@link Displayable} and tablesaw {@link Table}, offering each type of the bundle. */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Displayable.class)
                .preferring(TYPES)
                .supporting(TYPES)
                .register((value, context) -> render(value.mimeBundle(), context));
        renderer.createRegistration(Table.class)
                .preferring("text/html", "text/plain")
                .supporting("text/html", "text/plain")
                .register((value, context) -> render(TableView.of(value).mimeBundle(), context));
    }

    private static void render(Map<String, String> bundle, io.github.spencerpark.jupyter.kernel.display.RenderContext context) {
        bundle.forEach((mime, content) -> context.renderIfRequested(MIMEType.parse(mime), () -> content));
    }
}
