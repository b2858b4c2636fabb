package dev.wengert.repl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.EndElementTree;
import com.sun.source.doctree.EntityTree;
import com.sun.source.doctree.LinkTree;
import com.sun.source.doctree.LiteralTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.doctree.ReturnTree;
import com.sun.source.doctree.SeeTree;
import com.sun.source.doctree.StartElementTree;
import com.sun.source.doctree.TextTree;
import com.sun.source.doctree.ThrowsTree;
import com.sun.source.doctree.ValueTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SimpleDocTreeVisitor;

/**
 * A javadoc comment as plain text for a terminal or a notebook's pager: HTML and inline tags
 * resolved ({@code {@code x}} → {@code x}, {@code {@link #f(int)}} → {@code f(int)},
 * {@code <p>} → a blank line), code blocks indented, and the block tags as "Parameters:",
 * "Returns:" and "Throws:" sections.
 *
 * <p>The comment is parsed by javac's public doc-comment API ({@link DocTrees}); the JDK's own
 * formatter, which the jshell tool uses, is internal to jdk.compiler and not exported.
 *
 * <pre>{@code
 * JavadocText.plain("Adds {@code a} to b.<p>Fast.\n@param a the addend\n@return the sum")
 * // "Adds a to b.\n\nFast.\n\nParameters:\n  a - the addend\nReturns:\n  the sum"
 * }</pre>
 */
final class JavadocText {

    private static final Pattern NUMERIC_ENTITY = Pattern.compile("#(x?)([0-9a-fA-F]+)");
    private static final Map<String, String> ENTITIES = Map.of("lt", "<", "gt", ">", "amp", "&", "quot", "\"",
            "apos", "'", "nbsp", " ", "middot", "·", "times", "×", "le", "≤", "ge", "≥");

    private static JavacTask parser;

    private JavadocText() {
    }

    /** The comment as plain text; blank for a blank comment, the text itself if it cannot be parsed. */
    static String plain(String javadoc) {
        if (javadoc == null || javadoc.isBlank()) {
            return "";
        }
        DocCommentTree tree;
        try {
            tree = parse(javadoc);
        } catch (RuntimeException e) {
            return javadoc.strip(); // unparsable HTML: the raw comment beats nothing
        }
        if (tree == null) {
            return javadoc.strip();
        }
        Renderer body = new Renderer();
        body.all(tree.getFullBody());
        StringBuilder text = new StringBuilder(body.text());
        Map<String, List<String>> sections = new LinkedHashMap<>();
        for (DocTree tag : tree.getBlockTags()) {
            section(tag, sections);
        }
        sections.forEach((title, lines) -> {
            text.append("\n\n").append(title).append(':');
            lines.forEach(line -> text.append("\n  ").append(line));
        });
        return tidy(text.toString());
    }

