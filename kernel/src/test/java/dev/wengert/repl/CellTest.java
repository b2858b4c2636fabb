package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;

/** Splitting cells into snippets that know where they start. */
class CellTest {

    private static JShell jshell;
    private static SourceCodeAnalysis analysis;

    @BeforeAll
    static void open() {
        jshell = JShell.create();
        analysis = jshell.sourceCodeAnalysis();
    }

    @AfterAll
    static void close() {
        jshell.close();
    }

    private static List<Integer> offsets(String code) {
        return Cell.of(code).pieces(analysis).stream().map(Cell.Piece::offset).toList();
    }

    // a snippet's source starts right after the previous one, blanks included, as JShell
    // counts compiler positions from there

    @Test
    void snippetsKnowTheirOffsets() {
        String code = "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)";
        assertEquals(List.of(0, code.indexOf("\n\ndivide(1")), offsets(code));
    }

    @Test
    void severalStatementsOnOneLine() {
        assertEquals(List.of(0, 10, 21), offsets("int a = 1; int b = 2;  a + b"));
    }

    @Test
    void leadingBlankLinesAndCommentsBelongToTheSnippet() {
        List<Cell.Piece> pieces = Cell.of("\n\n// the answer\nint a = 42;").pieces(analysis);
        assertEquals(1, pieces.size());
        assertEquals(0, pieces.get(0).offset());
    }

    @Test
    void magicLinesKeepLineNumbers() {
        Cell cell = Cell.of("%jars lib/*.jar\nint a = 1;");
        assertEquals(List.of(new Cell.MagicCall("jars", "lib/*.jar", null, 0, 1)), cell.magics());
        assertEquals("               \nint a = 1;", cell.java());
    }

    @Test
    void aContinuedModuloIsJavaNotAMagic() {
        Cell cell = Cell.of("int r = 7\n  % 3;\nint s = 8\n% 3;");
        assertEquals(List.of(), cell.magics());
        assertEquals("int r = 7\n  % 3;\nint s = 8\n% 3;", cell.java());
    }

    @Test
    void incompleteTailIsKeptWhole() {
        List<Cell.Piece> pieces = Cell.of("int a = 1;\nint b = ").pieces(analysis);
        assertEquals("int b = ", pieces.get(1).source());
        assertEquals(11, pieces.get(1).offset());
    }
}
