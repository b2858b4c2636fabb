package dev.wengert.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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

    /** Where JFreeChart puts the data area of a chart drawn at w × h (the same for SVG and PNG). */
    static Rectangle2D dataArea(ChartPlot<?> plot, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        plot.chart().draw(g, new Rectangle2D.Double(0, 0, w, h), info);
        g.dispose();
        return info.getPlotInfo().getDataArea();
    }
}