    private static synchronized DocCommentTree parse(String javadoc) {
        if (parser == null) {
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            parser = (JavacTask) compiler.getTask(null, null, diagnostic -> { }, null, null, null);
        }
        JavaFileObject html = new SimpleJavaFileObject(java.net.URI.create("mem://javadoc.html"), JavaFileObject.Kind.HTML) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return "<body>" + javadoc + "</body>";
            }
        };
        return DocTrees.instance(parser).getDocCommentTree(html);
    }

    private static void section(DocTree tag, Map<String, List<String>> sections) {
        switch (tag.getKind()) {
            case PARAM: {
                ParamTree param = (ParamTree) tag;
                String name = param.getName().getName().toString();
                add(sections, "Parameters", (param.isTypeParameter() ? "<" + name + ">" : name) + " - "
                        + inline(param.getDescription()));
                break;
            }
            case RETURN:
                add(sections, "Returns", inline(((ReturnTree) tag).getDescription()));
                break;
            case THROWS:
            case EXCEPTION: {
                ThrowsTree thrown = (ThrowsTree) tag;
                add(sections, "Throws", thrown.getExceptionName().getSignature() + " - " + inline(thrown.getDescription()));
                break;
            }
            case SEE:
                add(sections, "See also", inline(((SeeTree) tag).getReference()));
                break;
            default: {
                // @since, @deprecated, @author, custom tags: the tag's own words
                String text = tag.toString().strip();
                int space = text.indexOf(' ');
                String name = space < 0 ? text.substring(1) : text.substring(1, space);
                String title = name.isEmpty() ? "Note" : Character.toUpperCase(name.charAt(0)) + name.substring(1);
                add(sections, title, space < 0 ? "" : text.substring(space + 1).strip());
            }
        }
    }

    private static void add(Map<String, List<String>> sections, String title, String line) {
        sections.computeIfAbsent(title, t -> new ArrayList<>()).add(line.replaceAll("\\s*\\n\\s*", " ").strip());
    }

    private static String inline(List<? extends DocTree> trees) {
        Renderer renderer = new Renderer();
        renderer.all(trees);
        return renderer.text();
    }

    /** At most one blank line in a row, no trailing blanks. */
    private static String tidy(String text) {
        return text.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
    }

    /** Renders inline content; code blocks ({@code <pre>}) keep their lines and are indented. */
    private static final class Renderer extends SimpleDocTreeVisitor<Void, Void> {
        private final StringBuilder out = new StringBuilder();
        private int pre;

        void all(List<? extends DocTree> trees) {
            for (DocTree tree : trees) {
                tree.accept(this, null);
            }
        }

        String text() {
            return out.toString().strip();
        }

        @Override
        protected Void defaultAction(DocTree node, Void unused) {
            return null; // {@inheritDoc} and {@index} are resolved or empty here
        }

        @Override
        public Void visitText(TextTree node, Void unused) {
            // a comment's lines keep the blank after their " *": not part of the text
            append(pre == 0 ? node.getBody().replaceAll("\n[ \t]+", "\n") : node.getBody());
            return null;
        }

        @Override
        public Void visitEntity(EntityTree node, Void unused) {
            String name = node.getName().toString();
            Matcher numeric = NUMERIC_ENTITY.matcher(name);
            if (numeric.matches()) {
                out.appendCodePoint(Integer.parseInt(numeric.group(2), numeric.group(1).isEmpty() ? 10 : 16));
            } else {
                out.append(ENTITIES.getOrDefault(name, "&" + name + ";"));
            }
            return null;
        }

        @Override
        public Void visitStartElement(StartElementTree node, Void unused) {
            switch (node.getName().toString().toLowerCase()) {
                case "p":
                    out.append("\n\n");
                    break;
                case "br":
                    out.append('\n');
                    break;
                case "li":
                    trimEnd();
                    out.append("\n  - ");
                    break;
                case "pre":
                    pre++;
                    out.append("\n\n");
                    break;
                case "sup":
                    out.append('^');
                    break;
                default:
                    break;
            }
            return null;
        }

        @Override
        public Void visitEndElement(EndElementTree node, Void unused) {
            switch (node.getName().toString().toLowerCase()) {
                case "pre":
                    pre = Math.max(0, pre - 1);
                    out.append("\n\n");
                    break;
                case "ul":
                case "ol":
                    out.append('\n');
                    break;
                default:
                    break;
            }
            return null;
        }

        @Override
        public Void visitLiteral(LiteralTree node, Void unused) {
            append(node.getBody().getBody());
            return null;
        }

        @Override
        public Void visitLink(LinkTree node, Void unused) {
            if (!node.getLabel().isEmpty()) {
                all(node.getLabel());
            } else {
                String reference = node.getReference().getSignature();
                out.append(reference.startsWith("#") ? reference.substring(1) : reference.replace('#', '.'));
            }
            return null;
        }

        @Override
        public Void visitValue(ValueTree node, Void unused) {
            if (node.getReference() != null) {
                out.append(node.getReference().getSignature().replace('#', '.'));
            }
            return null;
        }

        private void append(String text) {
            if (pre == 0) {
                out.append(text);
                return;
            }
            // a code block: the blank first and last line of {@code ...} dropped, the lines'
            // common indentation replaced by four spaces
            String code = text.replaceAll("^[ \\t]*\\n", "").replaceAll("\\n[ \\t]*$", "");
            String[] lines = code.split("\n", -1);
            int common = Integer.MAX_VALUE;
            for (String line : lines) {
                if (!line.isBlank()) {
                    common = Math.min(common, line.length() - line.stripLeading().length());
                }
            }
            for (String line : lines) {
                out.append("    ").append(line.isBlank() ? "" : line.substring(common)).append('\n');
            }
            out.setLength(out.length() - 1);
        }

        private void trimEnd() {
            int end = out.length();
            while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
                end--;
            }
            out.setLength(end);
        }
    }
}
