package dev.wengert.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.jfree.chart.ChartRenderingInfo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Reading rendered plots back: SVG as XML, PNG as an image. */
final class Svg {
    private Svg() {
    }

    /** Parses SVG text as XML; fails the test if it is not well formed. */
    static Document parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        } catch (Exception e) {
            throw new AssertionError("the SVG is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The element with this id, or null. */
    static Element byId(Document doc, String id) {
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        for (int k = 0; k < all.getLength(); k++) {
            Element e = (Element) all.item(k);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    /** Every point of every {@code <path d>} inside an element, as {x, y} pixels. */
    static List<double[]> pathPoints(Element root) {
        List<double[]> out = new ArrayList<>();
        NodeList paths = root.getElementsByTagNameNS("*", "path");
        Pattern p = Pattern.compile("[ML]\\s*(-?[0-9.]+(?:E-?[0-9]+)?)[ ,](-?[0-9.]+(?:E-?[0-9]+)?)");
        for (int k = 0; k < paths.getLength(); k++) {
            Matcher m = p.matcher(((Element) paths.item(k)).getAttribute("d"));
            while (m.find()) {
                out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
        }
        return out;
    }

    /** All text drawn in the SVG, concatenated. */
    static String text(Document doc) {
        NodeList texts = doc.getElementsByTagNameNS("*", "text");
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < texts.getLength(); k++) {
            sb.append(texts.item(k).getTextContent()).append('\n');
        }
        return sb.toString();
    }

    /** A piece of text as drawn: its string and its box in SVG pixels (after transforms), and its clip's box. */
    record TextBox(String text, Rectangle2D box, Rectangle2D clip) {
        @Override
        public String toString() {
            return "\"" + text + "\" at [" + round(box.getMinX()) + ", " + round(box.getMinY()) + " … "
                    + round(box.getMaxX()) + ", " + round(box.getMaxY()) + "]";
        }

        private static String round(double v) {
            return String.format(java.util.Locale.ROOT, "%.1f", v);
        }
    }

    /**
     * Every {@code <text>} element of the SVG with its box, computed as a browser would lay it
     * out from the font's metrics: from (x, y) on the baseline, the string's advance wide and
     * the font's ascent above and descent below, then through the transforms of the element
     * and its ancestors. The font is the one the style names (family, size in px, weight),
     * measured by Java2D, as JFreeChart measured it when it laid the plot out. (JFreeSVG draws
     * rotated text, the y axis label, as glyph outlines: those are shapes, not text.)
     */
    static List<TextBox> textBoxes(Document doc) {
        Map<String, Rectangle2D> clips = new HashMap<>();
        NodeList clipPaths = doc.getElementsByTagNameNS("*", "clipPath");
        for (int k = 0; k < clipPaths.getLength(); k++) {
            Element c = (Element) clipPaths.item(k);
            List<double[]> pts = pathPoints(c);
            Rectangle2D r = null;
            for (double[] p : pts) {
                if (r == null) {
                    r = new Rectangle2D.Double(p[0], p[1], 0, 0);
                } else {
                    r.add(p[0], p[1]);
                }
            }
            NodeList rects = c.getElementsByTagNameNS("*", "rect");
            for (int i = 0; i < rects.getLength(); i++) {
                Element e = (Element) rects.item(i);
                Rectangle2D q = new Rectangle2D.Double(num(e, "x"), num(e, "y"), num(e, "width"), num(e, "height"));
                r = r == null ? q : r.createUnion(q);
            }
            clips.put(c.getAttribute("id"), r);
        }
        FontRenderContext frc = new FontRenderContext(null, true, true);
        List<TextBox> out = new ArrayList<>();
        NodeList texts = doc.getElementsByTagNameNS("*", "text");
        for (int k = 0; k < texts.getLength(); k++) {
            Element t = (Element) texts.item(k);
            String s = t.getTextContent();
            if (s.isBlank()) {
                continue;
            }
            Font font = font(t.getAttribute("style"));
            LineMetrics lm = font.getLineMetrics(s, frc);
            double advance = font.getStringBounds(s, frc).getWidth();
            Rectangle2D local = new Rectangle2D.Double(num(t, "x"), num(t, "y") - lm.getAscent(), advance,
                    lm.getAscent() + lm.getDescent());
            AffineTransform at = transformOf(t);
            Rectangle2D box = at.createTransformedShape(local).getBounds2D();
            Rectangle2D clip = null;
            String ref = t.getAttribute("clip-path");
            if (ref.startsWith("url(#")) {
                Rectangle2D c = clips.get(ref.substring(5, ref.length() - 1));
                clip = c == null ? null : at.createTransformedShape(c).getBounds2D();
            }
            out.add(new TextBox(s, box, clip));
        }
        return out;
    }

    private static double num(Element e, String attribute) {
        String v = e.getAttribute(attribute);
        return v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    private static Font font(String style) {
        Matcher size = Pattern.compile("font-size:\\s*([0-9.]+)px").matcher(style);
        Matcher family = Pattern.compile("font-family:\\s*([^;]+);").matcher(style);
        int weight = style.contains("font-weight: bold") ? Font.BOLD : Font.PLAIN;
        String f = family.find() ? family.group(1).trim() : "sans-serif";
        String logical = f.contains("monospace") ? Font.MONOSPACED : f.contains("sans") ? Font.SANS_SERIF
                : f.contains("serif") ? Font.SERIF : f;
        float px = size.find() ? Float.parseFloat(size.group(1)) : 12f;
        return new Font(logical, weight, 1).deriveFont(px);
    }

    /** The product of the transforms of e and its ancestors (matrix, translate, scale, rotate). */
    private static AffineTransform transformOf(Element e) {
        AffineTransform at = new AffineTransform();
        List<Element> chain = new ArrayList<>();
        for (org.w3c.dom.Node n = e; n instanceof Element; n = n.getParentNode()) {
            chain.add(0, (Element) n);
        }
        Pattern op = Pattern.compile("(matrix|translate|scale|rotate)\\(([^)]*)\\)");
        for (Element el : chain) {
            Matcher m = op.matcher(el.getAttribute("transform"));
            while (m.find()) {
                String[] a = m.group(2).trim().split("[ ,]+");
                double[] v = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    v[i] = Double.parseDouble(a[i]);
                }
                switch (m.group(1)) {
                    case "matrix" -> at.concatenate(new AffineTransform(v[0], v[1], v[2], v[3], v[4], v[5]));
                    case "translate" -> at.translate(v[0], v.length > 1 ? v[1] : 0);
                    case "scale" -> at.scale(v[0], v.length > 1 ? v[1] : v[0]);
                    default -> at.rotate(Math.toRadians(v[0]), v.length > 2 ? v[1] : 0, v.length > 2 ? v[2] : 0);
                }
            }
        }
        return at;
    }

    /**
     * Asserts that no two pieces of text overlap (by more than {@code tolerance} pixels either
     * way), that each lies inside the SVG's viewport and inside its clip: nothing hidden, nothing
     * cut off. Returns the boxes, for further checks.
     */
    static List<TextBox> assertTextReadable(String svg, String what) {
        Document doc = parse(svg);
        double w = Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
        double h = Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
        List<TextBox> boxes = textBoxes(doc);
        double tolerance = 0.5;
        List<String> problems = new ArrayList<>();
        Rectangle2D view = new Rectangle2D.Double(-tolerance, -tolerance, w + 2 * tolerance, h + 2 * tolerance);
        for (int i = 0; i < boxes.size(); i++) {
            TextBox a = boxes.get(i);
            if (!view.contains(a.box())) {
                problems.add(a + " reaches outside the " + w + " × " + h + " picture");
            }
            if (a.clip() != null && !grow(a.clip(), tolerance).contains(a.box())) {
                problems.add(a + " is cut off by its clip " + a.clip());
            }
            for (int j = i + 1; j < boxes.size(); j++) {
                TextBox b = boxes.get(j);
                Rectangle2D x = a.box().createIntersection(b.box());
                if (x.getWidth() > tolerance && x.getHeight() > tolerance) {
                    problems.add(a + " overlaps " + b);
                }
            }
        }
        assertTrue(problems.isEmpty(), what + ": " + String.join("; ", problems));
        return boxes;
    }

    private static Rectangle2D grow(Rectangle2D r, double d) {
        return new Rectangle2D.Double(r.getX() - d, r.getY() - d, r.getWidth() + 2 * d, r.getHeight() + 2 * d);
    }

    /** Decodes PNG bytes and checks the size. */
    static BufferedImage png(byte[] bytes, int w, int h) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            assertEquals(w, img.getWidth(), "PNG width");
            assertEquals(h, img.getHeight(), "PNG height");
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where JFreeChart puts the data area of a chart drawn at w × h into an SVG (fonts measured as JFreeSVG does). */
    static Rectangle2D dataArea(ChartPlot<?> plot, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        org.jfree.chart.JFreeChart chart = plot.chart(w, h);
        Rectangle2D area = new Rectangle2D.Double(0, 0, w, h);
        g.setRenderingHint(java.awt.RenderingHints.KEY_FRACTIONALMETRICS, java.awt.RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        ChartPlot.keepTickLabelsInside(chart, area, new org.jfree.svg.SVGGraphics2D(w, h));   // as draw() does
        chart.draw(g, area, info);
        g.dispose();
        return info.getPlotInfo().getDataArea();
    }
}
