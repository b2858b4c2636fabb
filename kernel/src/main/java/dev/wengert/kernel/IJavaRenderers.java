package dev.wengert.kernel;

import java.util.Map;

import dev.wengert.display.Displayable;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

/**
 * Teaches a stock IJava kernel to show DSL values (plots as SVG, fits and tapes as HTML).
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

    /** Registers a renderer for every {@link Displayable}, offering each type of its bundle. */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Displayable.class)
                .preferring(TYPES)
                .supporting(TYPES)
                .register((value, context) -> {
                    Map<String, String> bundle = value.mimeBundle();
                    bundle.forEach((mime, content) -> context.renderIfRequested(MIMEType.parse(mime), () -> content));
                });
    }
}
