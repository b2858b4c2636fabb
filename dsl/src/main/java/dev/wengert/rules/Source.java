package dev.wengert.rules;

/**
 * An arithmetic rule's value and partials as Java expressions over its operands {@code a} and
 * {@code b} and its output {@code y}, written beside the rule's methods so that a convention
 * (which operand a partial reads, how a quotient's partial is formed) changes in one place.
 * Compiled tapes substitute their own expressions for the names and generate their loops from
 * these; the generated loops are tested to give the interpreter's bits.
 *
 * <pre>{@code
 * new Source("a / b", "1.0 / b", "-y / b");   // division: ∂/∂a = 1/b, ∂/∂b = −y/b
 * }</pre>
 *
 * @param value    f(a, b) (or f(a) for a one-argument rule)
 * @param partialA ∂f/∂a
 * @param partialB ∂f/∂b (null for a one-argument rule)
 */
public record Source(String value, String partialA, String partialB) {

    /**
     * The expression {@code e} with each name a, b, y replaced: whole identifiers only, so
     * {@code "-y / b"} with y → {@code u3} and b → {@code v[7]} gives {@code "-u3 / v[7]"}.
     */
    public static String substitute(String e, String a, String b, String y) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            boolean alone = (i == 0 || !Character.isJavaIdentifierPart(e.charAt(i - 1)))
                    && (i + 1 == e.length() || !Character.isJavaIdentifierPart(e.charAt(i + 1)));
            if (alone && c == 'a') {
                r.append(a);
            } else if (alone && c == 'b') {
                r.append(b);
            } else if (alone && c == 'y') {
                r.append(y);
            } else {
                r.append(c);
            }
        }
        return r.toString();
    }

    /** Whether expression e reads the name n (a, b or y). */
    public static boolean reads(String e, char n) {
        return !substitute(e, n == 'a' ? "#" : "a", n == 'b' ? "#" : "b", n == 'y' ? "#" : "y").equals(e);
    }
}
