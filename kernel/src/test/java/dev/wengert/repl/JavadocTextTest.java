package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Javadoc as JShell hands it over (the comment's lines, " *" removed), turned into plain text by javac's parser. */
class JavadocTextTest {

    @Test
    void inlineTagsParagraphsCodeBlocksAndBlockTags() {
        String javadoc = "Adds {@code a} to {@link #b(int) b}, see {@link java.util.List#of()}.\n"
                + " Second line &lt;here&gt; &#946;.\n"
                + "\n"
                + " <p>A list:\n"
                + " <ul>\n"
                + "   <li>one;</li>\n"
                + "   <li>x<sup>2</sup>.</li>\n"
                + " </ul>\n"
                + "\n"
                + " <pre>{@code\n"
                + " var r = add(1, 2);\n"
                + " if (r > 2) {\n"
                + "     r++;\n"
                + " }\n"
                + " }</pre>\n"
                + "\n"
                + " @param a the addend,\n"
                + "     on two lines\n"
                + " @param <T> the type\n"
                + " @return the sum\n"
                + " @throws IllegalArgumentException if {@code a} is negative\n"
                + " @since 0.1\n";
        assertEquals("Adds a to b, see java.util.List.of().\n"
                + "Second line <here> β.\n"
                + "\n"
                + "A list:\n"
                + "  - one;\n"
                + "  - x^2.\n"
                + "\n"
                + "    var r = add(1, 2);\n"
                + "    if (r > 2) {\n"
                + "        r++;\n"
                + "    }\n"
                + "\n"
                + "Parameters:\n"
                + "  a - the addend, on two lines\n"
                + "  <T> - the type\n"
                + "\n"
                + "Returns:\n"
                + "  the sum\n"
                + "\n"
                + "Throws:\n"
                + "  IllegalArgumentException - if a is negative\n"
                + "\n"
                + "Since:\n"
                + "  0.1", JavadocText.plain(javadoc));
    }

    @Test
    void blankOrMissingJavadocIsEmpty() {
        assertEquals("", JavadocText.plain(null));
        assertEquals("", JavadocText.plain("  \n "));
        assertEquals("Sine.", JavadocText.plain("Sine."));
    }
}
