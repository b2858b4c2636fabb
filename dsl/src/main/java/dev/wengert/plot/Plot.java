package dev.wengert.plot;

import dev.wengert.display.Displayable;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

import org.jfree.svg.SVGGraphics2D;

/**
 * A plot is a value: it renders itself to SVG or PNG on demand and shows inline in a notebook
 * through {@link Displayable}. Nothing is drawn until asked, so building, copying and
 * re-styling a plot is cheap.
 *
 * <pre>{@code
 * var p = plot(x -> sin(x), 0, 6.3).title("sin");
 * p.save("sin.svg");          // or "sin.png"
 * byte[] png = p.png(800, 600);
 * String svg = p.svg();
 * p.show();                   // plain JShell: writes a temporary PNG and prints its path
 * }</pre>
 *
 * <p>In a notebook a plot is sent as HTML with the SVG inline (JupyterLab, the classic
 * notebook, VS Code and nbconvert's HTML show it) and as PNG (for viewers that show no inline
 * SVG, such as GitHub's), plus a line of text. {@link #mime(String...)} chooses other types for
 * one plot, {@link #defaultMime(String...)} (the facade's {@code plotMime}) for every plot:
 *
 * <pre>{@code
 * plotMime("image/png");                     // every plot from now on: PNG only (and text)
 * contour(f, -2, 2, -2, 2).mime("svg");      // this one: SVG only
 * }</pre>
 *
 * <p>Rendering runs headless: the Jupyter kernel and CI have no display, and AWT must learn
 * that before its first use, hence the property set when this class loads.
 *
 * @param <P> the concrete plot type, so the fluent setters keep it
 */
public abstract class Plot<P extends Plot<P>> implements Displayable {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Several SVGs inline in one HTML page share one id space: each rendering gets its own prefix. */
    private static final AtomicLong RENDERINGS = new AtomicLong();

    /** Inline SVG in HTML. */
    public static final String HTML = "text/html";
    /** SVG, as its own representation. */
    public static final String SVG = "image/svg+xml";
    /** PNG, base64 on the wire. */
    public static final String PNG = "image/png";
    private static final String TEXT = "text/plain";

    private static volatile List<String> defaultMime = List.of(HTML, PNG);

    private String title;
    private List<String> mime;   // null: the default
    private int width = 640;
    private int height = 480;

    protected Plot() {
    }

    @SuppressWarnings("unchecked")
    protected final P self() {
        return (P) this;
    }

    /** Sets the title drawn above the plot. */
    public P title(String title) {
        this.title = title;
        return self();
    }

    /** The title, or null. */
    public String title() {
        return title;
    }

