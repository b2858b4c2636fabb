package dev.wengert.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tables as a notebook shows them: HTML read back as XML, and aligned text. */
class TableViewTest {

    static Document html(String html) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed: " + e.getMessage() + "\n" + html, e);
        }
    }

    /** The text of each row's cells (header row first). */
    static List<List<String>> rows(Document doc) {
        List<List<String>> out = new ArrayList<>();
        NodeList trs = doc.getElementsByTagName("tr");
        for (int i = 0; i < trs.getLength(); i++) {
            List<String> cells = new ArrayList<>();
            NodeList cs = ((Element) trs.item(i)).getChildNodes();
            for (int j = 0; j < cs.getLength(); j++) {
                cells.add(cs.item(j).getTextContent());
            }
            out.add(cells);
        }
        return out;
    }

    static String caption(Document doc) {
        return doc.getElementsByTagName("caption").item(0).getTextContent();
    }

    @Test
    void aSmallTableIsShownWholeWithItsCounts() {
        Table t = Table.create("decay", DoubleColumn.create("t", 0, 1, 2), DoubleColumn.create("y", 10.2, Double.NaN, 3.6),
                StringColumn.create("note", "a<b", "", "c & d"));
        TableView v = TableView.of(t);
        Document doc = html(v.html());
        assertEquals("decay: 3 rows × 3 columns", caption(doc));
        assertEquals(List.of(List.of("t", "y", "note"), List.of("0", "10.2", "a<b"), List.of("1", "", ""),
                List.of("2", "3.6", "c & d")), rows(doc));
        assertEquals("decay: 3 rows × 3 columns\n"
                + "t |    y | note\n"
                + "--+------+------\n"
                + "0 | 10.2 | a<b\n"
                + "1 |      | \n"
                + "2 |  3.6 | c & d", v.text());
        Map<String, String> bundle = v.mimeBundle();
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(bundle.keySet()));
    }

    @Test
    void aLongTableShowsItsFirstAndLastRowsAndHowManyThereAre() {
        int n = 1_000_000;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        Table t = Table.create("big", IntColumn.create("id", ids));
        Document doc = html(TableView.of(t).html());
        assertEquals("big: 1,000,000 rows × 1 column", caption(doc));
        List<List<String>> rows = rows(doc);
        assertEquals(1 + 2 * TableView.EDGE_ROWS + 1, rows.size(), "header, first 5, …, last 5");
        assertEquals(List.of("0"), rows.get(1));
        assertEquals(List.of("4"), rows.get(5));
        assertEquals(List.of("…"), rows.get(6));
        assertEquals(List.of("999995"), rows.get(7));
        assertEquals(List.of("999999"), rows.get(11));
        String text = TableView.of(t).text();
        assertEquals(3 + 2 * TableView.EDGE_ROWS + 1, text.split("\n").length, "caption, header, rule, 11 rows: " + text);
    }

    @Test
    void sixtyRowsAreShownWholeAndSixtyOneAreNot() {
        assertEquals(60, TableView.maxRows());
        assertEquals(1 + 60, rows(html(TableView.of(Table.create("t", IntColumn.create("id", new int[60]))).html())).size());
        assertEquals(1 + 11, rows(html(TableView.of(Table.create("t", IntColumn.create("id", new int[61]))).html())).size());
    }

    @Test
    void theRowCapCanBeRaisedAndWideTablesShowTheirEdges() {
        int before = TableView.maxRows();
        try {
            TableView.maxRows(100);
            int[] ids = new int[100];
            Table t = Table.create("hundred", IntColumn.create("id", ids));
            assertEquals(101, rows(html(TableView.of(t).html())).size(), "100 rows shown whole");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableView.maxRows(3));
            assertTrue(e.getMessage().contains("tableRows(3)"), e.getMessage());
        } finally {
            TableView.maxRows(before);
        }
        Table wide = Table.create("wide");
        for (int c = 0; c < 30; c++) {
            wide.addColumns(DoubleColumn.create("c" + c, 1.0 * c));
        }
        List<List<String>> rows = rows(html(TableView.of(wide).html()));
        assertEquals(2 * TableView.EDGE_COLUMNS + 1, rows.get(0).size());
        assertEquals("c9", rows.get(0).get(9));
        assertEquals("…", rows.get(0).get(10));
        assertEquals("c20", rows.get(0).get(11));
        assertTrue(caption(html(TableView.of(wide).html())).endsWith("1 row × 30 columns"));
    }

    @Test
    void aGridLabelsRowsAndColumnsByIndex() {
        Document doc = html(TableView.grid("Tensor(2, 3)", 2, 3, (r, c) -> Integer.toString(10 * r + c)).html());
        assertEquals("Tensor(2, 3)", caption(doc));
        assertEquals(List.of(List.of("", "0", "1", "2"), List.of("0", "0", "1", "2"), List.of("1", "10", "11", "12")),
                rows(doc));
    }
}
