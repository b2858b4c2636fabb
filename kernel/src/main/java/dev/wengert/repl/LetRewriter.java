package dev.wengert.repl;

/**
 * Rewrites {@code let x = …} to {@code var x = …} where {@code let} starts a statement: at the
 * start of the cell or of a line, or after {@code ;}, a brace, or {@code for (}.
 *
 * <p>{@code let} reads naturally in notebooks (and is what users of other notebook languages
 * type); Java spells it {@code var}. Both words have three letters, so the rewrite keeps every
 * offset, and compile errors still point at the column the user typed. Strings, character
 * literals, text blocks and comments are skipped, so {@code "let x = 1"} stays text.
 */
final class LetRewriter {

    private LetRewriter() {
    }

    /**
     * Returns {@code code} with each statement-initial {@code let} declaration keyword replaced.
     *
     * <pre>{@code
     * LetRewriter.rewrite("let x = 1; for (let y : ys) {}")  // "var x = 1; for (var y : ys) {}"
     * }</pre>
     */
    static String rewrite(String code) {
        StringBuilder out = new StringBuilder(code);
        // the last significant character before the current position, '\0' at the start
        char previous = '\0';
        boolean lineStart = true;
        boolean afterForParen = false;
        String lastWord = "";
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                i = endOfLine(code, i);
            } else if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                previous = '"';
                lineStart = false;
            } else if (c == '"' || c == '\'') {
                i = endOfQuoted(code, i, c);
                previous = c;
                lineStart = false;
            } else if (Character.isWhitespace(c)) {
                lineStart |= c == '\n';
                i++;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i;
                while (end < n && Character.isJavaIdentifierPart(code.charAt(end))) {
                    end++;
                }
                String word = code.substring(i, end);
                // a line that starts with "let x =" starts a declaration (a line may end a
                // statement without its ';', as in jshell)
                boolean statementStart = previous == '\0' || previous == ';' || previous == '{'
                        || previous == '}' || (previous == '(' && afterForParen) || lineStart;
                if (word.equals("let") && statementStart && declarationFollows(code, end)) {
                    out.replace(i, end, "var");
                }
                afterForParen = false;
                lineStart = false;
                lastWord = word;
                previous = 'a';
                i = end;
            } else {
                lineStart = false;
                afterForParen = c == '(' && lastWord.equals("for") && previous == 'a';
                lastWord = "";
                previous = c;
                i++;
            }
        }
        return out.toString();
    }

    /** True if {@code let} at {@code from} is followed by a name and then {@code =} or {@code :}. */
    private static boolean declarationFollows(String code, int from) {
        int i = skipSpace(code, from);
        if (i == from || i >= code.length() || !Character.isJavaIdentifierStart(code.charAt(i))) {
            return false; // "let= 3" or "let.x" is an ordinary name called let
        }
        while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) {
            i++;
        }
        i = skipSpace(code, i);
        if (i >= code.length()) {
            return false;
        }
        char c = code.charAt(i);
        boolean equalsSign = c == '=' && (i + 1 >= code.length() || code.charAt(i + 1) != '=');
        return equalsSign || c == ':';
    }

    private static int skipSpace(String code, int i) {
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int endOfLine(String code, int i) {
        int end = code.indexOf('\n', i);
        return end < 0 ? code.length() : end;
    }

    private static int endOfQuoted(String code, int start, char quote) {
        int i = start + 1;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote || c == '\n') {
                return i + 1;
            } else {
                i++;
            }
        }
        return code.length();
    }
}
