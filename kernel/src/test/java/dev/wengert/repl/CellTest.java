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

    // a snippet's source starts at its first non-blank character (JShell misnumbers the
    // lines of one that starts with a line break); compiler positions count from there

    @Test
    void snippetsKnowTheirOffsets() {
        String code = "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)";
        assertEquals(List.of(0, code.indexOf("divide(1")), offsets(code));
    }

    @Test
    void severalStatementsOnOneLine() {
        assertEquals(List.of(0, 11, 23), offsets("int a = 1; int b = 2;  a + b"));
    }

    @Test
    void leadingCommentsBelongToTheSnippet() {
        Cell.Piece piece = Cell.of("\n\n// the answer\nint a = 42;").pieces(analysis).get(0);
        assertEquals(2, piece.offset());
        assertEquals("// the answer\nint a = 42;", piece.source());
        assertEquals("// the answer\nint a = 42;".indexOf("int"), piece.codeStart() - piece.offset());
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
    void aLineThatCompletesAStatementEndsItUnlessTheNextLineContinuesIt() {
        // as a line typed into jshell: a bare value on its own line, then more code
        List<Cell.Piece> pieces = Cell.of("int best = 3;\nbest\n// next\nint y = best * 2;").pieces(analysis);
        assertEquals(List.of("int best = 3;", "best", "// next\nint y = best * 2;"),
                pieces.stream().map(Cell.Piece::source).toList());
        assertEquals(List.of(0, 14, 19), pieces.stream().map(Cell.Piece::offset).toList());
        // a line starting with '.', an operator or ')' continues the statement above it
        assertEquals(1, Cell.of("String s = \"a\"\n    .toUpperCase();").pieces(analysis).size());
        assertEquals(1, Cell.of("double t = 1\n    + 2;").pieces(analysis).size());
        assertEquals(1, Cell.of("boolean b = true\n    // why\n    && false;").pieces(analysis).size());
        assertEquals(2, Cell.of("int a = 1\nint b = 2").pieces(analysis).size());
        assertEquals(1, Cell.of("if (true) {\n}\nelse {\n}").pieces(analysis).size());
        assertEquals(1, Cell.of("try {\n} catch (RuntimeException e) {\n}\nfinally {\n}").pieces(analysis).size());
    }

    @Test
    void incompleteTailIsKeptWhole() {
        List<Cell.Piece> pieces = Cell.of("int a = 1;\nint b = ").pieces(analysis);
        assertEquals("int b = ", pieces.get(1).source());
        assertEquals(11, pieces.get(1).offset());
    }
}