    /** Sets the size in pixels used by {@link #svg()}, {@link #save}, {@link #show()} and notebooks. */
    public P size(int width, int height) {
        if (width < 50 || height < 50 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("size(" + width + ", " + height
                    + "): width and height must be between 50 and 10000 pixels");
        }
        this.width = width;
        this.height = height;
        return self();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * Chooses what this plot sends to a notebook, most preferred first: {@code "text/html"}
     * (the SVG inline), {@code "image/svg+xml"}, {@code "image/png"}, or their short names
     * {@code "html"}, {@code "svg"}, {@code "png"}. A one-line {@code text/plain} is always sent
     * too. Overrides {@link #defaultMime(String...)} for this plot.
     *
     * <pre>{@code
     * lossCurve(run).mime("png");            // a PNG only: small, and shown everywhere
     * }</pre>
     */
    public P mime(String... types) {
        this.mime = parseMime("mime", types);
        return self();
    }

    /** The MIME types this plot sends (its own choice, else the default), most preferred first; text/plain is added. */
    public List<String> mime() {
        return mime != null ? mime : defaultMime;
    }

    /**
     * Chooses what every plot without a choice of its own sends to a notebook (initially
     * {@code "text/html", "image/png"}); the types as in {@link #mime(String...)}. The facade
     * offers it as {@code plotMime(…)}.
     *
     * <pre>{@code
     * Plot.defaultMime("image/png");                 // PNG only, e.g. to keep a notebook small
     * Plot.defaultMime("text/html", "image/png");    // back to the default
     * }</pre>
     */
    public static void defaultMime(String... types) {
        defaultMime = parseMime("plotMime", types);
    }

    /** The MIME types plots send when they have no choice of their own. */
    public static List<String> defaultMime() {
        return defaultMime;
    }

    private static List<String> parseMime(String op, String... types) {
        if (types == null || types.length == 0) {
            throw new IllegalArgumentException(op + "(): name at least one type: \"text/html\", \"image/svg+xml\" "
                    + "or \"image/png\" (or \"html\", \"svg\", \"png\")");
        }
        List<String> out = new ArrayList<>();
        for (String t : types) {
            String type = t == null ? "" : t.trim().toLowerCase(Locale.ROOT);
            type = switch (type) {
                case "html" -> HTML;
                case "svg" -> SVG;
                case "png" -> PNG;
                case "text", "plain" -> TEXT;
                default -> type;
            };
            if (!type.equals(HTML) && !type.equals(SVG) && !type.equals(PNG) && !type.equals(TEXT)) {
                throw new IllegalArgumentException(op + "(\"" + t + "\"): a plot can be sent as \"text/html\" "
                        + "(the SVG inline), \"image/svg+xml\" or \"image/png\" (short: \"html\", \"svg\", \"png\"); "
                        + "text/plain is always sent as well");
            }
            if (!out.contains(type)) {
                out.add(type);
            }
        }
        return List.copyOf(out);
    }

    /** Draws the plot into {@code area} of {@code g}; the same code serves SVG and PNG. */
    protected abstract void draw(Graphics2D g, Rectangle2D area);

    /** One line for {@code text/plain} and {@code toString()}, e.g. "contour of f: 10 levels, 1 path". */
    protected abstract String describe();

    // ---- rendering ---------------------------------------------------------------------------

    /** The plot as a standalone SVG document at its {@link #size}. */
    public String svg() {
        return svg(width, height);
    }

    /** The plot as a standalone SVG document of the given size. */
    public String svg(int w, int h) {
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("svg(" + w + ", " + h + "): width and height must be positive");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement(w, h) + "\n";
    }

    /** The {@code <svg>} element alone, for inlining into HTML. */
    String svgElement(int w, int h) {
        SVGGraphics2D g = new SVGGraphics2D(w, h);
        long n = RENDERINGS.incrementAndGet();
        g.setDefsKeyPrefix("wg" + n + "_");
        // hundredths of a pixel are beyond any screen, and halve the text of contour paths
        g.setGeomDoubleConverter(Plot::hundredths);
        paint(g, w, h);
        return g.getSVGElement("wengert-plot-" + n);
    }

    private static String hundredths(double v) {
        double r = Math.rint(v * 100) / 100;
        return r == Math.rint(r) && Math.abs(r) < 1e9 ? Long.toString((long) r) : Double.toString(r);
    }

    /** The plot as PNG bytes of the given size. */
    public byte[] png(int w, int h) {
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("png(" + w + ", " + h + "): width and height must be positive");
        }
        // opaque (the background is white): a PNG without an alpha channel is smaller
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        paint(g, w, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The plot as PNG bytes at its {@link #size}. */
    public byte[] png() {
        return png(width, height);
    }

    private void paint(Graphics2D g, int w, int h) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        draw(g, new Rectangle2D.Double(0, 0, w, h));
    }

    /**
     * Writes the plot to a file, chosen by extension: {@code .svg} or {@code .png}.
     *
     * <pre>{@code
     * contour(f, -2, 2, -1, 3).save("cost.svg");
     * }</pre>
     *
     * @return the path written
     */
    public Path save(String file) {
        Path path = Path.of(file);
        String lower = file.toLowerCase(Locale.ROOT);
        byte[] bytes;
        if (lower.endsWith(".svg")) {
            bytes = svg().getBytes(StandardCharsets.UTF_8);
        } else if (lower.endsWith(".png")) {
            bytes = png();
        } else {
            throw new IllegalArgumentException("save(\"" + file + "\"): the extension chooses the format; "
                    + "end the name with .svg or .png");
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.write(path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("save(\"" + file + "\"): " + e.getMessage(), e);
        }
    }

    /**
     * Where no notebook displays the plot (plain JShell), writes it to a temporary PNG and
     * prints the path, so it can be opened in any image viewer.
     */
    public Path show() {
        try {
            Path f = Files.createTempFile("wengert-plot-", ".png");
            Files.write(f, png());
            System.out.println("plot saved to " + f.toAbsolutePath());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("show(): could not write a temporary file: " + e.getMessage(), e);
        }
    }

    /**
     * The types of {@link #mime()} in its order, then a one-line text. By default HTML with the
     * SVG inline (Debian's nbconvert drops {@code image/svg+xml} from HTML export; HTML shows
     * everywhere a notebook runs) and PNG (GitHub's notebook view shows no inline SVG), not the
     * SVG a second time: each representation is stored in the notebook.
     */
    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        String svg = null;
        for (String type : mime()) {
            switch (type) {
                case HTML -> {
                    svg = svg != null ? svg : svgElement(width, height);
                    m.put(HTML, "<div class=\"wengert-plot\">" + svg + "</div>");
                }
                case SVG -> {
                    svg = svg != null ? svg : svgElement(width, height);
                    m.put(SVG, svg);
                }
                case PNG -> m.put(PNG, Base64.getEncoder().encodeToString(png()));
                default -> {
                    // text/plain goes last, whatever its place in the list
                }
            }
        }
        m.put(TEXT, toString());
        return m;
    }

    @Override
    public String toString() {
        return describe();
    }
}
